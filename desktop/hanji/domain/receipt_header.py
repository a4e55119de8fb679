"""The seller's header of a receipt: its name, then its address, printed at the top.

A receipt names its seller above the seller's address (a registration number or a contact line may
sit between them); a business named *after* that address is someone else: the chain that runs the
shop (``MYNEWS RETAIL SB ... FKA BISON STORES SB`` under ``PAGOH REST AND SERVICE AREA``), a
landlord, a card issuer, a customer. :func:`seller_address_line` finds where the seller's address
begins, :func:`header_name` the name lines right above it, and :mod:`hanji.jobs.extract` keeps the
name candidates above it.

:func:`legal_form_as_printed` reads back a Malaysian legal form OCR misread by one letter
(``Sdin Bhd``, ``SON BHD``, ``Sdn Bnd``) in a value that ends with one.
"""

from __future__ import annotations

import re
import unicodedata

from hanji.domain.model import Region
from hanji.domain.receipt_rules import is_address_line, is_name_line, name_runs
from hanji.domain.text import edit_distance

# the seller's address starts within the head of the receipt: the first HEAD_SHARE of its lines
# (at least HEAD_MIN_LINES)
HEAD_SHARE, HEAD_MIN_LINES = 0.4, 8


def seller_address_line(texts: list[str]) -> int | None:
    """The index of the first address line (:func:`hanji.domain.receipt_rules.is_address_line`) in the
    head of the receipt that comes after a line that can be a name: where the seller's address
    begins. None when the head has no such line."""
    n = max(HEAD_MIN_LINES, int(len(texts) * HEAD_SHARE))
    seen_name = False
    for i, t in enumerate(texts[:n]):
        if seen_name and is_address_line(t):
            return i
        seen_name = seen_name or is_name_line(t)
    return None


def header_name(regions: list[Region], address: int) -> list[int]:
    """The name lines right above the seller's address at ``address``: the nearest name line
    (:func:`hanji.domain.receipt_rules.is_name_line`) above it, lines that are no name (a registration
    number, a contact line) passed over, widened over its visible continuations
    (:func:`hanji.domain.receipt_rules.name_runs`); [] when there is none."""
    for i in range(address - 1, -1, -1):
        if is_name_line(regions[i].text):
            runs = name_runs(regions, [i])
            return runs[0] if runs else [i]
    return []


# a Malaysian legal form at the end of a name: 'SDN BHD', 'SDN. BHD.', glued 'SdnBhd'
_LEGAL_END = re.compile(r"(?<!&\s)(?<![A-Za-z&])([A-Za-z0-9]{2,4})(\.?\s*)([A-Za-z0-9]{3})(\.?)\s*$")


_SB_END = re.compile(r"(?<=\s)[S5]\s*/\s*[B8]\.?$")  # 'S/B' (Sendirian Berhad) read '5/8', 'S/8'
_ZERO_IN_WORD = re.compile(r"(?<=[A-Za-z])0+(?=[A-Za-z])|(?<=[A-Za-z]{2})0+(?=\s|$)|(?<=\s)0+(?=[A-Za-z]{2})|^0+(?=[A-Za-z]{2})")


def name_letters(value: str) -> str:
    """A Latin business name with the zeros OCR read for the letter O inside its words written as O
    (``YONG S00N FATT`` -> ``YONG SOON FATT``, ``F00DICIOUS``), a word of digits left as it is (``99 SPEED
    MART``); a value with Hangul as given."""
    if re.search(r"[가-힣]", value):
        return value
    return " ".join(w if re.search(r"\d", re.sub("0", "", w)) else _ZERO_IN_WORD.sub(lambda m: "O" * len(m.group(0)), w)
                    for w in value.split(" "))


def legal_form_as_printed(value: str) -> str:
    """``value`` with a legal form at its end that OCR misread by one letter written as printed:
    ``Timeless Kitchenette Sdin Bhd`` -> ``... Sdn Bhd``, ``MRD.I.Y(M) SON BHD`` -> ``... SDN BHD``,
    ``Sdn Bnd`` -> ``Sdn Bhd``, ``99 SPEED MART 5/8`` -> ``... S/B``. Both words must be within one edit of ``SDN`` and ``BHD`` and one of
    them exact, so that a name ending in other words (``RESTAURANT SIN DU``) is left as it is."""
    if _SB_END.search(value) and not value.rstrip(".").endswith("S/B"):
        return _SB_END.sub("S/B", value)
    m = _LEGAL_END.search(value)
    if not m:
        return value
    a, b = unicodedata.normalize("NFKC", m.group(1)).upper(), unicodedata.normalize("NFKC", m.group(3)).upper()
    if (a, b) == ("SDN", "BHD") or not ((a == "SDN" and edit_distance(b, "BHD") == 1)
                                        or (b == "BHD" and edit_distance(a, "SDN") == 1)):
        return value

    def cased(word: str, like: str) -> str:
        return word.title() if like[:1].isupper() and like[1:].islower() else word if like.isupper() else word.lower()

    return (value[:m.start(1)] + cased("SDN", m.group(1)) + m.group(2) + cased("BHD", m.group(3)) + m.group(4)
            + value[m.end(4):])


# a company number printed after the name, OCR glued to it or not: 'BHD(139386X)', 'S/B(587969-U)',
# 'S/B 273500-U (KSB)' (with a branch code after it), '(I39386 X)'
_NUMBER_AFTER = re.compile(r"(?<=\S)\s*\(?\s*(?:CO\.?\s*)?(?:(?:REG|N[O0])\.?\s*)*[:\s]*[A-Z]{0,2}\d{5,}\s*-?\s*[A-Z]?\s*\)?"
                           r"(?:\s*\([A-Z0-9]{1,4}\))?\.?$", re.I)


def name_without_number(value: str) -> str:
    """A seller's name with the company number printed after it cut off, where OCR glued it to the
    name's last word (``GARDENIA BAKERIES (KL) SDN BHD(139386X)`` -> ``... SDN BHD``); a value that
    would keep fewer than two letters as given."""
    out = _NUMBER_AFTER.sub("", value).rstrip()
    return out if len(re.findall(r"[A-Za-z가-힣]", out)) >= 2 else value


# a full stop OCR read for the comma between an address's parts: after a word of three letters or more
# or a house number, before more of the address ('KENARI 5.BANDAR', 'BESAR.45600', 'CHERAS. 55100');
# not after an abbreviation ('NO.53', 'JLN.', 'P.T.'), nor between digits ('122.124')
_ADDRESS_STOP = re.compile(r"(?<![A-Za-z.\d])(?!(?:NO|JLN|TMN|LOT|BLK|KG|BT|ST|JL|KM)\.)"
                           r"(?:([A-Za-z]{3,})\.(?=\s*[A-Za-z0-9])|(\d+[A-Za-z]?)\.(?=\s*[A-Za-z]{2}))", re.I)


# a label printed before an address ('HQ ADD:', 'ADDRESS :', 'ALAMAT:') and a phone number OCR put on its
# last line ('..., 44300 03-60570314')
_ADDRESS_LABEL = re.compile(r"^\s*(?:HQ\s*|SHOP\s*|OFFICE\s*)?(?:ADD(?:RESS)?|ALAMAT)\s*[:.：]\s*", re.I)
_PHONE_END = re.compile(r"(?<=\S)\s+\(?0\d{1,2}\)?[-\s]?\d{3,4}[-\s]?\d{4}\.?$")


def latin_address_as_printed(value: str) -> str:
    """A Latin address without a label printed before it and a phone number after it, its full stops
    read for commas written as commas (:func:`address_commas`)."""
    out = _PHONE_END.sub("", _ADDRESS_LABEL.sub("", value))
    return address_commas(out if re.search(r"[A-Za-z가-힣]{2,}", out) else value)


def address_commas(value: str) -> str:
    """A Latin address with the full stops OCR read for its commas written as commas (:data:`_ADDRESS_STOP`);
    a value with Hangul as given."""
    if re.search(r"[가-힣]", value):
        return value
    return _ADDRESS_STOP.sub(lambda m: (m.group(1) or m.group(2)) + ",", value)
