"""Fake but realistic Korean documents rendered with real fonts, with their ground truth.

``make_document(doc_type, seed)`` draws a receipt, a 주민등록증-style ID card, a 사업자등록증-style
certificate or a credit card and returns a :class:`SynthDoc`: the image, one Region per drawn text
line (quad in image pixels, exact text, field label, BIO tags per whitespace token), the document's
key-values and label -> value links (indices into ``regions``). Every name, address and number is
made up; numbers carry valid check digits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from hanji.domain import KeyValue, Link, Region
from hanji.synth import cards, certificate, receipt
from hanji.synth.fonts import korean_fonts
from hanji.synth.page import finish

# doc type -> (builder, number of templates)
BUILDERS = {
    "receipt": (receipt.receipt, receipt.TEMPLATES),
    "id_card": (cards.id_card, cards.ID_TEMPLATES),
    "business_registration": (certificate.business_registration, certificate.TEMPLATES),
    "credit_card": (cards.credit_card, cards.CARD_TEMPLATES),
}
SYNTH_DOC_TYPES = tuple(BUILDERS)
# fonts that look like handwriting or are decorative: used rarely (they are hard to read on a receipt)
RARE_FONTS = ("UnPilgi", "UnGungseo", "UnPilgiBold")


@dataclass
class SynthDoc:
    image: Image.Image
    doc_type: str
    regions: list[Region]
    keyvalues: list[KeyValue]
    links: list[Link] = field(default_factory=list)  # src/dst index ``regions``
    font: Path | None = None
    template: int = 0
    seed: int = 0

    @property
    def fields(self) -> dict[str, list[str]]:
        """Field -> values (a receipt has one value per item for the item fields)."""
        out: dict[str, list[str]] = {}
        for kv in self.keyvalues:
            out.setdefault(kv.key, []).append(kv.value)
        return out


def templates(doc_type: str) -> int:
    return BUILDERS[doc_type][1]


def make_document(doc_type: str, seed: int, font: Path | None = None, template: int | None = None,
                  augment: bool = True) -> SynthDoc:
    """A fake ``doc_type`` document; the same arguments give the same document.

    ``font``: a font file (default: chosen by ``seed`` among :func:`korean_fonts`); ``template``:
    which layout (default: chosen by ``seed``); ``augment``: slight rotation, blur, noise, backdrop.
    """
    if doc_type not in BUILDERS:
        raise ValueError(f"unknown document type {doc_type!r}; choose one of {list(BUILDERS)}")
    build, n = BUILDERS[doc_type]
    r = random.Random(f"{doc_type}:{seed}")
    if font is None:
        fonts = korean_fonts()
        common = [f for f in fonts if f.stem not in RARE_FONTS] or fonts
        font = r.choice(fonts if r.random() < 0.05 else common)
    if template is None:
        template = r.randrange(n)
    if not 0 <= template < n:
        raise ValueError(f"{doc_type} has templates 0..{n - 1}, got {template}")
    page, opts = build(r, Path(font), template)
    if augment:
        angle = r.uniform(-2.0, 2.0) if r.random() < 0.6 else 0.0
        margin = r.choice([0, 0, 10, 24])
        backdrop = (r.randint(90, 200), r.randint(90, 200), r.randint(90, 200))
        img = finish(page, r, angle=angle, margin=margin, backdrop=backdrop,
                     blur=r.choice([0, 0, 0.4, 0.7]), noise=r.choice([0, 0, 4, 8]), **opts)
    else:
        img = finish(page, r, **opts)
    for i, reg in enumerate(page.regions):
        reg.order = i
    return SynthDoc(image=img, doc_type=doc_type, regions=page.regions, keyvalues=page.keyvalues, links=page.links,
                    font=Path(font), template=template, seed=seed)
