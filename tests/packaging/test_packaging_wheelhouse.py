"""The offline wheelhouse end to end (slow: downloads ~450 MB of wheels and installs torch; -m slow).

Builds the archive for this Python and platform with CPU torch, unpacks it, and installs it into a
fresh venv with pip's index off (``--no-index``, no pip configuration) and, where the machine lets
us (root or user namespaces), inside a network namespace with no network at all; then runs
``hanji --version`` from the new venv. HANJI_PACKAGING_REUSE=1 reuses an archive already in dist/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _no_network_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if not unshare:
        return []
    for prefix in ([unshare, "-n"], [unshare, "-rn"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return []


def test_wheelhouse_installs_offline_and_runs(tmp_path):
    if sys.platform == "win32":
        pytest.skip("install.sh is for Linux and macOS; install.ps1 is exercised by the Windows CI job")
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    found = sorted((REPO / "dist").glob(f"hanji-wheelhouse-*-{tag}-*-cpu.tar.gz"))
    if not (os.environ.get("HANJI_PACKAGING_REUSE") and found):
        r = subprocess.run([sys.executable, str(REPO / "packaging/wheelhouse/build_wheelhouse.py"), "--torch", "cpu"],
                           capture_output=True, text=True, timeout=3600)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
        found = sorted((REPO / "dist").glob(f"hanji-wheelhouse-*-{tag}-*-cpu.tar.gz"))
    archive = found[-1]
    with tarfile.open(archive) as t:
        t.extractall(tmp_path, filter="tar")
    house = tmp_path / "hanji-wheelhouse"
    info = json.loads((house / "BUILD-INFO.json").read_text(encoding="utf-8"))
    assert info["torch_variant"] == "cpu"
    if sys.platform.startswith("linux"):
        assert "+cpu" in info["torch"], info
    reqs = (house / "requirements.txt").read_text(encoding="utf-8").split()
    assert any(r.startswith("hanji==") for r in reqs) and any(r.startswith("torch==") for r in reqs)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    env["PYTHON"] = sys.executable  # the wheels are for this Python
    prefix = _no_network_prefix()
    venv = tmp_path / "venv"
    r = subprocess.run([*prefix, "bash", str(house / "install.sh"), str(venv)], env=env, capture_output=True,
                       text=True, timeout=1800)
    assert r.returncode == 0, f"offline install failed (network namespace: {bool(prefix)}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    out = subprocess.run([str(venv / "bin" / "hanji"), "--version"], capture_output=True, text=True, timeout=300,
                         env={**env, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("hanji ") and "torch: 2.13.0" in out.stdout and "device: cpu" in out.stdout
    assert "model " in out.stdout
