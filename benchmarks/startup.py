"""Time from launching ``python -m hanji PROJECT`` to a painted, usable window (demo project).

Prints ``startup_to_window value s (target 1.5 s, ratio)``. Also checks that torch was not imported.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main(runs: int = 5) -> None:
    tmp = Path(tempfile.mkdtemp())
    demo = tmp / "demo.hanji"
    from hanji.jobs.demo import write_demo

    write_demo(demo)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), HANJI_QUIT_AFTER_START="1",
               XDG_CONFIG_HOME=str(tmp), HOME=str(tmp))
    times = []
    for _ in range(runs):
        env["HANJI_STARTUP_T0"] = repr(time.time())
        out = subprocess.run([sys.executable, "-m", "hanji", str(demo)], env=env, capture_output=True, text=True,
                             timeout=60)
        line = next((x for x in out.stdout.splitlines() if x.startswith("ready")), None)
        if line is None:
            raise SystemExit(f"the window did not start:\n{out.stdout}\n{out.stderr}")
        times.append(float(line.split()[1]))
    med = statistics.median(times)
    print(f"startup_to_window {med:.3f} s (target 1.5 s, ratio {med / 1.5:.2f}) runs={runs} min={min(times):.3f}")
    probe = subprocess.run([sys.executable, "-c", "import sys, hanji.ui.app, hanji.ui.mainwindow; "
                            "print('torch' in sys.modules)"], capture_output=True, text=True, env=env)
    print(f"torch_imported_at_startup {probe.stdout.strip()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
