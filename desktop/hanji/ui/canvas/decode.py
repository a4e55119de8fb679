"""Decoding a document's image for the canvas: whole, or first as a quick overview.

Qt's image readers refuse to allocate more than 256 MB by default; a 10,000 × 7,000 scan needs
267 MB as 32-bit pixels and then never showed. The limit is raised to what the image needs, up to
the largest image Hanji accepts (``store.images.MAX_IMAGE_PIXELS``).

A JPEG of more than OVERVIEW_FROM pixels is first decoded at a quarter of its size, which libjpeg
does in its own DCT (a few times faster than a whole decode, and 1/16 of the memory): the page shows
at once, stretched over its full size, and the whole image follows from a worker thread. Other
formats gain nothing from a scaled decode (it decodes whole, then scales) and are decoded whole.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QImage, QImageReader

from hanji.errors import HanjiError
from hanji.store.images import MAX_IMAGE_PIXELS

OVERVIEW_FROM = 24_000_000  # pixels (6,000 × 4,000)
OVERVIEW_DIVISOR = 4


def _reader(data: bytes) -> tuple[QImageReader, QBuffer]:
    buf = QBuffer()
    buf.setData(QByteArray(data))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    return QImageReader(buf), buf  # (the buffer must outlive the reader)


def _checked_size(reader: QImageReader, doc_id: int, path) -> QSize:
    size = reader.size()
    if size.isValid():
        w, h = size.width(), size.height()
        if w * h > MAX_IMAGE_PIXELS:
            raise HanjiError(f"the image of document {doc_id} is {w:,} × {h:,} pixels, over the "
                             f"{MAX_IMAGE_PIXELS:,} pixels that Hanji can show", path)
    return size


def decode(data: bytes, doc_id: int, path=None) -> QImage:
    """The whole image (any thread)."""
    reader, _buf = _reader(data)
    size = _checked_size(reader, doc_id, path)
    if size.isValid():
        fmt = reader.imageFormat()
        bits = QImage.toPixelFormat(fmt).bitsPerPixel() if fmt != QImage.Format.Format_Invalid else 32
        need_mb = math.ceil(size.width() * size.height() * max(bits, 32) / 8 / 2**20) + 1
        limit = QImageReader.allocationLimit()
        if 0 < limit < need_mb:
            QImageReader.setAllocationLimit(need_mb)
    img = reader.read()
    if img.isNull():
        raise HanjiError(f"the image of document {doc_id} cannot be decoded ({reader.errorString()})", path)
    return img


def wants_overview(data: bytes) -> bool:
    """Whether the image is a JPEG large enough to show as an overview first (its header only)."""
    reader, _buf = _reader(data)
    size = reader.size()
    return size.isValid() and size.width() * size.height() > OVERVIEW_FROM and bytes(reader.format()) == b"jpeg"


def overview(data: bytes, doc_id: int, path=None) -> QImage | None:
    """A quarter-size decode of a large JPEG, or None when the image is not one (decode it whole)."""
    reader, _buf = _reader(data)
    size = _checked_size(reader, doc_id, path)
    if not size.isValid() or size.width() * size.height() <= OVERVIEW_FROM or bytes(reader.format()) != b"jpeg":
        return None
    reader.setScaledSize(QSize(math.ceil(size.width() / OVERVIEW_DIVISOR), math.ceil(size.height() / OVERVIEW_DIVISOR)))
    img = reader.read()
    return None if img.isNull() else img
