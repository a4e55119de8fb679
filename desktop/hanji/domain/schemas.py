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
        ("representative", "대표자", True), ("tax_free", "면세", False), ("discount", "할인", False),
        ("card_kind", "카드종류", False), ("installment", "할부", False), ("transaction_number", "거래번호", False),
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
        ("issuer", "발급기관", False),
    ],
    "credit_card": [
        ("card_number", "카드번호", True), ("expiry", "유효기간", False), ("holder", "소유자", True),
        ("issuer", "카드사", False), ("network", "브랜드", False),
    ],
    "funsd": [("question", "question", False), ("answer", "answer", False), ("header", "header", False),
              ("other", "other", False)],
    "sroie": [("company", "company", False), ("date", "date", False), ("address", "address", False),
              ("total", "total", False)],
}

# colour-blind-safe colours, the most distinct first: Okabe & Ito's eight (black left out), then Paul
# Tol's muted, light, vibrant and high/medium-contrast sets (https://personal.sron.nl/~pault/). No two
# entity types of a schema share a colour while the list lasts.
PALETTE = ["#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
           "#cc6677", "#332288", "#ddcc77", "#117733", "#88ccee", "#882255", "#44aa99", "#999933", "#aa4499",
           "#77aadd", "#ee8866", "#eedd88", "#ffaabb", "#99ddff", "#44bb99", "#bbcc33", "#aaaa00",
           "#ee7733", "#0077bb", "#33bbee", "#ee3377", "#cc3311", "#009988", "#bbbbbb",
           "#004488", "#ddaa33", "#bb5566", "#6699cc", "#eecc66", "#994455", "#997700", "#ee99aa"]
KEYS = "123456789qwertyuiopasdfghjklzxcvbnm"

# English display names of the fields (the titles above are Korean): the UI shows the one in its language
TITLES_EN: dict[str, str] = {
    "store_name": "Store name", "business_number": "Business no.", "address": "Address", "phone": "Phone",
    "date": "Date", "time": "Time", "item_name": "Item", "item_quantity": "Quantity",
    "item_unit_price": "Unit price", "item_amount": "Amount", "subtotal": "Subtotal", "tax": "VAT",
    "total": "Total", "card_number": "Card number", "approval_number": "Approval no.", "name": "Name",
    "resident_number": "Resident reg. no.", "issue_date": "Issue date", "issuer": "Issuer",
    "trade_name": "Trade name", "representative": "Representative", "registration_number": "Registration no.",
    "corporate_number": "Corporate reg. no.", "opening_date": "Opening date", "business_address": "Business address",
    "business_type": "Business type", "business_item": "Business item", "expiry": "Expiry", "holder": "Card holder",
    "tax_free": "Tax-free", "discount": "Discount", "card_kind": "Card type", "installment": "Instalments",
    "transaction_number": "Transaction no.", "network": "Card network",
    "company": "Company", "question": "Question", "answer": "Answer", "header": "Header", "other": "Other",
}
DOC_TYPE_TITLES: dict[str, tuple[str, str]] = {  # Korean, English
    "receipt": ("영수증", "Receipt"), "id_card": ("주민등록증", "ID card"),
    "business_registration": ("사업자등록증", "Business registration"), "credit_card": ("신용카드", "Credit card"),
    "funsd": ("FUNSD 서식", "FUNSD form"), "sroie": ("SROIE 영수증", "SROIE receipt"),
}
SCHEMAS = ["default", "receipt", "id_card", "business_registration", "credit_card", "funsd", "sroie", "none"]


def doc_types_of(e: EntityType) -> list[str]:
    """The document types an entity type belongs to (``doc_type`` may list several, comma-separated);
    empty: every type."""
    return [t.strip() for t in e.doc_type.split(",") if t.strip()]


def applies_to(e: EntityType, doc_type: str) -> bool:
    """Whether ``e`` is offered on a document of ``doc_type`` ('' or unknown types: every entity)."""
    types = doc_types_of(e)
    return not doc_type or not types or doc_type in types


def types_for(entity_types: list[EntityType], doc_type: str) -> list[EntityType]:
    """The entity types a document of ``doc_type`` offers, in schema order; a type no entity names
    (or none) offers them all."""
    if doc_type and not any(doc_type in doc_types_of(e) for e in entity_types):
        return list(entity_types)
    return [e for e in entity_types if applies_to(e, doc_type)]


def display_name(name: str, title: str = "", lang: str = "en") -> str:
    """What the UI calls a field or entity: its title in Korean, the English name in English (a title
    a person gave it, the schema's title when it is not Hangul, else the id made readable)."""
    if lang == "ko":
        return title or TITLES_EN.get(name, name)
    defaults = {t for fields in DOC_TYPES.values() for f, t, _ in fields if f == name}
    if title and defaults and title not in defaults:
        return title  # renamed in the project's schema: the person's name for it
    if name in TITLES_EN:
        return TITLES_EN[name]
    if title and not any("\uac00" <= ch <= "\ud7a3" for ch in title):
        return title
    return name.replace("_", " ").capitalize() if name.islower() else name


def doc_type_name(doc_type: str, lang: str = "en") -> str:
    t = DOC_TYPE_TITLES.get(doc_type)
    if t is None:
        return doc_type
    return t[0] if lang == "ko" else t[1]


def _first_free(options: str | list[str], taken: set[str]) -> str:
    return next((o for o in options if o not in taken), "")


def schema_entity_types(name: str = "default") -> list[EntityType]:
    """The entity types a new project starts with.

    ``default``: the union of the Korean document types' fields; ``funsd``/``sroie``: those datasets'
    labels; a document type's name: its fields; ``none``: no types. Each type gets a colour of its own
    (``PALETTE``, colour-blind safe) and a key (1-9, then letters) that no other type of the same
    document type has; a field of several document types lists them all in ``doc_type``.
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
    types_of: dict[str, list[str]] = {}
    for dt in doc_types:
        for fname, title, personal in DOC_TYPES[dt]:
            if fname not in seen:
                seen[fname] = EntityType(name=fname, title=title, personal=personal)
            types_of.setdefault(fname, []).append(dt)
    fields_of = {dt: [f for f, _, _ in DOC_TYPES[dt]] for dt in doc_types}
    for i, e in enumerate(seen.values()):
        # a key no field sharing a document type with it has (keys follow the document type)
        taken = {seen[f].key for dt in types_of[e.name] for f in fields_of[dt] if f in seen and seen[f].key}
        e.key = _first_free(KEYS, taken)
        e.color = PALETTE[i] if i < len(PALETTE) else _first_free(
            PALETTE, {seen[f].color for dt in types_of[e.name] for f in fields_of[dt] if seen[f].color})
        e.doc_type = ",".join(types_of[e.name]) if len(doc_types) > 1 else ""
    return list(seen.values())


def _shares_a_type(a: EntityType, b: EntityType) -> bool:
    ta, tb = doc_types_of(a), doc_types_of(b)
    return not ta or not tb or bool(set(ta) & set(tb))


def schema_clashes(types: list[EntityType]) -> list[str]:
    """The entity types with no key, or with a key or colour another type of the same document type
    has (a project made before keys and colours followed the document type)."""
    bad = []
    for i, e in enumerate(types):
        others = [o for j, o in enumerate(types) if j != i and _shares_a_type(e, o)]
        if not e.key or any(o.key.lower() == e.key.lower() for o in others if o.key) or \
                any(o.color.lower() == e.color.lower() for o in others):
            bad.append(e.name)
    return bad


def fill_keys_and_colours(types: list[EntityType]) -> list[EntityType]:
    """Copies of ``types`` in which every type has a key and a colour no other type of its document type
    has; a type whose own key and colour are already its alone keeps them."""
    out = [EntityType(**vars(e)) for e in types]
    bad = set(schema_clashes(out))
    for e in out:  # the clashing ones lose theirs first, in order, then get free ones
        if e.name in bad:
            others = [o for o in out if o is not e and _shares_a_type(e, o)]
            if not e.key or any(o.key.lower() == e.key.lower() for o in others if o.key and o.name not in bad):
                e.key = ""
            if any(o.color.lower() == e.color.lower() for o in others if o.name not in bad):
                e.color = ""
    for e in out:
        if e.name in bad:
            others = [o for o in out if o is not e and _shares_a_type(e, o)]
            if not e.key or any(o.key.lower() == e.key.lower() for o in others if o.key):
                e.key = _first_free(KEYS, {o.key.lower() for o in others if o.key})
            if not e.color or any(o.color.lower() == e.color.lower() for o in others if o.color):
                used = {o.color.lower() for o in out if o is not e and o.color}
                e.color = _first_free(PALETTE, used) or _first_free(
                    PALETTE, {o.color.lower() for o in others if o.color}) or e.color or PALETTE[0]
    return out
