"""The data engine's logic, without a window and without the store: statistics, checks,
duplicates, likely label errors and what to label next. Jobs (``hanji.jobs.quality``) feed it
documents from the project file; the dashboard and ``hanji check|stats|next`` show the results."""

from hanji.quality.findings import Finding

__all__ = ["Finding"]
