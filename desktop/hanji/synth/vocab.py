"""Receipt and certificate vocabulary, mixed Hangul-Latin-digit-symbol lines, and the text mix that
training lines are drawn from (:class:`TextMix`).

The mix draws from the real-text sources of :mod:`hanji.synth.textsource` (gettext catalogs of the
training split, hunspell-ko words, kiwipiepy-model nouns), the generators of :mod:`hanji.synth.corpus`,
the vocabulary below and a cycle over all 2,350 KS X 1001 syllables. A source missing on this machine
is left out and the others share its weight. ``held_out=True`` draws evaluation text instead: the
held-out gettext catalogs, with vocabulary lines, never the training catalogs.
"""

from __future__ import annotations

import random

from hanji.synth import corpus
from hanji.synth.textsource import SyllableCycle, gettext_lines, hunspell_words, kiwi_words

CARDS = ["NH카드", "NH농협카드", "KB국민카드", "KB카드", "신한카드", "삼성카드", "현대카드", "롯데카드", "하나카드",
         "BC카드", "우리카드", "IBK기업카드", "씨티카드", "카카오뱅크", "토스뱅크", "SC제일", "VISA", "MASTER", "AMEX",
         "JCB", "UnionPay", "삼성페이", "카카오페이", "네이버페이", "제로페이", "PAYCO", "SSG PAY"]
RECEIPT_LABELS = ["카드번호", "카드종류", "카드사", "승인번호", "승인일시", "거래일시", "거래일자", "거래번호", "할부개월",
                  "일시불", "결제금액", "결제방법", "합계금액", "합계액", "총합계", "총금액", "받을금액", "받은금액",
                  "거스름돈", "부가세", "부가세액", "과세물품가액", "면세물품가액", "공급가액", "봉사료", "할인금액",
                  "가맹점명", "가맹점번호", "가맹점주소", "대표자명", "사업자번호", "매입사", "발행사", "단말기번호",
                  "전표번호", "회원번호", "유효기간", "서명", "현금영수증", "승인금액", "취소금액", "포인트", "잔여포인트",
                  "상품명", "단가", "수량", "금액", "품명", "계산원", "영수증번호", "주문번호", "테이블", "인원"]
CERT_LABELS = ["발급기관명", "발급번호", "발급일자", "발급일", "성명", "주민등록번호", "생년월일", "주소", "소재지",
               "등록번호", "법인등록번호", "사업자등록번호", "상호", "상호(법인명)", "개업연월일", "사업의 종류", "업태",
               "종목", "용도", "제출처", "신청인", "대표자", "본점소재지", "유효기간", "증명서번호", "확인번호",
               "민원번호", "담당자", "담당부서", "전화번호", "재직기간", "직위", "소속", "근무부서", "수입금액"]
CERT_PHRASES = ["위 사실을 증명합니다.", "위와 같이 증명함", "위 사실을 확인합니다.", "본 증명서는 인터넷으로 발급되었습니다.",
                "발급일로부터 90일까지 유효합니다.", "위조·변조 여부를 확인하시기 바랍니다.", "이 증명서는 원본과 같습니다.",
                "세무서장 (인)", "구청장 직인", "주민센터", "행정복지센터", "국세청 홈택스", "정부24", "대법원 인터넷등기소",
                "소득금액증명", "납세사실증명", "사업자등록증명", "재직증명서", "경력증명서", "졸업증명서", "성적증명서",
                "가족관계증명서", "기본증명서", "주민등록표 등본", "주민등록표 초본", "건강보험자격득실확인서"]
RECEIPT_PHRASES = ["감사합니다", "또 오세요", "교환 및 환불은 7일 이내", "영수증을 지참하세요", "카드 영수증",
                   "고객 보관용", "가맹점 보관용", "매출전표", "신용승인", "신용취소", "현금(소득공제)", "현금(지출증빙)",
                   "[면세]", "[과세]", "*과세물품", "#면세물품", "POS 번호", "영수증 재발행", "결제가 완료되었습니다"]
# syllables the recognizer has confused on real receipts, in words where they appear
CONFUSABLE_WORDS = ["증명", "즘", "정산", "점포", "내역", "대표", "금액", "급여", "요금", "로그", "품목", "움직임",
                    "수량", "람", "덤", "덥다", "헌법", "현금", "벌금", "별도", "명령", "렁", "걸음", "겉면", "결제",
                    "경제", "합계", "흙", "부가", "납부", "과세", "가세", "면세", "세액", "총액", "잔액", "카드", "번호"]
SYMBOLS = ["-", "~", "/", ":", ".", ",", "(", ")", "[", "]", "*", "#", "@", "&", "%", "+", "=", "₩", "·", "※",
           "①", "②", "③", "④", "⑤", "○", "●", "□", "■", "△", "▶", "<", ">", "'", '"', "|", "_"]


def spaced(word: str) -> str:
    """A letter-spaced label as printed on receipts and certificates: ``카 드 번 호``."""
    return " ".join(c for c in word if c != " ")


def card_number(r: random.Random) -> str:
    groups = [f"{r.randint(0, 9999):04d}" for _ in range(4)]
    for i in r.sample(range(1, 4), r.randint(0, 2)):
        groups[i] = "****"
    return r.choice(["-", " ", ""]).join(groups)


def payment_line(r: random.Random) -> str:
    k = r.randint(0, 7)
    if k == 0:
        return f"{r.choice(CARDS)} {card_number(r)}"
    if k == 1:
        return f"{r.choice(RECEIPT_LABELS)}{r.choice([':', ' :', ' ', ': '])}{r.choice([corpus.amount(r), str(r.randint(0, 99999999)).zfill(8), card_number(r), corpus.date(r)])}"
    if k == 2:
        return f"{r.choice(['할부', '할부개월'])} {r.choice(['00', '일시불', '03', '06', '12'])} {r.choice(CARDS)}"
    if k == 3:
        return f"{r.choice(RECEIPT_LABELS)} {r.randint(1, 99):02d}-{r.randint(0, 9999):04d}-{r.randint(0, 99):02d}"
    if k == 4:
        w = r.choice(corpus.ITEMS + CONFUSABLE_WORDS)
        return f"{r.randint(1, 99):03d} {w} {r.randint(1, 9)} {r.randint(1, 999) * 10:,}"
    if k == 5:
        return f"{r.choice(RECEIPT_PHRASES)}{r.choice(['', '!', '.', ' ^^', ' :)'])}"
    if k == 6:
        return f"{r.choice(['TEL', 'Tel', 'FAX', '☎'])} {corpus.phone(r).split(' ')[-1]}"
    return f"{r.choice(['POS', 'NO', 'No.', '#'])}{r.randint(0, 9999):04d} {corpus.date(r)}"


def certificate_line(r: random.Random) -> str:
    k = r.randint(0, 4)
    if k == 0:
        return f"{r.choice(CERT_LABELS)}{r.choice([':', ' :', ' ', '  '])}{r.choice([corpus.name(r), corpus.date(r), corpus.business_number(r).split(' ')[-1], corpus.address(r)[:20]])}"
    if k == 1:
        return r.choice(CERT_PHRASES)
    if k == 2:
        return f"{r.choice(['제', 'No.', '발급번호'])} {r.randint(1000, 9999)}-{r.randint(0, 9999):04d}-{r.randint(0, 9999):04d}-{r.randint(0, 9999):04d}"
    if k == 3:
        return f"{corpus.date(r)} {r.choice(CERT_PHRASES)}"[:30]
    return f"{r.choice('①②③④⑤⑥⑦⑧⑨⑩')} {r.choice(CERT_LABELS)} {r.choice(CONFUSABLE_WORDS)}"


def label_line(r: random.Random) -> str:
    """A letter-spaced label, with or without its value."""
    label = spaced(r.choice(RECEIPT_LABELS + CERT_LABELS + ["부가세", "합계", "현금", "카드", "성명", "주소"]))
    if r.random() < 0.5:
        return label
    return f"{label}{r.choice([' : ', ': ', '  ', ' '])}{r.choice([corpus.amount(r), corpus.name(r), card_number(r), corpus.date(r)])}"


def mixed_line(r: random.Random, words: tuple[str, ...] = ()) -> str:
    """Hangul, Latin, digits and symbols side by side (``NH카드 0-3 ③``), the look-alikes on purpose."""
    parts = []
    for _ in range(r.randint(2, 5)):
        k = r.randint(0, 6)
        if k == 0:
            parts.append(r.choice(CARDS))
        elif k == 1:
            parts.append(r.choice(words) if words and r.random() < 0.6 else r.choice(CONFUSABLE_WORDS))
        elif k == 2:
            parts.append("".join(r.choice("0123456789") for _ in range(r.randint(1, 6))))
        elif k == 3:
            parts.append(r.choice(SYMBOLS) * r.choice([1, 1, 1, 2, 3]))
        elif k == 4:
            parts.append("".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0O1lI") for _ in range(r.randint(1, 4))))
        elif k == 5:
            parts.append(f"{r.randint(0, 99)}{r.choice(SYMBOLS)}{r.randint(0, 99)}")
        else:
            parts.append(r.choice(corpus.NOUNS) + r.choice(corpus.PARTICLES))
    joiner = r.choice([" ", " ", "", " - ", "/"])
    return joiner.join(parts)


def _words_line(r: random.Random, words: tuple[str, ...], max_chars: int) -> str:
    out = []
    while sum(len(w) + 1 for w in out) < max_chars * r.uniform(0.3, 1.0):
        out.append(r.choice(words))
    return " ".join(out)


class TextMix:
    """Training (or held-out evaluation) text, from every source this machine has."""

    def __init__(self, rng: random.Random, held_out: bool = False) -> None:
        self.rng = rng
        self.held_out = held_out
        self.cycle = SyllableCycle(rng)
        self.gettext = gettext_lines(held_out)
        self.hunspell = () if held_out else hunspell_words()
        self.kiwi = () if held_out else kiwi_words()
        if held_out:  # evaluation text shares no generator or vocabulary with training: held-out catalogs only
            if not self.gettext:
                raise RuntimeError("no held-out Korean text: no gettext catalogs under /usr/share/locale/ko")
            self.kinds, self.weights = ["gettext", "spaced"], [0.85, 0.15]
            return
        mix = [("gettext", 0.24, bool(self.gettext)), ("hunspell", 0.12, bool(self.hunspell)),
               ("kiwi", 0.08, bool(self.kiwi)), ("corpus", 0.18, True), ("payment", 0.10, True),
               ("certificate", 0.07, True), ("label", 0.06, True), ("mixed", 0.07, True), ("syllables", 0.08, True)]
        self.kinds = [k for k, _, ok in mix if ok]
        self.weights = [w for _, w, ok in mix if ok]

    def sample(self, max_chars: int = 28) -> tuple[str, str]:
        """``(text, kind)``: one line of at most ``max_chars`` characters."""
        r = self.rng
        kind = r.choices(self.kinds, self.weights)[0]
        if kind == "gettext":
            s = r.choice(self.gettext)
            if len(s) > max_chars:
                start = r.randint(0, len(s) - max_chars)
                s = s[start:start + max_chars]
        elif kind == "spaced":  # a short held-out word, letter-spaced as a label
            words = [w for w in r.choice(self.gettext).split() if 2 <= len(w) <= 6]
            s = spaced(words[0] if words else r.choice(self.gettext)[:4])
        elif kind == "hunspell":
            s = _words_line(r, self.hunspell, max_chars)
        elif kind == "kiwi":
            s = _words_line(r, self.kiwi, max_chars)
        elif kind == "corpus":
            s = corpus.sample_text(r, None, r.randint(4, max_chars))
        elif kind == "payment":
            s = payment_line(r)
        elif kind == "certificate":
            s = certificate_line(r)
        elif kind == "label":
            s = label_line(r)
        elif kind == "mixed":
            s = mixed_line(r, self.hunspell[:5000] if self.hunspell else ())
        else:
            s = self.cycle.take(r.randint(2, 12))
            if r.random() < 0.3:
                s = s[: len(s) // 2] + " " + s[len(s) // 2:]
        s = " ".join(s.split())[:max_chars].strip()
        return (s or "0"), kind
