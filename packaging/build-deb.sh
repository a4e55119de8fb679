#!/usr/bin/env bash
# Wrap the PyInstaller folder as a .deb (dpkg-deb only; no debhelper needed).
#
#   bash packaging/build-deb.sh [DIST_DIR] [VERSION]      (defaults: dist/hanji, pyproject's version)
#
# The package installs:
#   /opt/hanji/                                   the one-folder app
#   /usr/bin/hanji -> /opt/hanji/hanji            `hanji` on PATH
#   /usr/share/applications/hanji.desktop         the menu entry (opens .hanji files too)
#   /usr/share/icons/hicolor/*/apps/hanji.*       the icon, PNG sizes and SVG
#   /usr/share/mime/packages/hanji.xml            the *.hanji file type
#   /usr/share/doc/hanji/copyright
# Every file is listed in the package, so `apt remove hanji` / `dpkg -r hanji` removes them all; the
# postrm also removes anything the app left under /opt/hanji. The postrm honours DPKG_ROOT, so
# `dpkg --root DIR --force-script-chrootless` installs into a temporary root (the slow test does).
# Compression: xz -3 by default (275 MB, about 5 CPU-minutes; dpkg's default xz -6 is much slower);
# HANJI_DEB_COMPRESS=gzip|zstd|none and HANJI_DEB_LEVEL=N to change it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SRC="${1:-$ROOT/dist/hanji}"
VERSION="${2:-$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)}"
ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
COMPRESS="${HANJI_DEB_COMPRESS:-xz}"
LEVEL="${HANJI_DEB_LEVEL:-3}"
OUT="${HANJI_DEB_OUT:-$ROOT/dist}/hanji_${VERSION}_${ARCH}.deb"

[ -x "$SRC/hanji" ] || { echo "build-deb.sh: $SRC/hanji not found; run packaging/build-linux.sh first" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "build-deb.sh: dpkg-deb not found (apt-get install dpkg)" >&2; exit 1; }

ICONS="$ROOT/build/icons"
if [ ! -f "$ICONS/hanji.svg" ]; then
  PYBIN="$ROOT/build/pyi-venv/bin/python"; [ -x "$PYBIN" ] || PYBIN="${PYTHON:-python3}"
  "$PYBIN" packaging/icons/make_icons.py "$ICONS" >/dev/null
fi

STAGE="$ROOT/build/deb/hanji"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/mime/packages" "$STAGE/usr/share/doc/hanji" "$STAGE/usr/share/icons/hicolor/scalable/apps"
cp -a "$SRC" "$STAGE/opt/hanji"
ln -s /opt/hanji/hanji "$STAGE/usr/bin/hanji"
install -m 644 packaging/linux/hanji.desktop "$STAGE/usr/share/applications/hanji.desktop"
install -m 644 packaging/linux/hanji-mime.xml "$STAGE/usr/share/mime/packages/hanji.xml"
install -m 644 packaging/linux/copyright "$STAGE/usr/share/doc/hanji/copyright"
install -m 644 "$ICONS/hanji.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/hanji.svg"
for s in 16 24 32 48 64 128 256 512; do
  mkdir -p "$STAGE/usr/share/icons/hicolor/${s}x${s}/apps"
  install -m 644 "$ICONS/hanji-$s.png" "$STAGE/usr/share/icons/hicolor/${s}x${s}/apps/hanji.png"
done
# files root:root, directories 755, no group/other write
chmod -R u+rwX,go+rX,go-w "$STAGE"

INSTALLED_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: hanji
Version: $VERSION
Architecture: $ARCH
Maintainer: Hanji developers <hanji@localhost>
Installed-Size: $INSTALLED_KB
Section: graphics
Priority: optional
Depends: libc6 (>= 2.28), libgl1, libegl1, libfontconfig1, libfreetype6, libdbus-1-3, libxkbcommon0,
 libxkbcommon-x11-0, libx11-xcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1,
 libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xfixes0, libxcb-xinerama0, libxcb-xkb1
Recommends: fonts-nanum | fonts-noto-cjk
Description: offline studio for OCR and document-understanding datasets
 Hanji (한지) draws and transcribes text regions, tags entities, links key-values and
 pre-annotates documents with local torch models (Korean and English). Everything it needs,
 Python, Qt, CPU torch and the model weights, is inside the package: it runs with no network.
CONTROL

# No postinst: Debian's desktop-file-utils, shared-mime-info and hicolor-icon-theme refresh their
# caches through dpkg file triggers when files land in their folders, and remove them the same way.
cat > "$STAGE/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
# Remove whatever the app may have left in its own folder, so nothing of it stays behind.
set -e
case "$1" in
  remove|purge) rm -rf "${DPKG_ROOT:-}/opt/hanji" ;;
esac
exit 0
SCRIPT
chmod 755 "$STAGE/DEBIAN/postrm"
( cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | xargs -0 md5sum > DEBIAN/md5sums )

mkdir -p "$(dirname "$OUT")"
dpkg-deb --root-owner-group -Z"$COMPRESS" -z"$LEVEL" --build "$STAGE" "$OUT" >/dev/null
echo "$OUT"
