#!/usr/bin/env bash
# The test command: lint, layer contracts, then the test suite (Qt offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PWD/.venv/bin:$PATH"
ruff check desktop tests benchmarks tools
lint-imports
QT_QPA_PLATFORM=offscreen python -m pytest -q -p no:cacheprovider "$@"
