"""The command line: the same jobs as the window, without one.

Each module of this package adds its subcommands through ``register(subparsers)``. The commands
and their JSON output are a contract other tools rely on: keep them stable.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from hanji import __version__
from hanji.errors import HanjiError

# one module per group of subcommands; a module that is missing is skipped
COMMAND_MODULES = ["project", "formats", "ocr", "extract", "quality", "train", "team", "packages", "copy"]
# the commands that edit a project take --user NAME: who the edits are recorded under
EDITING_COMMANDS = ("add", "remove", "import", "preannotate", "propose", "forbid", "review", "agreement", "merge",
                    "conflicts")


def project_arg(text: str) -> str | Path:
    """PROJECT on the command line (argparse ``type=``): a path, or a ``postgresql://`` URL kept as
    written (``Path`` would fold its ``//``); the same test as :func:`hanji.store.names.is_url`,
    here so that building the parser does not import the store."""
    return text if text[:13].lower().startswith(("postgresql://", "postgres://")) else Path(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hanji", description="Hanji (한지): OCR dataset studio")
    parser.add_argument("--version", action="store_true", help="print version, device and models")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(f"hanji.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"hanji.cli.{name}":
                continue
            raise
        mod.register(sub)
    for name in EDITING_COMMANDS:
        if name in sub.choices:
            sub.choices[name].add_argument("--user", metavar="NAME",
                                           help="who the edits are recorded under ($HANJI_USER, else the login name)")
    return parser


def version_text() -> str:
    lines = [f"hanji {__version__}"]
    try:
        from hanji.jobs.info import runtime_info

        for k, v in runtime_info().items():
            lines.append(f"{k}: {v}")
    except ModuleNotFoundError:
        pass
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        print(version_text())
        return 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        if hasattr(args, "user"):  # each run in this process starts from the default again
            from hanji.store.people import set_default_user

            set_default_user(args.user)
        return int(args.func(args) or 0)
    except HanjiError as e:
        print(f"hanji: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hanji: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (``hanji search ... | head``): stop quietly, as other command-line tools do
        _quiet_stdout()
        return 141


def _quiet_stdout() -> None:
    """Send what is still buffered for a closed pipe to nowhere, so that Python's exit does not fail
    flushing it."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
