"""Text generators for synthetic Korean/English document lines (receipts, addresses, names, dates,
amounts, numbers, phone and business numbers, prose).

Prose is built from word and syllable statistics written here (common nouns, verbs, particles and
endings of Korean documents), never from konlpy's kolaw/kobill texts, which are reserved for
evaluation. Every generator takes a :class:`random.Random`, so a seed reproduces the text.
"""

from __future__ import annotations

import random
import string

from hanji.domain.text import ks_x_1001_hangul

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호범좌팽승간상갈서시"
GIVEN = ("민준 서연 도윤 서윤 시우 지우 주원 하은 하준 지호 지유 준서 수아 예준 지민 유준 서현 건우 "
         "현우 예은 우진 민서 선우 하윤 연우 수빈 정우 지원 승우 채원 준혁 다은 민재 예린 현준 소윤 "
         "동현 은서 지훈 유나 승민 가은 영수 영희 철수 순자 미경 상훈 경수 혜진 성민 정희 재현 은영").split()
SIDO = ["서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시",
        "세종특별자치시", "경기도", "강원특별자치도", "충청북도", "충청남도", "전북특별자치도", "전라남도",
        "경상북도", "경상남도", "제주특별자치도", "서울", "경기", "부산"]
SIGUNGU = ["강남구", "서초구", "종로구", "중구", "마포구", "송파구", "영등포구", "해운대구", "수원시 팔달구",
           "성남시 분당구", "고양시 일산동구", "용인시 수지구", "청주시 흥덕구", "전주시 완산구", "창원시 의창구",
           "포항시 북구", "춘천시", "원주시", "천안시 동남구", "김해시", "제주시", "서귀포시", "달서구", "유성구",
           "남동구", "북구", "동래구", "광산구", "안산시 단원구", "파주시", "평택시", "진주시"]
ROAD_STEMS = ["테헤란", "세종대", "을지", "퇴계", "올림픽", "중앙", "시청", "역삼", "반포대", "월드컵북",
              "해운대해변", "동대구", "판교역", "정자일", "백범", "충장", "문화", "번영", "새말", "은행나무",
              "가로수", "도산대", "봉은사", "삼일대", "한강대", "양재대", "수성", "무등", "한밭대", "금강"]
STORES = ["이마트", "홈플러스", "롯데마트", "GS25", "CU", "세븐일레븐", "이디야커피", "스타벅스", "파리바게뜨",
          "뚜레쥬르", "올리브영", "다이소", "교보문고", "김밥천국", "본죽", "맘스터치", "배스킨라빈스",
          "한솥도시락", "농협하나로마트", "동네정육점", "행복약국", "서울치과의원", "미소한의원", "우리세탁소"]
ITEMS = ["아메리카노", "카페라떼", "바닐라라떼", "생수", "우유", "식빵", "크루아상", "삼각김밥", "컵라면",
         "참치김밥", "떡볶이", "순대", "튀김", "라면", "짜장면", "짬뽕", "탕수육", "김치찌개", "된장찌개",
         "비빔밥", "불고기", "제육볶음", "돈까스", "냉면", "계란", "두부", "사과", "바나나", "딸기", "포도",
         "양파", "대파", "감자", "고구마", "돼지고기", "소고기", "닭가슴살", "휴지", "세제", "샴푸", "치약",
         "칫솔", "건전지", "볼펜", "공책", "봉투", "쇼핑백", "아이스크림", "초콜릿", "과자", "맥주", "소주",
         "콜라", "사이다", "오렌지주스", "녹차", "보리차", "감기약", "소화제", "파스", "마스크", "반창고"]
NOUNS = ("회사 계약 고객 사업 정부 국가 사회 문제 경우 시간 사람 생각 정도 지역 관계 방법 결과 내용 "
         "자료 교육 학생 학교 선생님 부모 가족 아이 친구 마음 세계 경제 정책 시장 기업 제품 서비스 가격 "
         "비용 금액 세금 보험 은행 계좌 카드 현금 영수증 주문 배송 상품 품목 수량 단가 합계 부가세 할인 "
         "신청 접수 처리 확인 승인 취소 변경 등록 발급 제출 서류 증명서 신분증 주민등록 사업자 대표 "
         "담당자 부서 팀장 과장 대리 사원 회의 보고서 기획 예산 일정 목표 성과 평가 기술 개발 연구 "
         "분석 데이터 시스템 프로그램 컴퓨터 전화 주소 번호 날짜 기간 시작 종료 안내 공지 규정 조항 "
         "법률 제도 기관 위원회 대학교 병원 환자 의사 건강 치료 약국 날씨 하늘 바다 산 강 도시 마을 "
         "거리 건물 아파트 주택 토지 임대 보증금 월세 관리비 전기 가스 수도 요금 납부 연체 이자 대출 "
         "예금 적금 투자 주식 거래 매출 이익 손실 수입 지출 통장 내역 잔액 직원 근로 급여 수당 휴가 "
         "출장 교통 버스 지하철 기차 비행기 자동차 주차 사고 안전 환경 에너지 문화 역사 예술 음악 영화 "
         "책 신문 방송 뉴스 인터넷 홈페이지 이메일 문서 파일 사진 그림 글자 문장 단어 의견 질문 대답 "
         "이유 목적 조건 기준 방식 과정 단계 부분 전체 차이 변화 발전 증가 감소 영향 효과 가능성 필요 "
         "중요성 책임 권리 의무 자유 평화 봄 여름 가을 겨울 아침 점심 저녁 오늘 내일 어제 올해 작년").split()
VERB_STEMS = ("하 되 있 없 보 주 받 만들 알 모르 가 오 나오 들어가 생각하 말하 사용하 진행하 확인하 "
              "제공하 요청하 포함하 발생하 결정하 준비하 운영하 관리하 지원하 검토하 작성하 제출하 "
              "변경하 유지하 개선하 설명하 참여하 이용하 신청하 처리하 완료하 시작하 종료하 계획하").split()
ENDINGS = ["다", "습니다", "ㅂ니다", "어요", "었다", "었습니다", "는다", "고", "며", "지만", "어서", "면",
           "ㄹ 수 있다", "기로 했다", "도록 한다", "아야 한다", "는 것이다", "ㄴ다", "였다", "겠습니다"]
PARTICLES = ["은", "는", "이", "가", "을", "를", "의", "에", "에서", "으로", "로", "와", "과", "도", "만",
             "에게", "부터", "까지", "보다", "처럼", ""]
ADVERBS = "매우 가장 더 다시 이미 아직 함께 모두 특히 반드시 빨리 천천히 자주 항상 먼저 또한 그러나 그리고 따라서 즉".split()
EN_WORDS = ("total amount tax subtotal cash change card visa master receipt invoice date time item qty price "
            "unit discount payment balance due thank you store address tel phone no number order table "
            "server guest customer company limited sdn bhd road street avenue city name account bank "
            "the of and to in for with on at by from report form document page section contract").split()


def _attach(stem: str, ending: str) -> str:
    """Join a verb stem and an ending, merging the jamo-only endings (ㄴ, ㄹ, ㅂ) into the last syllable."""
    if ending and ending[0] in "ㄴㄹㅂ" and stem:
        last = ord(stem[-1]) - 0xAC00
        if 0 <= last < 11172 and last % 28 == 0:
            jong = {"ㄴ": 4, "ㄹ": 8, "ㅂ": 17}[ending[0]]
            return stem[:-1] + chr(0xAC00 + last + jong) + ending[1:]
        return stem + {"ㄴ": "는", "ㄹ": "을", "ㅂ": "습"}[ending[0]] + ending[1:]
    if ending.startswith(("어", "었", "아")) and stem.endswith("하"):
        return stem[:-1] + "해" + ending[1:] if ending[0] == "어" else stem[:-1] + "했" + ending[1:]
    return stem + ending


def random_syllables(rng: random.Random, n: int) -> str:
    hs = ks_x_1001_hangul()
    return "".join(rng.choice(hs) for _ in range(n))


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + (rng.choice(GIVEN) if rng.random() < 0.7 else random_syllables(rng, 2))


def date(rng: random.Random) -> str:
    y, m, d = rng.randint(1950, 2030), rng.randint(1, 12), rng.randint(1, 28)
    h, mi = rng.randint(0, 23), rng.randint(0, 59)
    return rng.choice([f"{y}-{m:02d}-{d:02d}", f"{y}.{m:02d}.{d:02d}", f"{y}년 {m}월 {d}일", f"{y}/{m:02d}/{d:02d}",
                       f"{y}.{m}.{d}.", f"{y}-{m:02d}-{d:02d} {h:02d}:{mi:02d}", f"{y}년 {m:02d}월 {d:02d}일 {h}시 {mi}분",
                       f"{m}/{d}", f"{y % 100:02d}.{m:02d}.{d:02d}", f"{d:02d}/{m:02d}/{y}"])


def amount(rng: random.Random) -> str:
    v = rng.choice([rng.randint(1, 99) * 100, rng.randint(1, 9999) * 10, rng.randint(1, 999999) * 10,
                    rng.randint(1, 99999999)])
    s = f"{v:,}"
    return rng.choice([s, s + "원", "₩" + s, "₩ " + s, s + " 원", "금 " + s + "원정", "-" + s, s + ".00",
                       f"{v / 100:,.2f}", f"RM {v / 100:.2f}", f"${v / 100:,.2f}"])


def phone(rng: random.Random) -> str:
    area = rng.choice(["010", "02", "031", "032", "051", "053", "042", "062", "064", "070", "1588", "080"])
    if area in ("1588",):
        return f"{area}-{rng.randint(0, 9999):04d}"
    mid = rng.randint(100, 9999)
    s = f"{area}-{mid}-{rng.randint(0, 9999):04d}"
    return rng.choice([s, "TEL " + s, "Tel. " + s, "전화 " + s, "Tel: " + s, "FAX " + s, "H.P " + s, s.replace("-", ")", 1)])


def business_number(rng: random.Random) -> str:
    s = f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10000, 99999)}"
    return rng.choice([s, "사업자번호 " + s, "사업자등록번호: " + s, "등록번호 " + s, "No. " + s])


def address(rng: random.Random) -> str:
    base = f"{rng.choice(SIDO)} {rng.choice(SIGUNGU)} {rng.choice(ROAD_STEMS)}{rng.choice(['로', '길', '대로'])}"
    if rng.random() < 0.4:
        base += f"{rng.randint(1, 99)}번길"
    base += f" {rng.randint(1, 999)}"
    if rng.random() < 0.5:
        base += rng.choice([f", {rng.randint(1, 30)}층", f" {rng.randint(101, 120)}동 {rng.randint(101, 2501)}호",
                            f" ({random_syllables(rng, 2)}동)", f" {rng.choice(NOUNS)}빌딩 {rng.randint(1, 12)}층"])
    return base


def number_line(rng: random.Random) -> str:
    k = rng.randint(0, 5)
    if k == 0:
        return " ".join(str(rng.randint(0, 99999)) for _ in range(rng.randint(1, 5)))
    if k == 1:
        return f"{rng.randint(0, 999999)}-{rng.randint(0, 9999999):07d}"  # id-like
    if k == 2:
        return f"{rng.uniform(0, 100):.1f}% {rng.choice(['증가', '감소', '달성', '할인'])}"
    if k == 3:
        return f"{rng.randint(-20, 40)}℃ {rng.randint(1, 99)}㎏ {rng.randint(1, 500)}㎡"
    if k == 4:
        return "".join(rng.choice(string.digits + string.ascii_uppercase) for _ in range(rng.randint(6, 16)))
    return f"제{rng.randint(1, 200)}조 {rng.choice('①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮')} {rng.choice(NOUNS)}"


def receipt_line(rng: random.Random) -> str:
    k = rng.randint(0, 9)
    if k <= 3:
        item = rng.choice(ITEMS) + (f"({rng.choice(['L', 'R', 'ICE', 'HOT', '대', '중', '소'])})" if rng.random() < 0.3 else "")
        q = rng.randint(1, 12)
        p = rng.randint(1, 300) * 100
        return rng.choice([f"{item} {q} {p:,} {p * q:,}", f"{item}  {q}개  {p * q:,}원", f"{item} x{q} {p * q:,}",
                           f"* {item} {p:,}"])
    if k == 4:
        return rng.choice(STORES) + rng.choice(["", f" {random_syllables(rng, 2)}점", " 본점", f" {rng.choice(SIGUNGU)}점"])
    if k == 5:
        return f"{rng.choice(['합계', '총액', '받을금액', '결제금액', '부가세', '과세물품', '면세물품', '할인', '거스름돈', '현금', '카드'])} {amount(rng)}"
    if k == 6:
        return f"{rng.choice(['승인번호', '카드번호', '거래번호', '주문번호', 'POS'])} {rng.randint(0, 99999999):08d}"
    if k == 7:
        return rng.choice(["※ 교환/환불은 영수증 지참 시 7일 이내 가능", "감사합니다. 또 오세요!", "[재발행]",
                           "*** 고객용 ***", "카드매출전표", "현금영수증(소득공제)", "포인트 적립 " + str(rng.randint(1, 9999)) + "P"])
    if k == 8:
        return f"{rng.choice(['대표', '대표자', '점주'])} {name(rng)} {business_number(rng)}"
    return f"{date(rng)} {rng.choice(['', 'POS:' + str(rng.randint(1, 9)), '계산원 ' + name(rng)])}".strip()


def prose(rng: random.Random, max_chars: int = 30) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < max_chars:
        r = rng.random()
        if r < 0.55:
            words.append(rng.choice(NOUNS) + rng.choice(PARTICLES))
        elif r < 0.75:
            words.append(_attach(rng.choice(VERB_STEMS), rng.choice(ENDINGS)).replace(" ", ""))
        elif r < 0.83:
            words.append(rng.choice(ADVERBS))
        elif r < 0.95:
            words.append(random_syllables(rng, rng.randint(1, 4)) + rng.choice(PARTICLES))  # rare syllables
        else:
            words.append(str(rng.randint(1, 2030)) + rng.choice(["년", "개", "명", "원", "%", "회", "", "일"]))
    s = " ".join(words)[:max_chars].rstrip()
    if rng.random() < 0.3:
        s += rng.choice([".", ",", "?", "!", ".", "…", ")", "」", "』"])
    if rng.random() < 0.1:
        s = rng.choice(["(", "「", "『", "※ ", "- ", "· ", "○ ", "■ ", "▶ ", "1. ", "가. "]) + s
    return s


def english(rng: random.Random, max_chars: int = 30) -> str:
    k = rng.randint(0, 3)
    if k == 0:
        words = [rng.choice(EN_WORDS) for _ in range(rng.randint(1, 6))]
        words = [w.upper() if rng.random() < 0.4 else w.capitalize() if rng.random() < 0.5 else w for w in words]
        s = " ".join(words)
    elif k == 1:
        s = f"{rng.choice(EN_WORDS).upper()} {rng.choice(['', ':', ' :'])} {amount(rng)}"
    elif k == 2:
        s = "".join(rng.choice(string.ascii_letters + string.digits + string.punctuation + "   ")
                    for _ in range(rng.randint(3, 24)))
    else:
        s = f"{rng.randint(1, 999)} Jalan {rng.choice(EN_WORDS).capitalize()}, {rng.randint(10000, 99999)} {rng.choice(EN_WORDS).upper()}"
    return s[:max_chars].strip() or "TOTAL"


GENERATORS = {
    "prose": (prose, 0.34), "receipt": (receipt_line, 0.16), "address": (address, 0.08), "name": (name, 0.04),
    "date": (date, 0.06), "amount": (amount, 0.05), "phone": (phone, 0.04), "business": (business_number, 0.03),
    "number": (number_line, 0.06), "english": (english, 0.10), "random": (lambda r: random_syllables(r, r.randint(2, 14)), 0.04),
}


def sample_text(rng: random.Random, kinds: list[str] | None = None, max_chars: int = 30) -> str:
    """One line of text from the mix of generators (or only ``kinds``)."""
    names = kinds or list(GENERATORS)
    weights = [GENERATORS[k][1] for k in names]
    kind = rng.choices(names, weights)[0]
    fn = GENERATORS[kind][0]
    text = fn(rng, max_chars) if kind in ("prose", "english") else fn(rng)
    text = " ".join(text.split())[:max_chars].strip()
    return text or "0"
