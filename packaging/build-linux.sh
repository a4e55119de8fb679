#!/usr/bin/env bash
# Build the Linux bundle of Hanji: a PyInstaller one-folder app with CPU torch, then a .tar.gz that
# runs from any folder and (with --deb, the default) a .deb.
#
#   bash packaging/build-linux.sh            venv + PyInstaller + .tar.gz + .deb
#   bash packaging/build-linux.sh --no-deb   skip the .deb
#
# Everything happens under build/ (a build venv, PyInstaller's work folder) and dist/ (the outputs):
#   dist/hanji/                                 the one-folder app (run dist/hanji/hanji)
#   dist/hanji-VERSION-linux-x86_64.tar.gz      the same folder, runs from wherever it is unpacked
#   dist/hanji_VERSION_amd64.deb                installs to /opt/hanji, `hanji` on PATH, a menu entry
#
# torch: the build venv gets torch==2.13.0 before anything else. On a machine whose pip finds the CPU
# build first (as here) that is what is installed; elsewhere set
#   HANJI_TORCH_INDEX=https://download.pytorch.org/whl/cpu
# The script refuses to bundle a CUDA torch (it would be several GB); see docs/PACKAGING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
DEB=1
for arg in "$@"; do
  case "$arg" in
    --no-deb) DEB=0 ;;
    *) echo "build-linux.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

PY="${PYTHON:-python3}"
VENV="$ROOT/build/pyi-venv"
TORCH_VERSION="${HANJI_TORCH_VERSION:-2.13.0}"
PYINSTALLER_VERSION="${HANJI_PYINSTALLER_VERSION:-6.22.3}"
VERSION="$("$PY" -c 'import tomllib,sys;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])' 2>/dev/null \
  || sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)"

step() { echo "== $(date +%H:%M:%S) $*"; }

# Qt's ICU data is trimmed with ICU's own tools and a C compiler (packaging/pyinstaller/common.py,
# shrink_icu_data); without them the bundle keeps the whole data (23 MB more)
if ! command -v icupkg >/dev/null || ! command -v genccode >/dev/null || ! command -v cc >/dev/null; then
  if command -v apt-get >/dev/null 2>&1; then
    step "icu-devtools and a C compiler (apt)"
    SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
    $SUDO apt-get install -y -qq --no-install-recommends icu-devtools gcc libc6-dev >/dev/null \
      || echo "build-linux.sh: could not install icu-devtools/gcc; ICU data stays whole" >&2
  else
    echo "build-linux.sh: icupkg, genccode or cc missing; ICU data stays whole" >&2
  fi
fi

step "build venv $VENV"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
if ! "$VENV/bin/python" -c "import torch,sys; sys.exit(0 if torch.__version__.split('+')[0] == '$TORCH_VERSION' else 1)" 2>/dev/null; then
  step "torch $TORCH_VERSION (CPU)"
  if [ -n "${HANJI_TORCH_INDEX:-}" ]; then
    "$VENV/bin/pip" install -q "torch==$TORCH_VERSION" --index-url "$HANJI_TORCH_INDEX"
  else
    "$VENV/bin/pip" install -q "torch==$TORCH_VERSION"
  fi
fi
if ! "$VENV/bin/python" -c "import torch,sys; sys.exit(0 if torch.version.cuda is None else 1)"; then
  echo "build-linux.sh: the build venv has a CUDA torch ($("$VENV/bin/python" -c 'import torch;print(torch.__version__)'))." >&2
  echo "  The Linux bundle ships the CPU build. Remove build/pyi-venv and run again with" >&2
  echo "  HANJI_TORCH_INDEX=https://download.pytorch.org/whl/cpu" >&2
  exit 1
fi

step "hanji $VERSION and PyInstaller $PYINSTALLER_VERSION"
# a regular (not editable) install, so that the bundle is built from what a wheel would hold;
# setuptools' build/lib would carry modules deleted since the last build into it, so start clean
rm -rf "$ROOT/build/lib" "$ROOT"/build/bdist.*
"$VENV/bin/pip" install -q --upgrade --force-reinstall --no-deps "$ROOT"
# fontTools: only for packaging/icons/make_icons.py (the icon glyph as an SVG path); excluded from the bundle
"$VENV/bin/pip" install -q "$ROOT" "pyinstaller==$PYINSTALLER_VERSION" "fonttools>=4.40"

step "icons"
"$VENV/bin/python" packaging/icons/make_icons.py "$ROOT/build/icons"

step "PyInstaller (one folder; several minutes on 2 cores)"
"$VENV/bin/pyinstaller" --noconfirm --clean \
  --workpath "$ROOT/build/pyinstaller" --distpath "$ROOT/dist" \
  packaging/linux/hanji.spec

step "smoke: dist/hanji/hanji --version"
QT_QPA_PLATFORM=offscreen "$ROOT/dist/hanji/hanji" --version

step "tar.gz"
TARBALL="$ROOT/dist/hanji-$VERSION-linux-x86_64.tar.gz"
tar -C "$ROOT/dist" -czf "$TARBALL" hanji
echo "$TARBALL"

if [ "$DEB" = 1 ]; then
  step ".deb"
  bash packaging/build-deb.sh "$ROOT/dist/hanji" "$VERSION"
fi
step "done: $(du -sh "$ROOT/dist/hanji" | cut -f1) in dist/hanji"
