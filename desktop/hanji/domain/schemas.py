"""Document types and their fields: the default label schema of a project (editable per project)."""

from __future__ import annotations

from hanji.domain.model import EntityType

# doc type -> [(field name, Korean/English title, personal data?)]
DOC_TYPES: dict[str, list[tuple[str, str, bool]]] = {
    "receipt": [
        ("store_name", "상호", False), ("business_number", "사업자번호", False), ("address", "주소", False),
        ("phone", "전화", False), ("date", "날짜", False), ("time", "시간", False),
        ("item_name", "품명", False), ("item_quantity", "수량", False), ("item_unit_price", "단가", False),
        ("item_amount", "금액", False), ("subtotal", "소계", False), ("tax", "부가세", False),
        ("total", "합계", False), ("card_number", "카드번호", True), ("approval_number", "승인번호", False),
    ],
    "id_card": [
        ("name", "성명", True), ("resident_number", "주민등록번호", True), ("address", "주소", True),
        ("issue_date", "발급일", False), ("issuer", "발급기관", False),
    ],
    "business_registration": [
        ("trade_name", "상호", False), ("representative", "대표자", True),
        ("registration_number", "등록번호", False), ("corporate_number", "법인등록번호", False),
        ("opening_date", "개업연월일", False), ("business_address", "사업장소재지", False),
        ("business_type", "업태", False), ("business_item", "종목", False), ("issue_date", "발급일", False),
    ],
    "credit_card": [
        ("card_number", "카드번호", True), ("expiry", "유효기간", False), ("holder", "소유자", True),
        ("issuer", "카드사", False),
    ],
    "funsd": [("question", "question", False), ("answer", "answer", False), ("header", "header", False),
              ("other", "other", False)],
    "sroie": [("company", "company", False), ("date", "date", False), ("address", "address", False),
              ("total", "total", False)],
}

PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45",
           "#fabed4", "#469990", "#dcbeff", "#9a6324", "#800000", "#aaffc3", "#808000", "#000075",
           "#a9a9a9", "#ffd8b1"]
KEYS = "123456789qwertyuiop"


def schema_entity_types(name: str = "default") -> list[EntityType]:
    """The entity types a new project starts with.

    ``default``: the union of the Korean document types' fields; ``funsd``/``sroie``: those datasets'
    labels; ``none``: no types. Each type gets a colour and a key (1-9, then letters).
    """
    if name == "none":
        return []
    if name in ("funsd", "sroie"):
        doc_types = [name]
    elif name == "default":
        doc_types = ["receipt", "id_card", "business_registration", "credit_card"]
    elif name in DOC_TYPES:
        doc_types = [name]
    else:
        raise ValueError(f"unknown schema {name!r}; choose default, funsd, sroie, none or one of {list(DOC_TYPES)}")
    seen: dict[str, EntityType] = {}
    for dt in doc_types:
        for fname, title, personal in DOC_TYPES[dt]:
            if fname in seen:
                seen[fname].doc_type = ""
                continue
            i = len(seen)
            seen[fname] = EntityType(name=fname, color=PALETTE[i % len(PALETTE)],
                                     key=KEYS[i] if i < len(KEYS) else "", title=title, personal=personal,
                                     doc_type=dt if len(doc_types) > 1 else "")
    return list(seen.values())
