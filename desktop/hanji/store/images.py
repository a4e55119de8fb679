"""Reading image files for a project: hash, check that they decode, measure them."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from hanji.errors import HanjiError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".gif"}
MAX_IMAGE_PIXELS = 20_000 * 20_000  # the largest image Hanji accepts (also what the canvas can show)
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


@dataclass
class ImageInfo:
    sha256: str
    width: int
    height: int
    mime: str
    data: bytes


def inspect_bytes(data: bytes, source: str | Path) -> ImageInfo:
    """Hash and measure an encoded image; a clear error naming ``source`` when it is not one."""
    if not data:
        raise HanjiError("the file is empty, not an image", source)
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
            fmt = (im.format or "").lower()
            im.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise HanjiError(f"not a readable image ({e.__class__.__name__}: {e})", source) from e
    return ImageInfo(hashlib.sha256(data).hexdigest(), width, height, f"image/{fmt}", data)


def read_image_file(path: str | Path) -> ImageInfo:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise HanjiError(f"cannot read the file: {e.strerror}", path) from e
    return inspect_bytes(data, path)


def image_files(paths: list[str | Path]) -> list[Path]:
    """Files and the image files inside folders (recursively, sorted), in the order given."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES))
        else:
            out.append(p)
    return out
