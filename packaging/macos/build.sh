#!/usr/bin/env bash
# Build Hanji.app and a .dmg on macOS (cannot be run on Linux).
#   bash packaging/macos/build.sh
# Needs Python 3.11 (python3.11 on PATH or PYTHON=...). PyPI's macOS torch is the CPU/MPS build.
# The .app is not signed or notarized: set CODESIGN_IDENTITY to sign it (then notarize with
# `xcrun notarytool submit dist/hanji-VERSION-macos.dmg --wait` and staple).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3.11}"
VENV=build/pyi-venv
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/pip" install -q "torch==2.13.0"
"$VENV/bin/pip" install -q . "pyinstaller==6.22.3" "fonttools>=4.40"  # fontTools: only for make_icons.py
"$VENV/bin/python" packaging/icons/make_icons.py build/icons
"$VENV/bin/pyinstaller" --noconfirm --clean --workpath build/pyinstaller --distpath dist packaging/macos/hanji.spec
QT_QPA_PLATFORM=offscreen dist/Hanji.app/Contents/MacOS/hanji --version
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)"
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --timestamp --sign "$CODESIGN_IDENTITY" dist/Hanji.app
fi
rm -f "dist/hanji-$VERSION-macos-$(uname -m).dmg"
hdiutil create -volname Hanji -srcfolder dist/Hanji.app -ov -format UDZO "dist/hanji-$VERSION-macos-$(uname -m).dmg"
