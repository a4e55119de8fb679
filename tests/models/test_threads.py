"""Pieces of inference side by side on single-threaded workers (hanji.models.threads): the same
results as one after the other, in order, each worker's torch on one thread."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw, ImageFont

from hanji.models import threads

pytestmark = pytest.mark.skipif(threads._omp() is None, reason="this torch does not use GNU OpenMP")


@pytest.fixture
def two_threads(monkeypatch):
    monkeypatch.setattr(threads, "BUSY_CHECK", False)  # the test machine's load must not decide
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


def test_pieces_run_on_single_threaded_workers_in_order(two_threads):
    assert threads.workers() == 2
    got = threads.run(lambda k: (k, torch.get_num_threads(), torch.ones(1 << 17).add_(k).sum().item()), range(6))
    assert [k for k, _, _ in got] == list(range(6))
    assert all(n == 1 for _, n, _ in got)  # no worker splits its operations again
    assert [s for _, _, s in got] == [float((k + 1) << 17) for k in range(6)]
    assert torch.get_num_threads() == 2  # the caller keeps its threads
    f = threads.submit(torch.get_num_threads)
    assert f is not None and f.result() == 1
    # a worker's own pieces run in the worker, one after the other (no pool inside the pool)
    assert threads.run(lambda _: threads.run(lambda k: threads.workers(), range(3)), [0, 1]) == [[1, 1, 1]] * 2


def test_one_thread_or_disabled_runs_in_the_caller(two_threads, monkeypatch):
    import threading

    me = threading.get_ident()
    torch.set_num_threads(1)
    assert threads.workers() == 1 and threads.submit(len, []) is None
    assert threads.run(lambda _: threading.get_ident(), range(3)) == [me] * 3
    torch.set_num_threads(2)
    monkeypatch.setattr(threads, "ENABLED", False)
    assert threads.run(lambda _: threading.get_ident(), range(3)) == [me] * 3


def _line(text: str) -> np.ndarray:
    from hanji.synth.fonts import korean_fonts

    font = ImageFont.truetype(str(korean_fonts()[0]), 28)
    im = Image.new("RGB", (int(font.getlength(text)) + 28, 42), "white")
    ImageDraw.Draw(im).text((14, 5), text, fill="black", font=font)
    return np.asarray(im)


def test_the_recognizer_reads_the_same_on_workers(two_threads, monkeypatch):
    from hanji.models.recognize import load_recognizer

    rec = load_recognizer("ppocr_en", device="cpu")
    texts = ["TOTAL 12.50", "Receipt No 123456789", "TAX", "Thank you for shopping with us today", "RM 4.20",
             "CASH", "CHANGE DUE 0.80", "7"] * 3
    crops = [_line(t) for t in texts]
    pooled = rec.predict(crops, batch_size=4)
    monkeypatch.setattr(threads, "ENABLED", False)
    serial = rec.predict(crops, batch_size=4)
    # the same batches, so the same readings; one thread or two round the last bits differently
    assert [t for t, _ in pooled] == [t for t, _ in serial]
    assert [s for _, s in pooled] == pytest.approx([s for _, s in serial], abs=1e-5)
    assert [t.replace(" ", "") for t, _ in pooled][:3] == ["TOTAL12.50", "ReceiptNo123456789", "TAX"]


def test_busy_cores_run_the_pieces_one_after_the_other(two_threads, monkeypatch):
    monkeypatch.setattr(threads, "BUSY_CHECK", True)
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (threads.os.cpu_count() + 1.0, 0.0, 0.0))
    assert threads.workers() == 1 and threads.submit(len, []) is None
    monkeypatch.setattr(threads.os, "getloadavg", lambda: (0.1, 0.0, 0.0))
    assert threads.workers() == 2
