#!/usr/bin/env bash
# Create .venv with Hanji and its test tools. torch is pinned to the CPU build first so that
# nothing pulls a multi-GB CUDA build; rapidocr (the ONNX peer and the source of the PP-OCR weights)
# is installed without its opencv-python dependency, which would clash with opencv-python-headless.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q "torch==2.13.0"
.venv/bin/pip install -q -e ".[dev]"
.venv/bin/pip install -q --no-deps "rapidocr-onnxruntime==1.4.4"
.venv/bin/pip install -q six PyYAML Shapely
