#!/usr/bin/env bash
# Install Hanji on a fresh Debian/Ubuntu machine into ./.venv.
#   bash scripts/install.sh         the app
#   bash scripts/install.sh --dev   the app and its test tools
# Debian packages: PostgreSQL's server programs (--dev: the store's tests run on a throw-away cluster, tests/pg_cluster.py;
# a team's server, see the README), fonts with Hangul (every Korean family Debian packages: the line renderer trains on most and
# holds a few out), hunspell-ko (a Korean word list for rendered training text), Qt's xcb/EGL libraries, Xvfb, Tesseract (the OCR peer in benchmarks).
# torch is pinned to the CPU build first so nothing pulls a multi-GB CUDA build; rapidocr (the ONNX peer,
# and the source of the PP-OCR weights) is installed without its opencv-python dependency, which would
# clash with opencv-python-headless.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1

if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends \
    python3-venv fonts-nanum fonts-noto-cjk fonts-unfonts-core \
    fonts-nanum-extra fonts-nanum-coding fonts-noto-cjk-extra fonts-unfonts-extra fonts-baekmuk fonts-naver-d2coding \
    hunspell-ko \
    xvfb xauth libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 \
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxcb-shape0 \
    libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0 \
    tesseract-ocr tesseract-ocr-kor >/dev/null
  if [ "$DEV" = 1 ]; then  # tests/ui/test_ime.py: Hangul composed by a real input method under Xvfb
    $SUDO apt-get install -y -qq --no-install-recommends ibus ibus-hangul dbus-x11 xdotool >/dev/null
    # the store's tests on both backends: initdb/pg_ctl under /usr/lib/postgresql/N/bin; the tests start their own
    # throw-away cluster on a Unix socket (tests/pg_cluster.py), as the postgres user the package creates when root
    $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# pip takes torch 2.13.0+cpu where its index has it (as here); PyPI itself only has the CUDA build
# (several GB with its nvidia-* wheels): set HANJI_TORCH_INDEX=https://download.pytorch.org/whl/cpu there
if [ -n "${HANJI_TORCH_INDEX:-}" ]; then
  .venv/bin/pip install -q "torch==2.13.0" --index-url "$HANJI_TORCH_INDEX"
else
  .venv/bin/pip install -q "torch==2.13.0"
fi
.venv/bin/python -c "import torch,sys; sys.exit(0 if torch.version.cuda is None else 1)" \
  || echo "install.sh: pip chose a CUDA build of torch; for the CPU build run again with HANJI_TORCH_INDEX=https://download.pytorch.org/whl/cpu after rm -rf .venv" >&2
if [ "$DEV" = 1 ]; then
  .venv/bin/pip install -q -e ".[dev]"
  .venv/bin/pip install -q --no-deps "rapidocr-onnxruntime==1.4.4"
  .venv/bin/pip install -q six PyYAML Shapely
  # the eval extra without its Java bridge: benchmarks/ocr.py reads only konlpy's kolaw/kobill text files
  # (the realistic Korean set's held-out text; the set is skipped without them)
  .venv/bin/pip install -q --no-deps "konlpy>=0.6"
else
  .venv/bin/pip install -q -e .
fi
echo "installed: $(.venv/bin/hanji --version | sed -n 1p)"
