"""The ``hanji`` command: no arguments opens the window, anything else is the command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # the window: no arguments, a project file, or a project on a server (``hanji postgresql://...``)
    if not argv or (len(argv) == 1 and (argv[0].endswith(".hanji")
                                        or argv[0][:13].lower().startswith(("postgresql://", "postgres://")))):
        from hanji.ui.app import run

        return run(argv)
    from hanji.cli import main as cli_main

    return cli_main(argv)
