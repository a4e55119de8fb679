"""Reading order: lines, two-column pages, tables, rotated pages."""

from __future__ import annotations

import math
import random

from hanji.domain import geometry
from hanji.domain.model import Region
from hanji.domain.order import group_lines, order_regions, page_angle, reading_order


def rect(x0, y0, x1, y1):
    return geometry.rect_points(x0, y0, x1, y1)


def two_column_page(words: bool = False):
    """Title, two columns of 8 lines whose rows line up, a full-width footer. Returns (shapes, names)."""
    shapes, names = [], []
    shapes.append(rect(100, 40, 700, 80))
    names.append("title")
    for col, x0 in (("L", 60), ("R", 420)):
        for i in range(8):
            y = 120 + i * 30
            width = 320 if i < 7 else 150  # the last line of a paragraph is short
            if words:
                x = x0
                for w in range(4):
                    ww = width / 4 - 6
                    shapes.append(rect(x, y, x + ww, y + 20))
                    names.append(f"{col}{i}.{w}")
                    x += ww + 6
            else:
                shapes.append(rect(x0, y, x0 + width, y + 20))
                names.append(f"{col}{i}")
    shapes.append(rect(60, 400, 740, 420))
    names.append("footer")
    return shapes, names


def test_two_column_page_reads_column_by_column():
    shapes, names = two_column_page()
    expected = ["title"] + [f"L{i}" for i in range(8)] + [f"R{i}" for i in range(8)] + ["footer"]
    rng = random.Random(3)
    perm = list(range(len(shapes)))
    rng.shuffle(perm)
    shuffled = [shapes[i] for i in perm]
    got = [names[perm[i]] for i in reading_order(shuffled)]
    assert got == expected


def test_two_column_page_of_word_boxes_groups_words_into_lines():
    shapes, names = two_column_page(words=True)
    rev = shapes[::-1]
    order = [names[shapes.index(rev[i])] for i in reading_order(rev)]
    expected = ["title"]
    for col in "LR":
        for i in range(8):
            expected += [f"{col}{i}.{w}" for w in range(4)]
    expected.append("footer")
    assert order == expected
    lines = group_lines(shapes)
    assert len(lines) == 1 + 16 + 1
    assert all(len(line) == 4 for line in lines[1:-1])


def test_receipt_table_reads_row_by_row():
    # item | qty | amount rows: a table, so row-major even though columns have gutters
    shapes, names = [rect(150, 20, 350, 50)], ["shop"]
    for i in range(6):
        y = 80 + i * 32
        shapes += [rect(20, y, 200 + (i % 3) * 30, y + 22), rect(300, y, 330, y + 22), rect(400, y, 480, y + 22)]
        names += [f"item{i}", f"qty{i}", f"amt{i}"]
    shapes.append(rect(20, 300, 120, 322))
    names.append("total")
    shapes.append(rect(400, 300, 480, 322))
    names.append("total_amt")
    expected = ["shop"] + [n for i in range(6) for n in (f"item{i}", f"qty{i}", f"amt{i}")] + ["total", "total_amt"]
    got = [names[len(shapes) - 1 - i] for i in reading_order(list(reversed(shapes)))]
    assert got == expected


def test_side_by_side_blocks_that_do_not_line_up_read_as_columns():
    # a form: a left block of 3 lines, a right block of 5 lines at other heights
    left = [rect(20, 100 + i * 40, 300, 120 + i * 40) for i in range(3)]
    right = [rect(400, 95 + i * 23, 700, 110 + i * 23) for i in range(5)]
    shapes = right + left
    got = reading_order(shapes)
    assert got == [5, 6, 7, 0, 1, 2, 3, 4]


def _rotate(points, deg, cx=400, cy=300):
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return [((x - cx) * c - (y - cy) * s + cx, (x - cx) * s + (y - cy) * c + cy) for x, y in points]


def test_rotated_two_column_page():
    shapes, names = two_column_page()
    expected = ["title"] + [f"L{i}" for i in range(8)] + [f"R{i}" for i in range(8)] + ["footer"]
    for deg in (-12, 7, 20):
        rot = [geometry.order_quad(_rotate(s, deg)) for s in shapes]
        assert abs(math.degrees(page_angle(rot)) - deg) < 0.5
        got = [names[i] for i in reading_order(rot)]
        assert got == expected, deg


def test_lines_of_a_single_column_with_overlapping_boxes():
    # detected boxes of tightly set lines overlap a little
    shapes = [rect(10, i * 18, 300, i * 18 + 22) for i in range(10)]
    assert reading_order(shapes[::-1]) == list(range(9, -1, -1))


def test_polygons_and_empty_input():
    assert reading_order([]) == []
    arc = [(10, 60), (60, 30), (120, 20), (180, 30), (230, 60), (230, 80), (180, 52), (120, 42), (60, 52), (10, 80)]
    below = rect(10, 120, 230, 140)
    assert reading_order([below, arc]) == [1, 0]


def test_order_regions_sets_order():
    regs = [Region(rect(10, 100, 200, 120), text="둘째 줄"), Region(rect(10, 50, 200, 70), text="첫째 줄")]
    out = order_regions(regs)
    assert [r.text for r in out] == ["첫째 줄", "둘째 줄"]
    assert [r.order for r in out] == [0, 1]


def receipt_rows(h: float = 22, pitch: float = 34):
    """A receipt's label/value rows: short labels at the left, values right-aligned far away (a
    letter-spaced label among them), under a centred store name. Returns (shapes, names)."""
    shapes, names = [rect(180, 20, 420, 20 + 1.5 * h)], ["store"]
    rows = [("합계", 2, 7), ("부 가 세", 4, 6), ("결제금액", 4, 7), ("카 드 번 호", 6, 14), ("승인번호", 4, 8)]
    for i, (_label, lw, vw) in enumerate(rows):
        y = 90 + i * pitch
        shapes.append(rect(20, y, 20 + lw * h, y + h))
        names.append(f"label{i}")
        shapes.append(rect(560 - vw * 0.6 * h, y, 560, y + h))
        names.append(f"value{i}")
    return shapes, names


def test_two_column_receipt_rows_read_label_then_value():
    shapes, names = receipt_rows()
    expected = ["store"] + [n for i in range(5) for n in (f"label{i}", f"value{i}")]
    rev = names[::-1]
    assert [rev[i] for i in reading_order(shapes[::-1])] == expected
    # two rows only (a certificate's issuer and its representative): still a form, not two text columns
    two = [rect(420, 900, 580, 924), rect(640, 900, 790, 924), rect(420, 948, 560, 972), rect(640, 948, 720, 972)]
    assert reading_order(two[::-1]) == [3, 2, 1, 0]


def test_skewed_page_lines_come_out_in_row_order():
    shapes, names = receipt_rows()
    expected = ["store"] + [n for i in range(5) for n in (f"label{i}", f"value{i}")]
    for deg in (-8, -5, 4, 7):
        # rotated quads: the angle is in every box
        rot = [geometry.order_quad(_rotate(s, deg)) for s in shapes]
        assert [names[i] for i in reading_order(rot)] == expected, deg
        # upright boxes around the rotated text (a detector or a person that draws rectangles):
        # the angle is only in how the boxes line up
        boxes = [rect(*geometry.bbox(_rotate(s, deg))) for s in shapes]
        assert abs(math.degrees(page_angle(boxes)) - deg) < 1.5, deg
        assert [names[i] for i in reading_order(boxes)] == expected, deg


def test_rows_of_a_receipt_photographed_at_a_slant_read_label_then_value():
    # a photo at a slant fans the rows out: the top rows lean 1 degree, the bottom ones 8
    shapes, names = [rect(200, 20, 380, 50)], ["store"]
    for i in range(12):
        y = 80 + i * 30
        shapes += [rect(20, y, 110, y + 20), rect(440, y, 560, y + 20)]
        names += [f"label{i}", f"value{i}"]
    expected = ["store"] + [n for i in range(12) for n in (f"label{i}", f"value{i}")]
    fanned = []
    for s in shapes:
        cy = (s[0][1] + s[2][1]) / 2
        deg = 1 + 7 * (cy - 20) / 420
        fanned.append(geometry.order_quad(_rotate(s, deg, cx=290, cy=cy)))
    order = [names[i] for i in reading_order(fanned)]
    assert order == expected
