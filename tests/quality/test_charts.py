"""The Pillow chart renderer: ticks, bar lengths in proportion, Hangul text, tooltips' hit boxes."""

from __future__ import annotations

import numpy as np
import pytest

from hanji.quality.charts import Chart, font, nice_ticks, render, tick_text


@pytest.mark.parametrize(("lo", "hi", "n", "integer", "want"), [
    (0, 14, 7, True, [0, 2, 4, 6, 8, 10, 12, 14]),
    (0, 350, 7, True, [0, 50, 100, 150, 200, 250, 300, 350]),
    (0, 370, 7, True, [0, 100, 200, 300]),
    (0, 3, 8, True, [0, 1, 2, 3]),  # whole counts never get half steps
    (0, 1, 4, False, [0, 0.25, 0.5, 0.75, 1.0]),
    (14.2, 53.1, 4, False, [20, 30, 40, 50]),
])
def test_nice_ticks(lo, hi, n, integer, want):
    assert nice_ticks(lo, hi, n, integer) == pytest.approx(want)


def test_tick_text():
    assert [tick_text(v, 2.5) for v in (0, 2.5, 5)] == ["0.0", "2.5", "5.0"]
    assert tick_text(200, 50) == "200" and tick_text(250000, 50000) == "250k"


def _color_mask(img, rgb):
    a = np.asarray(img).astype(int)
    return (np.abs(a - np.array(rgb)).sum(axis=2) < 6)


def test_bar_heights_are_in_proportion():
    c = Chart("막대", "bars", labels=["a", "b"], values=[10, 5], colors=["#ff0000", "#0000ff"])
    img = render([c], 400, 300, scale=1.5)
    assert img.size == (400, 300)
    red, blue = _color_mask(img, (255, 0, 0)), _color_mask(img, (0, 0, 255))
    h_red, h_blue = red.any(axis=1).sum(), blue.any(axis=1).sum()
    assert h_blue > 20 and h_red / h_blue == pytest.approx(2.0, abs=0.05)
    # same width, red left of blue
    assert red.any(axis=0).sum() == pytest.approx(blue.any(axis=0).sum(), abs=1)
    assert np.nonzero(red.any(axis=0))[0].max() < np.nonzero(blue.any(axis=0))[0].min()


def test_horizontal_bars_first_label_on_top_and_in_proportion():
    c = Chart("h", "hbars", labels=["합계", "상호"], values=[3, 12], colors=["#ff0000", "#0000ff"], show_values=True)
    img = render([c], 500, 300)
    red, blue = _color_mask(img, (255, 0, 0)), _color_mask(img, (0, 0, 255))
    assert np.nonzero(red.any(axis=1))[0].max() < np.nonzero(blue.any(axis=1))[0].min()
    assert blue.any(axis=0).sum() / red.any(axis=0).sum() == pytest.approx(4.0, abs=0.1)


def test_hangul_is_drawn_with_the_shipped_font():
    f = font(20)
    assert "Nanum" in " ".join(f.getname())
    # a Hangul syllable and an unknown glyph (the font's empty box) do not draw the same
    assert f.getmask("한").getbbox() != f.getmask("\U000f0000").getbbox()


def test_histogram_progress_empty_and_hits():
    hist = Chart("높이", "hist", values=[1, 4, 2], edges=[0, 10, 20, 30], xlabel="pixels")
    prog = Chart("p", "progress", labels=["05-01", "05-02"], values=[3, 4], line=[3, 7],
                 legend=[("total", "#2a9d8f"), ("per day", "#bcd7f5")])
    empty = Chart("빈", message="nothing yet")
    hits: list = []
    img = render([hist, prog, empty], 900, 300, hits=hits)
    assert np.asarray(img.convert("L")).std() > 10
    texts = [h[4] for h in hits]
    assert "10–20: 4" in texts and "05-02: 4" in texts and "05-02: 7 in all" in texts
    # the bin with 4 is the tallest of the histogram's boxes
    boxes = {h[4]: h for h in hits}
    assert boxes["10–20: 4"][0] > boxes["0–10: 1"][0]


def test_tiny_and_crowded_charts_do_not_fail():
    many = Chart("days", "progress", labels=[f"{i:02d}" for i in range(90)], values=list(range(90)),
                 line=list(np.cumsum(range(90))))
    long = Chart("long", "hbars", labels=["x" * 200], values=[1])
    for w, h in ((30, 30), (200, 120), (1600, 900)):
        assert render([many, long], w, h).size == (w, h)
