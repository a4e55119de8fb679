"""Synthetic data rendered with real fonts: text lines and fake Korean documents (PIL, no torch)."""
