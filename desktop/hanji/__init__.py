"""Hanji (한지): an offline studio for OCR and document-understanding datasets."""

__version__ = "0.1.0"
