"""Reading image files for a project: hash, check that they decode, measure them."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from hanji.errors import HanjiError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".gif"}
MAX_IMAGE_PIXELS = 20_000 * 20_000  # the largest image Hanji accepts (also what the canvas can show)
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


SUPPORTED = "PNG, JPEG, TIFF, BMP, WebP and GIF"
# what a file that is not an image may be, by its first bytes (for a message that says what it is)
NOT_IMAGES = ((b"%PDF", "a PDF document; save its pages as images (PNG or TIFF) and add those"),
              (b"PK\x03\x04", "a ZIP archive (or an Office document); unpack the images first"),
              (b"\x00\x00\x00", "not an image (HEIC or a video?); convert it to PNG or JPEG first"))
EXIF_ORIENTATION = 0x0112


@dataclass
class ImageInfo:
    sha256: str
    width: int
    height: int
    mime: str
    data: bytes
    frames: int = 1  # pages of a multi-page TIFF, frames of an animated GIF: only the first is kept
    rotated: bool = False  # turned upright by its EXIF orientation (``data`` is the upright copy)


def inspect_bytes(data: bytes, source: str | Path) -> ImageInfo:
    """Hash and measure an encoded image; a clear error naming ``source`` when it is not one.

    The size is checked from the header before anything is decoded (an image bomb of a few KB is
    refused without its gigabytes being allocated). A photo with an EXIF orientation is turned
    upright, as labelme and X-AnyLabeling show it, and ``data`` is that upright copy."""
    if not data:
        raise HanjiError("the file is empty, not an image", source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the limit is checked below
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
                check_size(width, height, source)
                im.verify()
            with Image.open(io.BytesIO(data)) as im:
                fmt = (im.format or "").lower()
                # a phone's MPO JPEG holds a preview as its second frame: one picture all the same
                frames = int(getattr(im, "n_frames", 1) or 1) if fmt in ("tiff", "gif", "webp", "png") else 1
                orientation = im.getexif().get(EXIF_ORIENTATION, 1)
                im.load()
                if orientation in range(2, 9):
                    data, fmt = _upright(im, fmt)
                    width, height = Image.open(io.BytesIO(data)).size
    except HanjiError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            EOFError) as e:
        raise _not_readable(data, e, source) from e
    return ImageInfo(hashlib.sha256(data).hexdigest(), width, height, f"image/{fmt}", data, frames,
                     orientation in range(2, 9))


def check_size(width: int, height: int, source: str | Path) -> None:
    if width <= 0 or height <= 0:
        raise HanjiError(f"the image says it is {width}x{height} pixels", source)
    if width * height > MAX_IMAGE_PIXELS:
        raise HanjiError(f"the image is {width}x{height} pixels ({width * height / 1e6:.0f} megapixels), more than "
                         f"the {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels Hanji takes (decoding it would need about "
                         f"{width * height * 3 / 2**30:.1f} GB); scale it down first", source)


def _upright(im: Image.Image, fmt: str) -> tuple[bytes, str]:
    """The image turned by its EXIF orientation, encoded again (JPEG at quality 95, else PNG)."""
    from PIL import ImageOps

    up = ImageOps.exif_transpose(im)
    buf = io.BytesIO()
    exif = up.getexif()
    exif.pop(EXIF_ORIENTATION, None)
    if fmt in ("jpeg", "mpo"):
        up.convert("RGB").save(buf, "JPEG", quality=95, exif=exif.tobytes(),
                               icc_profile=im.info.get("icc_profile"))
        return buf.getvalue(), "jpeg"
    up.save(buf, "PNG", icc_profile=im.info.get("icc_profile"))
    return buf.getvalue(), "png"


def _not_readable(data: bytes, e: Exception, source: str | Path) -> HanjiError:
    if isinstance(e, Image.DecompressionBombError):
        return HanjiError(f"the image is too large to decode safely ({e})", source)
    for magic, what in NOT_IMAGES:
        if data.startswith(magic):
            return HanjiError(f"{what} (Hanji reads {SUPPORTED})", source)
    if isinstance(e, UnidentifiedImageError):
        return HanjiError(f"not a readable image: not a kind of file Hanji reads (it reads {SUPPORTED})", source)
    detail = str(e).replace(repr(io.BytesIO), "")
    return HanjiError(f"not a readable image: damaged or cut short ({e.__class__.__name__}: {detail[:120]})", source)


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
