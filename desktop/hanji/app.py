"""The ``hanji`` command: no arguments opens the window, anything else is the command line."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].endswith(".hanji") and len(argv) == 1):
        from hanji.ui.app import run

        return run(argv)
    from hanji.cli import main as cli_main

    return cli_main(argv)
