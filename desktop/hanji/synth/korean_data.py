"""Fake but realistic Korean personal and business data: names, addresses, stores, numbers.

Everything here is made up from small tables and a ``random.Random``; any likeness to a real person or
business is chance. Numbers carry valid check digits (사업자등록번호, 법인등록번호, 주민등록번호, Luhn).
"""

from __future__ import annotations

import datetime as dt
import random

from hanji.domain import validators as v

SURNAMES = ("김" * 20 + "이" * 14 + "박" * 8 + "최" * 5 + "정" * 5 + "강조윤장임한오서신권황안송류전홍고문양손배백허유남심노"
            "하곽성차주우구민진나지엄원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉")
DOUBLE_SURNAMES = ("남궁", "황보", "제갈", "선우", "독고")
GIVEN = "민서지현준우예하도윤수연은영진호성재훈동혜경미정희숙철광태석상원주아인채유소다나린건시율찬규한승혁종범기용환빈솔별슬람세형보중"

SIDO = {
    "서울특별시": ["강남구", "서초구", "송파구", "마포구", "종로구", "중구", "용산구", "성동구", "관악구", "영등포구", "노원구", "은평구"],
    "부산광역시": ["해운대구", "부산진구", "동래구", "남구", "수영구", "사하구"],
    "대구광역시": ["수성구", "중구", "달서구", "북구"],
    "인천광역시": ["연수구", "남동구", "부평구", "미추홀구"],
    "광주광역시": ["서구", "북구", "광산구"],
    "대전광역시": ["유성구", "서구", "중구"],
    "울산광역시": ["남구", "중구", "울주군"],
    "세종특별자치시": [""],
    "경기도": ["수원시 영통구", "성남시 분당구", "고양시 일산동구", "용인시 수지구", "부천시", "안양시 동안구", "화성시", "파주시"],
    "강원특별자치도": ["춘천시", "원주시", "강릉시"],
    "충청북도": ["청주시 흥덕구", "충주시"],
    "충청남도": ["천안시 서북구", "아산시", "공주시"],
    "전북특별자치도": ["전주시 완산구", "군산시", "익산시"],
    "전라남도": ["목포시", "여수시", "순천시"],
    "경상북도": ["포항시 남구", "경주시", "구미시", "안동시"],
    "경상남도": ["창원시 성산구", "김해시", "진주시", "양산시"],
    "제주특별자치도": ["제주시", "서귀포시"],
}
SIDO_SHORT = {"서울특별시": "서울", "부산광역시": "부산", "대구광역시": "대구", "인천광역시": "인천", "광주광역시": "광주",
              "대전광역시": "대전", "울산광역시": "울산", "세종특별자치시": "세종", "경기도": "경기", "강원특별자치도": "강원",
              "충청북도": "충북", "충청남도": "충남", "전북특별자치도": "전북", "전라남도": "전남", "경상북도": "경북",
              "경상남도": "경남", "제주특별자치도": "제주"}
ROAD_STEMS = ("테헤란", "강남대", "세종대", "중앙", "번영", "시청", "문화", "평화", "희망", "은행", "봉은사", "도산대", "월드컵",
              "한강대", "가람", "새말", "학동", "논현", "삼일대", "충장", "동문", "구월", "경인", "수성", "달구벌대", "해운대",
              "광안", "신촌", "양재대", "올림픽", "하늘", "푸른", "소망", "행복", "미래", "한빛", "새빛", "청라", "송도")
DONG = ("역삼동", "서초동", "잠실동", "합정동", "관철동", "명동", "한남동", "성수동", "신림동", "여의도동", "상계동", "불광동",
        "우동", "전포동", "범어동", "송도동", "상무동", "둔산동", "삼산동", "정자동", "영통동", "장항동", "노형동")
BUILDINGS = ("한빛빌딩", "그린타워", "미래프라자", "새솔빌딩", "하나스퀘어", "동원빌딩", "태평빌딩", "서진타워", "청운상가",
             "우성아파트", "현대아파트", "푸른마을", "은하빌라", "대림상가")


def name(r: random.Random) -> str:
    sur = r.choice(DOUBLE_SURNAMES) if r.random() < 0.02 else r.choice(SURNAMES)
    n = 2 if r.random() < 0.9 else 1
    return sur + "".join(r.choice(GIVEN) for _ in range(n))


def road_address(r: random.Random, short_sido: bool = False, detail: bool = True) -> str:
    sido = r.choice(list(SIDO))
    sgg = r.choice(SIDO[sido])
    stem = r.choice(ROAD_STEMS)
    road = stem + ("로" if not stem.endswith("로") else "")
    if r.random() < 0.4:
        road += f"{r.randint(1, 60)}길"
    parts = [SIDO_SHORT[sido] if short_sido else sido]
    if sgg:
        parts.append(sgg)
    parts += [road, str(r.randint(1, 450)) + (f"-{r.randint(1, 30)}" if r.random() < 0.2 else "")]
    if detail:
        x = r.random()
        if x < 0.35:
            parts.append(f"{r.randint(1, 20)}층")
        elif x < 0.55:
            parts.append(f"{r.randint(1, 15)}동 {r.randint(1, 25)}{r.randint(1, 4):02d}호")
        elif x < 0.7:
            parts.append(f"{r.randint(101, 1505)}호")
    if r.random() < 0.5:
        inner = r.choice(DONG) + (", " + r.choice(BUILDINGS) if r.random() < 0.4 else "")
        parts.append(f"({inner})")
    return " ".join(parts)


def phone(r: random.Random, kind: str = "any") -> str:
    x = r.random() if kind == "any" else {"store": 0.3, "mobile": 0.9, "rep": 0.7}[kind]
    if x < 0.25:
        return f"02-{r.randint(200, 9999):0{r.choice([3, 4])}d}-{r.randint(0, 9999):04d}"
    if x < 0.5:
        area = r.choice(["031", "032", "033", "041", "042", "043", "051", "052", "053", "054", "055", "061", "062",
                         "063", "064", "070"])
        return f"{area}-{r.randint(200, 9999):0{r.choice([3, 4])}d}-{r.randint(0, 9999):04d}"
    if x < 0.75:
        return f"{r.choice(['1588', '1577', '1544', '1644', '1661', '1899'])}-{r.randint(0, 9999):04d}"
    return f"010-{r.randint(2000, 9999)}-{r.randint(0, 9999):04d}"


def business_number(r: random.Random, corporate: bool = False) -> str:
    head = f"{r.randint(101, 899):03d}"
    mid = f"{r.randint(81, 88):02d}" if corporate else f"{r.randint(1, 79):02d}"
    first9 = head + mid + f"{r.randint(0, 9999):04d}"
    return v.format_business_number(first9 + str(v.brn_check_digit(first9)))


def corporate_number(r: random.Random) -> str:
    first12 = f"{r.choice([1101, 1201, 1301, 1311, 1344, 1601, 1701, 1801, 2001, 2301]):04d}" + \
        r.choice(["11", "11", "11", "12", "21"]) + f"{r.randint(1, 999999):06d}"
    d = first12 + str(v.corporate_check_digit(first12))
    return f"{d[:6]}-{d[6:]}"


def birth_date(r: random.Random, lo: int = 1945, hi: int = 2005) -> dt.date:
    start = dt.date(lo, 1, 1).toordinal()
    end = dt.date(hi, 12, 31).toordinal()
    return dt.date.fromordinal(r.randint(start, end))


def resident_number(r: random.Random, born: dt.date | None = None, female: bool | None = None) -> str:
    born = born or birth_date(r)
    female = r.random() < 0.5 if female is None else female
    g = (1 if born.year < 2000 else 3) + (1 if female else 0)
    first12 = born.strftime("%y%m%d") + str(g) + f"{r.randint(0, 99999):05d}"
    return v.format_resident_number(first12 + str(v.rrn_check_digit(first12)))


CARD_ISSUERS = {  # issuer -> BIN prefixes (made up, shaped like real ones)
    "신한카드": ["4518", "5107", "9410"], "KB국민카드": ["4673", "5275", "9445"], "삼성카드": ["4906", "5310", "3760"],
    "현대카드": ["4020", "5433", "3569"], "롯데카드": ["4670", "5241"], "우리카드": ["5365", "4579"],
    "하나카드": ["4599", "5327"], "BC카드": ["9430", "5521"], "NH농협카드": ["5461", "4882"],
}
CARD_ISSUERS_EN = {"신한카드": "SHINHAN CARD", "KB국민카드": "KB KOOKMIN CARD", "삼성카드": "SAMSUNG CARD",
                   "현대카드": "HYUNDAI CARD", "롯데카드": "LOTTE CARD", "우리카드": "WOORI CARD", "하나카드": "HANA CARD",
                   "BC카드": "BC CARD", "NH농협카드": "NH CARD"}


def card_number(r: random.Random, issuer: str | None = None) -> str:
    issuer = issuer or r.choice(list(CARD_ISSUERS))
    prefix = r.choice(CARD_ISSUERS[issuer])
    length = 15 if prefix.startswith(("34", "37")) else 16
    body = prefix + "".join(str(r.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    return v.format_card_number(body + str(v.luhn_check_digit(body)))


def masked_card(r: random.Random, number: str) -> str:
    """How receipts print a card number: some digits kept, the rest ``*``."""
    d = v.digits(number)
    style = r.randint(0, 2)
    if style == 0:
        masked = d[:6] + "*" * (len(d) - 6)
    elif style == 1:  # first 6 and last 4
        masked = d[:6] + "*" * (len(d) - 10) + d[-4:]
    else:  # first 8 only
        masked = d[:8] + "*" * (len(d) - 8)
    return "-".join(masked[i:i + 4] for i in range(0, len(masked), 4))


# --- romanization (Revised Romanization, simplified) for names on cards -------------------------
_INI = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
_MED = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu",
        "eu", "ui", "i"]
_FIN = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng",
        "t", "t", "k", "t", "p", "t"]
SURNAME_ROMAN = {"김": "KIM", "이": "LEE", "박": "PARK", "최": "CHOI", "정": "JUNG", "강": "KANG", "조": "CHO",
                 "윤": "YOON", "장": "JANG", "임": "LIM", "한": "HAN", "오": "OH", "서": "SEO", "신": "SHIN",
                 "권": "KWON", "황": "HWANG", "안": "AHN", "송": "SONG", "류": "RYU", "전": "JEON", "홍": "HONG",
                 "고": "KO", "문": "MOON", "양": "YANG", "손": "SON", "배": "BAE", "백": "BAEK", "허": "HEO",
                 "유": "YOO", "노": "NOH", "하": "HA", "우": "WOO", "구": "KOO", "민": "MIN", "진": "JIN"}


def romanize(text: str) -> str:
    out = []
    for ch in text:
        o = ord(ch) - 0xAC00
        if 0 <= o < 11172:
            out.append(_INI[o // 588] + _MED[(o % 588) // 28] + _FIN[o % 28])
        else:
            out.append(ch)
    return "".join(out).upper()


def roman_name(korean: str) -> str:
    if korean[:2] in DOUBLE_SURNAMES:
        sur, given = korean[:2], korean[2:]
    else:
        sur, given = korean[:1], korean[1:]
    s = SURNAME_ROMAN.get(sur, romanize(sur))
    return f"{s} {romanize(given)}"


# --- stores and items -------------------------------------------------------------------------------
STORE_KINDS = {
    "cafe": (["카페 온담", "빈스토리", "커피한잔", "달빛커피", "모모카페", "커피나무", "카페 하루", "브루하우스", "숲속다방"],
             [("아메리카노", 3000, 5000), ("아이스 아메리카노", 3500, 5500), ("카페라떼", 4000, 6000),
              ("바닐라 라떼", 4500, 6500), ("카푸치노", 4000, 6000), ("녹차 라떼", 4500, 6000), ("자몽 에이드", 5000, 6500),
              ("치즈 케이크", 5500, 7500), ("크루아상", 3000, 4500), ("허니 브레드", 5000, 7000), ("레몬티", 4000, 5500)]),
    "mart": (["하루마트", "우리동네마트", "알뜰마트", "새벽마트", "한빛마트", "푸른마트", "행복한마트"],
             [("신라면 5입", 3500, 4800), ("삼다수 2L", 1000, 1500), ("서울우유 1L", 2500, 3200), ("계란 30구", 6000, 9000),
              ("두부", 1500, 2500), ("양파 1.5kg", 3000, 5000), ("햇반 210g", 1200, 1800), ("참치캔", 2000, 3500),
              ("바나나", 3000, 5000), ("콜라 1.5L", 2000, 3300), ("김 10봉", 4000, 6000), ("대파", 2000, 3500),
              ("사과 1봉", 6000, 12000), ("종량제봉투 20L", 600, 900)]),
    "conv": (["씨유마트24", "세븐데이", "지에스25시", "이마트24시", "미니스톱하루"],
             [("삼각김밥", 1000, 1800), ("바나나우유", 1500, 1900), ("컵라면", 1100, 1800), ("생수 500ml", 700, 1200),
              ("도시락", 3500, 5500), ("아이스크림", 1000, 2500), ("초코바", 1000, 2000), ("캔커피", 1200, 2000),
              ("비닐봉투", 50, 100), ("껌", 800, 1200), ("샌드위치", 2500, 3800)]),
    "food": (["할매국밥", "소담식당", "황금돈까스", "한우마을", "명동칼국수", "시골밥상", "바다횟집", "맛있는분식", "고향순대국"],
             [("김치찌개", 8000, 10000), ("된장찌개", 8000, 10000), ("돼지국밥", 9000, 11000), ("제육볶음", 9000, 12000),
              ("돈까스", 9000, 13000), ("칼국수", 8000, 10000), ("비빔밥", 9000, 11000), ("공기밥", 1000, 2000),
              ("소주", 5000, 6000), ("맥주", 5000, 7000), ("떡볶이", 4000, 6000), ("삼겹살 1인분", 14000, 18000),
              ("음료수", 2000, 3000)]),
}
BRANCHES = ("강남점", "역삼점", "본점", "서초점", "홍대점", "신촌점", "잠실점", "판교점", "해운대점", "명동점", "시청점", "중앙점")


def store(r: random.Random) -> tuple[str, str]:
    """``(kind, store name)``."""
    kind = r.choice(list(STORE_KINDS))
    base = r.choice(STORE_KINDS[kind][0])
    return kind, (f"{base} {r.choice(BRANCHES)}" if r.random() < 0.6 else base)


def items(r: random.Random, kind: str, n: int) -> list[tuple[str, int, int]]:
    """``[(name, quantity, unit price)]``; prices are round to 100 won."""
    pool = list(STORE_KINDS[kind][1])
    r.shuffle(pool)
    out = []
    for nm, lo, hi in pool[:n]:
        price = r.randint(lo // 100, hi // 100) * 100 if hi >= 100 else r.randint(lo, hi)
        qty = 1 if r.random() < 0.65 else r.randint(2, 5)
        out.append((nm, qty, price))
    return out


BUSINESS = [("도매 및 소매업", "전자상거래업"), ("음식점업", "한식"), ("숙박 및 음식점업", "커피전문점"),
            ("서비스업", "소프트웨어 개발"), ("정보통신업", "응용 소프트웨어 개발 및 공급업"), ("제조업", "의류"),
            ("건설업", "실내건축"), ("소매업", "편의점"), ("도매업", "식료품"), ("부동산업", "부동산 중개"),
            ("교육서비스업", "학원"), ("운수업", "화물운송"), ("서비스업", "광고대행"), ("제조업", "식품가공")]
COMPANY_STEMS = ("한빛", "새솔", "미래", "청운", "다온", "해솔", "가온", "누리", "하늘", "바른", "온새미", "빛나래", "든솔",
                 "소담", "라온", "아름", "우리", "대성", "동진", "삼원", "태양", "한길")
COMPANY_TAILS = ("상사", "테크", "식품", "무역", "디자인", "건설", "솔루션", "유통", "산업", "컴퍼니", "랩스", "푸드", "에듀")


def company(r: random.Random, corporate: bool) -> str:
    nm = r.choice(COMPANY_STEMS) + r.choice(COMPANY_TAILS)
    if corporate:
        return r.choice([f"주식회사 {nm}", f"(주){nm}", f"{nm} 주식회사", f"유한회사 {nm}"])
    return nm


TAX_OFFICES = ("강남", "서초", "역삼", "삼성", "송파", "마포", "종로", "중부", "용산", "성동", "관악", "영등포", "부산진",
               "해운대", "수성", "인천", "광주", "대전", "울산", "수원", "분당", "일산", "청주", "천안", "전주", "창원", "제주")


def date_between(r: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return dt.date.fromordinal(r.randint(lo.toordinal(), hi.toordinal()))
