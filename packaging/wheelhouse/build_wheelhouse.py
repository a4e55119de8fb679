"""Build an offline wheelhouse: every wheel Hanji needs for one Python and one platform, in one
archive with install scripts, so that ``pip install --no-index --find-links`` works on a machine
with no network.

    python packaging/wheelhouse/build_wheelhouse.py                      # this Python, this platform, CPU torch
    python packaging/wheelhouse/build_wheelhouse.py --torch cuda         # GPU workstations (Linux/Windows)
    python packaging/wheelhouse/build_wheelhouse.py --python 3.12 --target win-amd64

Output: dist/hanji-wheelhouse-VERSION-cpXY-TARGET-TORCH.tar.gz (a .zip for Windows targets), holding
    hanji-wheelhouse/wheels/*.whl     hanji itself and every dependency, binary wheels only
    hanji-wheelhouse/requirements.txt the exact versions (a lock)
    hanji-wheelhouse/install.sh       bash install.sh [VENV]   (Linux, macOS)
    hanji-wheelhouse/install.ps1      .\\install.ps1 [VENV]    (Windows)
    hanji-wheelhouse/BUILD-INFO.json  target, Python, torch variant, sizes

torch: ``--torch cpu`` wants a CPU-only build. PyPI's Windows and macOS torch are CPU builds; PyPI's
Linux torch is the CUDA build (with several GB of nvidia-* wheels), so on Linux the CPU build comes
from the index in ``HANJI_TORCH_INDEX`` (e.g. https://download.pytorch.org/whl/cpu) or from whatever
pip already finds first; the script checks the wheel it got and stops if it is not what was asked.
``--torch cuda`` takes PyPI's default build (Linux: CUDA, with its nvidia-* wheels) or the index in
``HANJI_TORCH_INDEX`` (e.g. https://download.pytorch.org/whl/cu128).

Limitation (pip's): dependency markers are evaluated for the Python running this script, so build a
wheelhouse on the same operating system as its target (the CI workflow does, one job per platform);
``--target``/``--python`` are for another CPU or Python minor version of the same OS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TORCH_VERSION = "2.13.0"

# platform tags pip should accept for each target
TARGETS = {
    "linux-x86_64": ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64",
                     "manylinux2014_x86_64", "manylinux_2_5_x86_64", "manylinux1_x86_64", "linux_x86_64"],
    "linux-aarch64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64", "linux_aarch64"],
    "win-amd64": ["win_amd64"],
    "macos-arm64": [f"macosx_{v}_0_arm64" for v in (15, 14, 13, 12, 11)] + ["macosx_11_0_universal2"],
    "macos-x86_64": [f"macosx_{v}_x86_64" for v in ("10_9", "10_13", "10_15", "11_0", "12_0", "13_0")]
    + ["macosx_10_9_universal2"],
}


def host_target() -> str:
    m = platform.machine().lower()
    if sys.platform.startswith("linux"):
        return "linux-aarch64" if m in ("aarch64", "arm64") else "linux-x86_64"
    if sys.platform == "win32":
        return "win-amd64"
    if sys.platform == "darwin":
        return "macos-arm64" if m == "arm64" else "macos-x86_64"
    raise SystemExit(f"build_wheelhouse: no target preset for {sys.platform}/{m}; pass --target")


def project_version() -> str:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^version = "([^"]+)"', text, re.M).group(1)


def pip(*args: str, env: dict | None = None) -> None:
    cmd = [sys.executable, "-m", "pip", *args]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, env=env)


def wheel_name_version(path: Path) -> tuple[str, str]:
    name, version = path.name.split("-")[:2]
    return name, version


def target_args(target: str, python: str) -> list[str]:
    """pip options that pick wheels for another platform/Python (none when they are this one's)."""
    if target == host_target() and python == f"{sys.version_info[0]}.{sys.version_info[1]}":
        return []
    args = ["--only-binary=:all:", "--python-version", python, "--implementation", "cp"]
    for tag in TARGETS[target]:
        args += ["--platform", tag]
    return args


def check_torch(wheels: Path, target: str, variant: str) -> Path:
    found = sorted(wheels.glob("torch-*.whl"))
    if not found:
        raise SystemExit("build_wheelhouse: no torch wheel was downloaded")
    whl = found[-1]
    _, version = wheel_name_version(whl)
    local = version.split("+", 1)[1] if "+" in version else ""
    names = {wheel_name_version(p)[0].lower().replace("_", "-") for p in wheels.glob("*.whl")}
    has_nvidia = any(n.startswith("nvidia-") for n in names)
    if variant == "cpu":
        cuda_build = local.startswith("cu") or has_nvidia or (target.startswith("linux") and local == "")
        if cuda_build:
            raise SystemExit(
                f"build_wheelhouse: asked for CPU torch but got {whl.name}"
                + (" with nvidia-* wheels" if has_nvidia else "")
                + ". Set HANJI_TORCH_INDEX=https://download.pytorch.org/whl/cpu and run again.")
    else:
        if local == "cpu" or (target.startswith(("linux", "win")) and not (local.startswith("cu") or has_nvidia)):
            raise SystemExit(
                f"build_wheelhouse: asked for CUDA torch but got {whl.name}. Set "
                "HANJI_TORCH_INDEX=https://download.pytorch.org/whl/cu128 (or another CUDA index) and run again.")
    return whl


INSTALL_SH = r"""#!/usr/bin/env bash
# Install Hanji from the wheels beside this script, with no network.
#   bash install.sh [VENV_DIR]          (default: ./hanji-venv)
# Needs Python {python} (set PYTHON=/path/to/python{python} if python3 is another version).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${{1:-$PWD/hanji-venv}}"
PY="${{PYTHON:-python3}}"
HAVE="$("$PY" -c 'import sys;print(f"{{sys.version_info[0]}}.{{sys.version_info[1]}}")')"
if [ "$HAVE" != "{python}" ]; then
  echo "install.sh: these wheels are for Python {python}; $PY is $HAVE (set PYTHON=...)" >&2
  exit 1
fi
"$PY" -m venv "$VENV"
# no index, no pip configuration: only the wheels in this folder are used
PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_FIND_LINKS= PIP_EXTRA_INDEX_URL= PIP_INDEX_URL= \
  "$VENV/bin/python" -m pip install --no-index --find-links "$HERE/wheels" -r "$HERE/requirements.txt"
"$VENV/bin/hanji" --version
echo "installed: run $VENV/bin/hanji"
"""

INSTALL_PS1 = r"""# Install Hanji from the wheels beside this script, with no network.
#   powershell -ExecutionPolicy Bypass -File install.ps1 [VENV_DIR]     (default: .\hanji-venv)
# Needs Python {python} (the py launcher: py -{python}).
param([string]$Venv = "$PWD\hanji-venv")
$ErrorActionPreference = "Stop"
$Here = Split-Path -Parent $MyInvocation.MyCommand.Path
py -{python} -m venv $Venv
$env:PIP_CONFIG_FILE = "NUL"; $env:PIP_NO_INDEX = "1"
Remove-Item Env:PIP_FIND_LINKS -ErrorAction SilentlyContinue
Remove-Item Env:PIP_EXTRA_INDEX_URL -ErrorAction SilentlyContinue
& "$Venv\Scripts\python.exe" -m pip install --no-index --find-links "$Here\wheels" -r "$Here\requirements.txt"
if ($LASTEXITCODE -ne 0) {{ exit $LASTEXITCODE }}
& "$Venv\Scripts\hanji.exe" --version
"""


def build(args) -> Path:
    version = project_version()
    py = args.python
    tag = f"cp{py.replace('.', '')}"
    out_dir = Path(args.out).resolve()
    work = Path(args.work).resolve()
    root = work / "hanji-wheelhouse"
    wheels = root / "wheels"
    if root.exists():
        shutil.rmtree(root)
    wheels.mkdir(parents=True)
    targ = target_args(args.target, py)

    # 1. hanji itself (a pure-Python wheel, built from this checkout; setuptools' build/lib would
    # carry modules deleted since the last build into it, so start clean)
    shutil.rmtree(REPO / "build" / "lib", ignore_errors=True)
    for stale in (REPO / "build").glob("bdist.*"):
        shutil.rmtree(stale, ignore_errors=True)
    pip("wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO))
    hanji_whl = next(wheels.glob("hanji-*.whl"))

    # 2. torch of the asked variant, first, so the resolver below takes it from the folder
    torch_index = os.environ.get("HANJI_TORCH_INDEX")
    torch_args = ["download", "--no-deps", "-d", str(wheels), f"torch=={args.torch_version}", *targ]
    if torch_index:
        torch_args += ["--index-url", torch_index]
    if args.torch == "cuda" and not torch_index:
        torch_args += ["--no-cache-dir"]
    pip(*torch_args)
    if args.torch == "cuda":
        # the CUDA build's own dependencies (nvidia-* wheels on Linux), from PyPI
        pip("download", "-d", str(wheels), "--find-links", str(wheels), *targ,
            str(next(wheels.glob("torch-*.whl"))))
    torch_whl = check_torch(wheels, args.target, args.torch)

    # 3. everything else, resolved against the folder first (so the torch above is the one kept)
    # (for this platform `pip wheel`, which also turns any sdist-only dependency into a wheel;
    # for another one `pip download` of binary wheels only)
    want = [str(hanji_whl), f"torch=={wheel_name_version(torch_whl)[1]}"]
    if targ:
        pip("download", "-d", str(wheels), "--find-links", str(wheels), *targ, *want)
    else:
        pip("wheel", "-w", str(wheels), "--find-links", str(wheels), *want)
    torches = sorted(wheels.glob("torch-*.whl"))
    if len(torches) != 1:
        raise SystemExit(f"build_wheelhouse: more than one torch wheel: {[p.name for p in torches]}")

    # 4. the lock, the scripts, the build record
    reqs = []
    for whl in sorted(wheels.glob("*.whl")):
        name, ver = wheel_name_version(whl)
        reqs.append(f"{name.replace('_', '-')}=={ver}")
    (root / "requirements.txt").write_text("\n".join(reqs) + "\n", encoding="utf-8")
    sh = root / "install.sh"
    sh.write_text(INSTALL_SH.format(python=py), encoding="utf-8", newline="\n")
    sh.chmod(0o755)
    (root / "install.ps1").write_text(INSTALL_PS1.format(python=py), encoding="utf-8", newline="\r\n")
    shutil.copy(HERE / "README.txt", root / "README.txt")
    size = sum(p.stat().st_size for p in wheels.glob("*.whl"))
    info = {"hanji": version, "python": py, "target": args.target, "platform_tags": TARGETS[args.target],
            "torch": torch_whl.name, "torch_variant": args.torch, "wheels": len(reqs), "bytes": size}
    (root / "BUILD-INFO.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")

    # 5. the archive
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"hanji-wheelhouse-{version}-{tag}-{args.target}-{args.torch}"
    if args.target.startswith("win"):
        archive = out_dir / f"{stem}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:  # wheels are zip files already
            for p in sorted(root.rglob("*")):
                z.write(p, p.relative_to(work))
    else:
        archive = out_dir / f"{stem}.tar.gz"
        with tarfile.open(archive, "w:gz", compresslevel=1) as t:
            t.add(root, arcname="hanji-wheelhouse")
    print(f"{archive}  ({len(reqs)} wheels, {size / 1e6:.0f} MB of wheels, torch {torch_whl.name})")
    return archive


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default=f"{sys.version_info[0]}.{sys.version_info[1]}",
                    help="target Python minor version, e.g. 3.11 (default: this one)")
    ap.add_argument("--target", default=None, choices=sorted(TARGETS), help="target platform (default: this one)")
    ap.add_argument("--torch", default="cpu", choices=["cpu", "cuda"], help="torch build to ship (default: cpu)")
    ap.add_argument("--torch-version", default=TORCH_VERSION)
    ap.add_argument("--out", default=str(REPO / "dist"), help="where the archive goes (default: dist/)")
    ap.add_argument("--work", default=str(REPO / "build" / "wheelhouse"), help="work folder (default: build/wheelhouse)")
    args = ap.parse_args(argv)
    args.target = args.target or host_target()
    build(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
