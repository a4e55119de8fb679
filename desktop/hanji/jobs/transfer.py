"""Import and export jobs: dataset files in other tools' formats into and out of a project.

The two halves live in :mod:`hanji.jobs.importing` (checked documents written in batches through
the store's import run, taken back when a strict import stops) and :mod:`hanji.jobs.exporting`
(written beside the output, renamed into place at the end); this module names both for the
window and the command line.
"""

from __future__ import annotations

from hanji.jobs.exporting import ExportReport, export_project, parse_options, personal_types, project_samples
from hanji.jobs.importing import EDGE_TOLERANCE, ImportReport, SkippedEntry, dataset_root, import_path

__all__ = ["EDGE_TOLERANCE", "ExportReport", "ImportReport", "SkippedEntry", "dataset_root", "export_project",
           "import_path", "parse_options", "personal_types", "project_samples"]
