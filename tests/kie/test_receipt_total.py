"""The amount paid: totals found by their labels, the payment check (paid less the change), a receipt
paid exactly (hanji.domain.receipt_total)."""

from __future__ import annotations

import pytest

from hanji.domain.receipt_total import total_candidates, total_grade

from .made_up import reg


@pytest.mark.parametrize("label, grade", [
    ("GRAND TOTAL :", 1.0), ("TOTAL ROUNDED", 1.0), ("NETT TOTAL:", 1.0), ("Amount Due", 1.0), ("결제금액", 1.0),
    ("합계금액", 1.0), ("받을금액", 1.0), ("TOTAL AMOUNT:", 0.9), ("TOTAL INCL. OF GST", 0.9), ("TOTAL", 0.8),
    ("합 계", 0.8), ("SUB TOTAL", 0.0), ("SUB-TOTAL (GST)", 0.0), ("TOTAL QTY:", 0.0), ("TOTAL EXCL. OF GST", 0.0),
    ("TOTAL GST :", 0.0), ("CASH", 0.0), ("CHANGE DUE :", 0.0), ("ROUNDING ADJ", 0.0), ("부가세", 0.0),
    ("공급가액", 0.0), ("받은금액", 0.0), ("ITEM", 0.0), ("", 0.0),
])
def test_total_grade_reads_the_label(label, grade):
    assert total_grade(label) == pytest.approx(grade)


def test_total_candidates_pair_labels_and_amounts_on_tilted_rows():
    tilt = 0.035  # 420 px across: the amount sits 15 px lower than its label
    regions = [
        reg(30, 100, 110, "공급가액", tilt), reg(450, 100 + 420 * tilt, 520, "46,818", tilt),
        reg(30, 125, 110, "부가세", tilt), reg(450, 125 + 420 * tilt, 520, "4,682", tilt),
        reg(30, 150, 110, "청구금액", tilt), reg(450, 150 + 420 * tilt, 520, "51,500", tilt),
        reg(30, 175, 110, "현금", tilt), reg(450, 175 + 420 * tilt, 520, "60,000", tilt),
    ]
    cands = total_candidates(regions)
    assert [(c.text, c.grade, c.label) for c in cands] == [("51,500", 1.0, "청구금액")]


def test_total_candidates_inline_label_currency_and_tax_summary_row():
    regions = [
        reg(10, 10, 200, "TOTAL AMT"), reg(260, 10, 290, "RM"), reg(300, 10, 360, "60.30"),
        reg(10, 40, 200, "TOTAL AMOUNT: $8.20"),
        reg(10, 70, 80, "TOTAL :"), reg(200, 70, 260, "56.60"), reg(300, 70, 360, "3.40"),  # GST summary row
    ]
    got = {c.text: c.grade for c in total_candidates(regions)}
    assert got["60.30"] == pytest.approx(0.9)  # "RM" is a currency, not the label
    assert got["$8.20"] == pytest.approx(0.9)
    assert "56.60" not in got and "3.40" not in got  # several amounts on the row: a tax table's 'total'
    regions[4] = reg(10, 70, 80, "GRAND TOTAL :")
    got = {c.text: c.grade for c in total_candidates(regions)}
    assert 0 < got["56.60"] < 0.8  # a stronger label on such a row stays, lowered


def test_an_unlabelled_amount_that_adds_up_the_items_is_a_candidate():
    regions = [reg(10, 10, 80, "DPT.05"), reg(200, 10, 260, "149.00"), reg(10, 40, 80, "DPT.04"),
               reg(200, 40, 260, "21.00"), reg(10, 70, 80, "CASH"), reg(200, 95, 260, "170.00"),
               reg(10, 130, 80, "CHANGE"), reg(200, 130, 260, "0.00")]
    got = [(c.text, c.grade) for c in total_candidates(regions)]
    assert got == [("170.00", pytest.approx(0.6))]  # not '0.00', not the items
    regions[5] = reg(200, 95, 260, "171.00")
    # no sum, no total printed, no change given: the amount paid in cash (0.4), which the payment checks (1.0)
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("171.00", pytest.approx(1.0))]
    regions[7] = reg(200, 130, 260, "1.00")
    assert total_candidates(regions) == []


def test_total_labels_read_through_glued_ocr_words_and_junk():
    assert total_grade("TOTALTAX") == 0.0 and total_grade("TOTALQTY:") == 0.0
    assert total_grade("Total Incl, GST@6%") == 0.9
    # a two-letter scrap read between the label and its amount is no label
    regions = [reg(260, 100, 450, "TOTAL"), reg(670, 100, 920, "AI"), reg(940, 100, 1080, "27.55")]
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("27.55", 0.8)]


def test_an_amount_ocr_glued_to_its_label_is_a_total_and_its_dollar_read_as_s_comes_back():
    from hanji.domain.fields import clean_value
    from hanji.domain.values import amount_as_printed

    regions = [reg(40, 100, 600, "Total Amount:$8.60"), reg(40, 140, 600, "GST@6%:$0.49"),
               reg(40, 180, 600, "Nett Total:S8.60"), reg(40, 220, 300, "CASH"), reg(400, 220, 600, "$10.00")]
    got = {(c.region, c.text, c.grade) for c in total_candidates(regions)}
    assert got == {(0, "$8.60", 0.9), (2, "S8.60", 1.0)}  # the tax and the cash are none
    assert clean_value("total", "Total:S8.60", "sroie") == "$8.60"
    assert amount_as_printed("Nett Total:S8.60") == "$8.60" and amount_as_printed("합계:12,000") == "12,000"
    assert amount_as_printed("-1,000") == "-1,000" and amount_as_printed("12,000원") == "12,000원"


def test_an_inclusive_of_tax_total_reads_through_ocrs_l_for_i():
    assert total_grade("Total Sales (lnclusive of GST):") == 0.9
    assert total_grade("Total Sales(Excluding GST):") == 0.0


def test_a_receipt_with_no_total_printed_was_paid_exactly():
    # 'CASH' printed over its amount, no change given
    regions = [reg(10, 10, 200, "RESTAURANT SINDU"), reg(10, 40, 80, "DP1.05"), reg(150, 40, 220, "149.00"),
               reg(10, 70, 80, "CASH"), reg(40, 92, 80, "RM"), reg(150, 92, 220, "170.00")]
    got = total_candidates(regions)
    assert [(c.text, c.grade) for c in got] == [("170.00", 0.4)]
    # change given back: the cash tendered is not the total
    regions = [reg(10, 10, 80, "CASH"), reg(150, 10, 220, "50.00"), reg(10, 40, 80, "CHANGE"), reg(150, 40, 220, "2.40")]
    assert total_candidates(regions) == []
    # no change: paid exactly, and the payment checks it
    regions = [reg(10, 10, 80, "CASH"), reg(150, 10, 220, "18.00"), reg(10, 40, 80, "CHANGE"), reg(150, 40, 220, "0.00")]
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("18.00", 1.0)]


def test_the_total_is_what_was_paid_less_the_change():
    rows = [("SUBTOTAL:", "28.60"), ("TOTAL", "28.61"), ("CASH", "100.00"), ("CHANGE", "71.40")]
    regions = [r for y, (a, b) in enumerate(rows) for r in (reg(10, 10 + 30 * y, 80, a), reg(150, 10 + 30 * y, 220, b))]
    # the labelled 28.61 fails the check (a digit misread); the amount that passes it is the candidate
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("28.60", 1.0)]
    regions[3] = reg(150, 40, 220, "28.60")  # the labelled total passes: it is kept, graded up
    assert [(c.text, c.label, c.grade) for c in total_candidates(regions)] == [("28.60", "TOTAL", 1.0)]
    # 'Total (RM): 112.46' misread, paid exactly 112.45 in cash
    rows = [("Rounding (RM):", "-0.02"), ("Total (RM):", "112.46"), ("CASH :", "112.45"), ("Change (RM):", "0.00")]
    regions = [r for y, (a, b) in enumerate(rows) for r in (reg(10, 10 + 30 * y, 120, a), reg(150, 10 + 30 * y, 220, b))]
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("112.45", 1.0)]
    # two payments (cash and card): no check, the labels decide
    rows = [("TOTAL", "30.00"), ("CASH", "10.00"), ("VISA", "20.00"), ("CHANGE", "0.00")]
    regions = [r for y, (a, b) in enumerate(rows) for r in (reg(10, 10 + 30 * y, 80, a), reg(150, 10 + 30 * y, 220, b))]
    assert [(c.text, c.grade) for c in total_candidates(regions)] == [("30.00", 0.8)]


def test_the_total_after_a_rounding_adjustment_is_the_amount_paid():
    # made-up lines: a total incl. tax, a rounding adjustment printed below it, then the rounded amount
    regions = [reg(10, 10, 200, "Total RM Incl.of GST"), reg(250, 10, 310, "31.47"),
               reg(10, 40, 200, "Rounding Adj"), reg(250, 40, 310, "-0.02"),
               reg(10, 70, 200, "Total R"), reg(250, 70, 310, "31.45"),
               reg(10, 100, 200, "Cash"), reg(250, 100, 310, "50.00")]
    got = {c.text: c.grade for c in total_candidates(regions)}
    assert got["31.45"] == pytest.approx(1.0) and got["31.47"] == 0.0
    # the adjustment read without its zero and sign, the rounded amount under a 'Rounding' label
    regions[3], regions[4] = reg(250, 40, 310, ".01"), reg(10, 70, 200, "Rounding")
    regions[1], regions[5] = reg(250, 10, 310, "14.64"), reg(250, 70, 310, "14.65")
    got = {c.text: c.grade for c in total_candidates(regions)}
    assert got["14.65"] == pytest.approx(1.0) and got["14.64"] == 0.0
    # an amount paid in cash after the adjustment is no rounded total: the total stays
    cash = [reg(10, 10, 200, "TOTAL"), reg(250, 10, 310, "RM1.38"), reg(10, 40, 200, "ROUNDING"),
            reg(250, 40, 310, "RM0.02"), reg(10, 70, 200, "CASH"), reg(250, 100, 310, "RM1.40")]
    got = {c.text: c.grade for c in total_candidates(cash)}
    assert got["RM1.38"] == pytest.approx(0.8) and got.get("RM1.40", 0.0) < 0.8


@pytest.mark.parametrize("label, grade", [("Net Amt :", 1.0), ("Totel Ant Payable:", 1.0), ("TATAL", 0.8),
                                          ("Tatal Ant Ind GST @ 6%:", 0.0)])
def test_total_labels_read_through_a_letter_ocr_misread(label, grade):
    assert total_grade(label) == pytest.approx(grade)
