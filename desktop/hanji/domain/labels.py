"""The printed labels that introduce a document's fields (상호, 대표자, 등록번호, 합계, 결제금액, VALID THRU ...),
as forms and receipts spell them, and finding them in a line of tokens whatever their spacing
(``상      호``, ``대 표 자``, ``[주소]``, ``3. 개업연월일 :``, ``TEL:02-123-4567``). Pure functions.

A label belongs to one field of a document type, with a grade (how surely it introduces that field:
``결제금액`` is the amount paid, a plain ``합계`` less surely so); labels of no field
(``STOP_LABELS``: 생년월일, 본점소재지, 품명, 수량 ...) are found too, so that they end a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hanji.domain.text import edit_distance

# doc type -> field -> [(spelling, grade)]; spellings are compared without spaces, brackets or colons,
# case ignored. The field names are hanji.domain.schemas.DOC_TYPES'.
LABELS: dict[str, dict[str, list[tuple[str, float]]]] = {
    "business_registration": {
        "registration_number": [("등록번호", 1.0), ("사업자등록번호", 1.0), ("사업자번호", 1.0)],
        "trade_name": [("상호", 1.0), ("법인명(단체명)", 1.0), ("법인명", 1.0), ("단체명", 1.0), ("상호(법인명)", 1.0),
                       ("상호명", 1.0)],
        "representative": [("대표자", 1.0), ("성명", 0.9), ("대표자성명", 1.0), ("성명(대표자)", 1.0), ("대표", 0.8)],
        "corporate_number": [("법인등록번호", 1.0), ("주민(법인)등록번호", 1.0)],
        "opening_date": [("개업연월일", 1.0), ("개업일", 1.0), ("개업년월일", 1.0), ("개업일자", 1.0)],
        "business_address": [("사업장소재지", 1.0), ("사업장주소", 1.0), ("소재지", 0.8), ("사업장", 0.7)],
        "business_type": [("업태", 1.0)],
        "business_item": [("종목", 1.0)],
        "issue_date": [("발급일", 1.0), ("발급일자", 1.0), ("발행일", 1.0), ("발급일시", 1.0)],
        "issuer": [("발급기관", 1.0), ("발행기관", 1.0)],
    },
    "receipt": {
        "store_name": [("상호", 1.0), ("상호명", 1.0), ("가맹점", 0.9), ("가맹점명", 1.0), ("매장명", 1.0), ("점포명", 1.0),
                       ("상점명", 1.0), ("업체명", 1.0)],
        "business_number": [("사업자번호", 1.0), ("사업자등록번호", 1.0), ("사업자", 0.9), ("사업자No", 1.0),
                            ("사업자NO.", 1.0), ("등록번호", 0.8), ("사업자No.", 1.0)],
        "representative": [("대표자", 1.0), ("대표", 0.9), ("대표자명", 1.0), ("대표자성명", 1.0), ("대표이사", 1.0)],
        "address": [("주소", 1.0), ("가맹점주소", 1.0), ("매장주소", 1.0), ("사업장주소", 1.0), ("소재지", 0.8)],
        "phone": [("전화", 1.0), ("전화번호", 1.0), ("TEL", 1.0), ("TEL.", 1.0), ("연락처", 0.9), ("대표전화", 1.0),
                  ("☎", 1.0), ("T.", 0.7)],
        "date": [("거래일시", 1.0), ("거래일자", 1.0), ("일시", 0.9), ("판매일", 1.0), ("판매일시", 1.0), ("판매", 0.7),
                 ("주문일시", 1.0), ("구매일시", 1.0), ("결제일시", 1.0), ("승인일시", 0.3), ("일자", 0.9), ("날짜", 1.0),
                 ("거래일", 1.0), ("매출", 0.6), ("구매", 0.6), ("매출일", 1.0), ("판매일자", 1.0)],
        "time": [("시간", 0.9), ("판매시간", 1.0), ("거래시간", 1.0), ("결제시간", 1.0), ("주문시간", 1.0), ("승인시간", 0.3)],
        "subtotal": [("과세물품가액", 1.0), ("공급가액", 1.0), ("과세금액", 1.0), ("과세매출", 1.0), ("과세물품", 1.0),
                     ("물품가액", 1.0), ("공급가", 0.9), ("면세외과세", 0.9)],
        "tax": [("부가세", 1.0), ("부가가치세", 1.0), ("VAT", 1.0), ("세액", 1.0), ("부가세액", 1.0)],
        "tax_free": [("면세", 0.9), ("면세물품가액", 1.0), ("면세금액", 1.0), ("면세물품", 1.0)],
        "total": [("결제금액", 1.0), ("받을금액", 1.0), ("청구금액", 1.0), ("결제대상금액", 1.0), ("총결제금액", 1.0),
                  ("결제할금액", 1.0), ("합계금액", 0.8), ("합계", 0.7), ("총합계", 0.8), ("총액", 0.8), ("총구매액", 0.8),
                  ("판매금액", 0.6), ("총금액", 0.8), ("TOTAL", 0.7)],
        "discount": [("할인", 1.0), ("할인금액", 1.0), ("행사할인", 1.0), ("에누리", 1.0), ("할인액", 1.0), ("쿠폰할인", 1.0),
                     ("제휴할인", 1.0), ("즉시할인", 1.0)],
        "card_kind": [("카드종류", 1.0), ("카드사", 1.0), ("카드사명", 1.0), ("발급사", 0.9), ("카드명", 1.0), ("매입사", 0.8)],
        "card_number": [("카드번호", 1.0), ("CARDNO", 1.0), ("CARDNO.", 1.0), ("카드No", 1.0), ("카드No.", 1.0)],
        "installment": [("할부", 1.0), ("할부개월", 1.0), ("할부기간", 1.0)],
        "approval_number": [("승인번호", 1.0), ("승인No", 1.0), ("승인NO.", 1.0), ("승인No.", 1.0), ("승인", 0.8),
                            ("APPROVALNO", 1.0)],
        "transaction_number": [("거래번호", 1.0), ("거래고유번호", 1.0), ("거래No", 1.0)],
    },
    "id_card": {
        "name": [("성명", 1.0), ("이름", 1.0), ("성명Name", 1.0), ("이름Name", 1.0), ("NAME", 0.9)],
        "resident_number": [("주민등록번호", 1.0), ("주민등록번호No.", 1.0), ("주민번호", 1.0)],
        "address": [("주소", 1.0), ("주소Address", 1.0), ("ADDRESS", 0.9)],
        "issue_date": [("발급일", 1.0), ("발급일자", 1.0), ("발급일Issued", 1.0), ("ISSUED", 0.9)],
        "issuer": [("발급기관", 1.0), ("발행기관", 1.0), ("발급", 0.9), ("발급청", 1.0)],
    },
    "credit_card": {
        "card_number": [("카드번호", 1.0), ("CARDNUMBER", 1.0), ("CARDNO", 1.0), ("CARDNO.", 1.0)],
        "expiry": [("유효기간", 1.0), ("VALIDTHRU", 1.0), ("GOODTHRU", 1.0), ("EXPIRESEND", 1.0), ("EXP", 0.9),
                   ("EXPIRES", 1.0), ("MM/YY", 1.0), ("MONTH/YEAR", 1.0), ("VALID", 0.8), ("유효기간(MM/YY)", 1.0),
                   ("VALIDTHRU(MM/YY)", 1.0), ("EXPIRY", 1.0), ("EXPIRYDATE", 1.0)],
        "holder": [("성명", 1.0), ("소유자", 1.0), ("회원명", 1.0), ("NAME", 1.0), ("CARDHOLDER", 1.0), ("HOLDER", 1.0),
                   ("CARDHOLDERNAME", 1.0), ("이름", 1.0)],
    },
}
# labels of nothing the schema holds: they end the value before them
STOP_LABELS = ("생년월일", "본점소재지", "사업의종류", "발급사유", "공동사업자", "사업자단위과세적용사업자여부", "전자세금계산서전용메일주소",
               "품명", "상품명", "수량", "단가", "금액", "메뉴", "품목", "봉사료", "거래유형", "받은금액", "거스름돈", "잔액", "포인트",
               "가맹점번호", "단말기", "단말기번호", "POS", "영수증번호", "캐셔", "유효기간", "합계", "취소", "교환", "주민등록번호",
               "카드번호", "주소", "성명", "신용승인", "부가세",
               # document titles: a title is no label of a field (the OCR splits '사업자 등록증' as it likes)
               "사업자등록증", "사업자등록증명원", "사업자등록증명", "주민등록증", "주민등록확인서", "영수증", "카드매출전표",
               "신용카드매출전표", "매출전표")

_STRIP = re.compile(r"[\s:：\[\]()（）<>【】〔〕『』「」·▪■□●•※\-_]+")
_NUMBERING = re.compile(r"^(?:\(?\d{1,2}[.)]|[①-⑳]|[가-하]\.)$")
_DECOR = set("[]<>【】〔〕▪■□●•※*-·:：")
# what OCR reads a bullet before a label as ('▪ 개업연월일' -> '미 개업연월일', '미개업연월일')
_BULLETS = {"ㅁ", "미", "口", "ロ", "□", "ㅇ", "o", "°"}


def compact(text: str) -> str:
    """``text`` as labels are compared: no spaces, brackets (OCR drops one of a pair), colons or bullets;
    upper case."""
    return _STRIP.sub("", text).upper()


@dataclass(frozen=True)
class LabelHit:
    field: str  # '' for a stop label
    grade: float
    start: int  # token range [start, end) in the line given
    end: int
    rest: str = ""  # text glued after the label in its last token ('TEL:02-1' -> '02-1')


def _spellings(doc_type: str) -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {compact(s): ("", 0.0) for s in STOP_LABELS}
    for field, spells in LABELS.get(doc_type, {}).items():
        for s, g in spells:
            c = compact(s)
            if c not in out or out[c][1] < g:
                out[c] = (field, g)
    return out


_CACHE: dict[tuple[str, tuple], dict[str, tuple[str, float]]] = {}


def spellings(doc_type: str, extra: dict[str, list[str]] | None = None) -> dict[str, tuple[str, float]]:
    """Compact spelling -> ``(field, grade)`` for ``doc_type``; ``extra``: a project's own labels
    (field -> spellings, grade 1.0)."""
    key = (doc_type, tuple(sorted((k, tuple(v)) for k, v in (extra or {}).items())))
    if key not in _CACHE:
        sp = _spellings(doc_type)
        fields = set(LABELS.get(doc_type, {}))
        for field, spells in (extra or {}).items():
            for s in spells:  # a project's label for one of this type's fields, unless it names another
                c = compact(s)
                if c and (field in fields or not fields) and (c not in sp or sp[c][0] in ("", field)):
                    sp[c] = (field, 1.0)
        _CACHE[key] = sp
    return _CACHE[key]


_MAX_LABEL_TOKENS = 9
_HANGUL_ONLY = re.compile(r"^[가-힣]{2,}$")
_BY_LEN: dict[tuple[str, tuple], dict[int, list[str]]] = {}

# jamo OCR takes for one another: a syllable that differs from the label's in one of these only is a
# look-alike ('대표차' for 대표자, '태표자', '할계' for 합계, '업테' for 업태)
_INITIAL = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_MEDIAL = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINAL = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ",
          "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")
_ALIKE = [set(g) for g in ("ㄷㅌㄸ", "ㅈㅊㅉ", "ㄱㅋㄲ", "ㅂㅍㅃ", "ㅇㅎ", "ㅅㅆ", "ㅏㅑㅓㅕㅣ", "ㅐㅔㅒㅖ", "ㅗㅛㅜㅠㅡ",
                             "ㅘㅝ", "ㅙㅞㅚ", "ㄹㅂㄻㄼ", "ㅁㅂ", "ㅁㅇ")]
_ALIKE_FINAL = [set(g) for g in (("", "ㅇ"), ("ㄱ", "ㄲ", "ㅋ"), ("ㄹ", "ㅂ", "ㄼ", "ㄻ"), ("ㄷ", "ㅅ", "ㅆ", "ㅈ", "ㅊ", "ㅌ"),
                                 ("ㅁ", "ㅂ"), ("ㅁ", "ㅇ"))]


def _jamo(ch: str) -> tuple[str, str, str]:
    n = ord(ch) - 0xAC00
    return _INITIAL[n // 588], _MEDIAL[(n % 588) // 28], _FINAL[n % 28]


def _alike(a: str, b: str, groups) -> bool:
    return any(a in g and b in g for g in groups)


def syllable_distance(a: str, b: str) -> float:
    """0 for the same syllable, 0.5 for a look-alike (one jamo differs, by a pair OCR confuses), else 1."""
    if a == b:
        return 0.0
    ja, jb = _jamo(a), _jamo(b)
    diff = [k for k in range(3) if ja[k] != jb[k]]
    if len(diff) != 1:
        return 1.0
    k = diff[0]
    return 0.5 if _alike(ja[k], jb[k], _ALIKE_FINAL if k == 2 else _ALIKE) else 1.0


def _near_label(a: str, sp: dict[str, tuple[str, float]], doc_type: str, extra) -> str | None:
    """The one label spelling (Hangul) that ``a`` is an OCR misreading of, or None (none, or several): for
    labels of 3 syllables or more, one syllable off or up to two look-alike syllables (``태표차`` for
    ``대표자``); for 2 syllables, one look-alike syllable (``할계`` for ``합계``)."""
    if not _HANGUL_ONLY.match(a):
        return None
    key = (doc_type, tuple(sorted((k, tuple(v)) for k, v in (extra or {}).items())))
    if key not in _BY_LEN:
        by: dict[int, list[str]] = {}
        for c in sp:
            if _HANGUL_ONLY.match(c):
                by.setdefault(len(c), []).append(c)
        _BY_LEN[key] = by
    found: dict[str, float] = {}
    limit = 1.0 if len(a) >= 3 else 0.5
    for c in _BY_LEN[key].get(len(a), ()):
        d = 0.0
        for x, y in zip(a, c):
            d += syllable_distance(x, y)
            if d > limit:
                break
        if 0 < d <= limit:
            found[c] = d
    best = [c for c, d in found.items() if d == min(found.values(), default=0.0)]
    return best[0] if len(best) == 1 else None  # the nearest spelling ('연세물품가액': 면세, not 과세), if one


def _glued(toks: list[str], s: int, n: int, sp: dict[str, tuple[str, float]], longest: int):
    """A label whose last syllables OCR glued to its value (``부가세536``, ``업``, ``태도소매``,
    ``개 업 연 월 일2009년``): ``(spelling, end, rest)`` with the longest spelling, or None. The rest must
    start with a digit, or the label be letter-spaced (single syllables before the glued token)."""
    best = None
    prev = ""
    for j in range(s, min(n, s + _MAX_LABEL_TOKENS)):
        t = toks[j]
        spaced = j > s and all(len(compact(toks[x])) == 1 for x in range(s, j))
        for p in range(len(t) - 1, 0, -1):
            head, rest = prev + compact(t[:p]), t[p:].lstrip(":： ")
            if len(head) >= 2 and head in sp and rest and compact(t[:p]) and \
                    (rest[0].isdigit() or spaced and re.match(r"[가-힣(]", rest)):
                if best is None or len(head) > len(best[0]):
                    best = (head, j + 1, rest)
                break
        prev += compact(t)
        if len(prev) > longest:
            break
    return best


def find_labels(toks: list[str], doc_type: str, extra: dict[str, list[str]] | None = None,
                anywhere: bool = True, starts: set[int] | None = None) -> list[LabelHit]:
    """The labels in a line of tokens (left to right), longest spelling first, never overlapping.

    A label is a run of whole tokens whose letters, spaces and decorations removed, spell a label
    (``상``, ``호`` -> 상호; ``[주소]``; ``3.`` numbering or a bullet, as OCR reads it (``미``, ``ㅁ``),
    before it is skipped), or the head of a token glued to its value after a colon
    (``TEL:02-123-4567``), before a digit (``부가세536``) or after letter-spaced syllables (``업 태도소매``).
    A label OCR misread (:func:`_near_label`: one syllable or two look-alike syllables off) counts at a
    line's start, at the start of an OCR region (``starts``: token indices) or before a colon.
    ``anywhere=False``: only at the start of the line."""
    sp = spellings(doc_type, extra)
    longest = max((len(k) for k in sp), default=0)
    out: list[LabelHit] = []
    i = 0
    n = len(toks)
    starts = starts or set()
    while i < n:
        if not anywhere and out:
            break
        s = i
        while s < n and (_NUMBERING.match(toks[s]) or all(ch in _DECOR for ch in toks[s]) or
                         toks[s] in _BULLETS and s + 1 < n):
            s += 1
        hit = None
        acc = ""
        ends = []
        for j in range(s, min(n, s + _MAX_LABEL_TOKENS)):
            acc += compact(toks[j])
            if len(acc) > longest:
                break
            ends.append((j + 1, acc))
        for j, a in reversed(ends):
            if a in sp:
                f, g = sp[a]
                hit = LabelHit(f, g, i, j)
                break
        if s < n:
            glued = _glued(toks, s, n, sp, longest)
            if glued is not None and (hit is None or len(glued[0]) > len(compact("".join(toks[s:hit.end])))):
                f, g = sp[glued[0]]
                hit = LabelHit(f, g, i, glued[1], glued[2])
        if hit is None and s < n and len(toks[s]) >= 3 and toks[s][0] in _BULLETS and compact(toks[s][1:]) in sp:
            f, g = sp[compact(toks[s][1:])]  # '미개업연월일': the bullet glued to its label
            hit = LabelHit(f, g, i, s + 1)
        if hit is None and s < n:  # glued: 'TEL:02-123-4567', '사업자번호:459-41-81931', '개 업 연 월 일:1999년'
            head = ""
            for j in range(s, min(n, s + _MAX_LABEL_TOKENS)):
                m = re.match(r"^[\[<【]?([^:：\]>】]+)[\]>】]?\s*[:：]\s*(.+)$", toks[j])
                if m and compact(head + m.group(1)) in sp:
                    f, g = sp[compact(head + m.group(1))]
                    hit = LabelHit(f, g, i, j + 1, m.group(2))
                    break
                head += compact(toks[j])
                if len(head) > longest:
                    break
        if hit is None and (i == 0 or s in starts or i in starts or
                            any(":" in t and not compact(t) for t in toks[i + 1:i + 2])):
            for j, a in reversed(ends):  # a label OCR misread ('받급일자', '태표차', '할계')
                spaced = j - s >= 2 and all(len(compact(toks[x])) == 1 for x in range(s, j))
                alone = j == s + 1 and (s in starts or i in starts) and (j in starts or j == n)
                if len(a) < 3 and i != 0 and not ((spaced or alone) and (s in starts or i in starts)):
                    continue  # a short one only at a line's start, letter-spaced at a region's ('업 때'), or a
                    # region by itself ('업대': the next column's 업 태 read as one word)
                near = _near_label(a, sp, doc_type, extra)
                if near is not None and (i == 0 or s in starts or i in starts or
                                         j < n and ":" in toks[j] or toks[j - 1].endswith(":")):
                    f, g = sp[near]
                    hit = LabelHit(f, 0.9 * g, i, j)
                    break
        if hit is not None and (i == 0 or anywhere):
            out.append(hit)
            i = hit.end
            continue
        i += 1
    return out


def labelled_fields(texts: list[str], doc_type: str) -> int:
    """How many of ``doc_type``'s fields have a label printed in ``texts`` (lines or regions): evidence of
    the type from the page's own words."""
    from hanji.domain.text import tokens

    return len({h.field for t in texts for h in find_labels(tokens(t), doc_type) if h.field})


def label_like(token: str, doc_type: str, extra: dict[str, list[str]] | None = None, short: bool = False) -> bool:
    """Whether ``token`` is a printed label (of any field, or a stop label) as OCR may misread it: a
    spelling, a Hangul look-alike of one of 3 syllables or more (:func:`_near_label`: '소계지' for 소재지),
    or, from 4 letters on, within 1 edit (2 from 5 letters on) of a Latin label word ('Nanse', 'Addres'
    of ``성명 Name``, ``주소 Address``). ``short``: 2-syllable look-alikes too ('업대' for 업태; only where
    more of the value follows). A value's leading token that is one is no part of the value."""
    c = compact(token)
    if not c:
        return False
    sp = spellings(doc_type, extra)
    if c in sp:
        return True
    if re.fullmatch(r"[A-Z]+", c):
        words = {w for k in sp for w in re.findall(r"[A-Z]{3,}", k)}
        return len(c) >= 4 and any(edit_distance(c, w) <= (1 if max(len(w), len(c)) <= 4 else 2)
                                   for w in words if abs(len(w) - len(c)) <= 2)
    return len(c) >= (2 if short else 3) and _near_label(c, sp, doc_type, extra) is not None


def strip_label_noise(text: str) -> str:
    """A value with the colon or bullets left between label and value removed from its ends."""
    return re.sub(r"^[\s:：\-·▪■•]+|[\s:：]+$", "", text)
