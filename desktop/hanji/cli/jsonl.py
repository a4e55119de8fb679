"""Results as JSON Lines: to stdout as they come, or to ``--out`` under a temporary name, renamed at the end."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hanji.cli.progress import Bar
from hanji.errors import HanjiError
from hanji.jobs.base import Progress, no_progress


def emit_jsonl(results: Callable[[Progress], Iterable[dict[str, Any]]], out_path: Path | None, desc: str) -> int:
    """Write each object ``results(progress)`` yields as one JSON line; returns how many.

    With ``out_path`` a failed or cancelled run leaves no file behind; without it, lines go to
    stdout at once and the progress bar stays quiet.
    """
    out = tmp = None
    if out_path:
        if not out_path.parent.exists():
            raise HanjiError("the folder does not exist", out_path.parent)
        tmp = out_path.with_name(out_path.name + ".part")
        out = open(tmp, "w", encoding="utf-8")
    n = 0
    try:
        with Bar(desc, "img") as bar:
            for obj in results(bar if out else no_progress):
                line = json.dumps(obj, ensure_ascii=False)
                n += 1
                if out:
                    out.write(line + "\n")
                else:
                    print(line, flush=True)
    except BaseException:
        if out:
            out.close()
            tmp.unlink(missing_ok=True)
        raise
    if out:
        out.close()
        tmp.replace(out_path)
        print(f"wrote {n} result(s) to {out_path}", file=sys.stderr)
    return n
