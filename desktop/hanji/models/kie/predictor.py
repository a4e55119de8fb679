"""Using a trained tagger: document type and BIO tags (with per-token confidence) for a list of regions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from hanji.domain import Region
from hanji.models.kie.features import collate, doc_arrays, token_doc
from hanji.models.kie.tagger import Tagger, transitions, viterbi
from hanji.models.weights import load_shipped, load_state

SHIPPED = "kie_tagger_ko.pt"


@dataclass
class KiePrediction:
    doc_type: str
    type_scores: dict[str, float]
    order: list[int]  # indices of the input regions in reading order
    tags: list[list[str]]  # per input region (input order), one tag per whitespace token
    scores: list[list[float]]  # per input region, the probability of each chosen tag
    tag_names: list[str] | None = None
    probs: list[list[list[float]]] | None = None  # per input region, per token, the probability of every tag


class KiePredictor:
    def __init__(self, state: dict):
        self.model = Tagger.from_state(state).eval()
        self.tags = list(self.model.cfg.tags)
        self.doc_types = list(self.model.cfg.doc_types)
        self.type_fields: dict[str, list[str]] = dict(state.get("type_fields") or {})
        self._allowed = transitions(self.tags)

    @classmethod
    def load(cls, path: str | Path | None = None) -> KiePredictor:
        """The tagger at ``path``, or the shipped Korean one."""
        return cls(load_shipped(SHIPPED) if path is None else load_state(path))

    @torch.no_grad()
    def predict(self, regions: list[Region], doc_type: str | None = None, ordered: bool = False) -> KiePrediction:
        """Tags for ``regions``. ``doc_type``: force the type (only its fields are tagged) instead of
        classifying; ``ordered``: the regions are in reading order already."""
        doc = token_doc(regions, with_tags=False, ordered=ordered)
        n_cfg = self.model.cfg.max_tokens
        all_logp: list[torch.Tensor] = []
        type_logits = None
        for a in range(0, max(1, len(doc)), n_cfg):
            part = doc if len(doc) <= n_cfg else _slice(doc, a, a + n_cfg)
            xs, _ = collate([doc_arrays(part, self.model.cfg.numeric)], max_tokens=n_cfg)
            tl, ty = self.model(**xs)
            all_logp.append(torch.log_softmax(tl[0, : len(part)], -1))
            type_logits = ty[0] if type_logits is None else type_logits + ty[0]
        logp = torch.cat(all_logp) if all_logp else torch.zeros(0, len(self.tags))
        probs = torch.softmax(type_logits, -1) if type_logits is not None else torch.ones(1)
        type_scores = {t: float(p) for t, p in zip(self.doc_types, probs)}
        chosen = doc_type if doc_type else (max(type_scores, key=type_scores.get) if type_scores else "")
        fields = self.type_fields.get(chosen)
        if fields is not None and len(logp):
            keep = torch.tensor([t == "O" or t[2:] in fields for t in self.tags])
            logp = logp.masked_fill(~keep, -1e9)
        path = viterbi(logp, self._allowed) if len(logp) else []
        tags: list[list[str]] = [[] for _ in regions]
        scores: list[list[float]] = [[] for _ in regions]
        probs: list[list[list[float]]] = [[] for _ in regions]
        p_all = logp.exp()
        for i, k in enumerate(path):
            r = doc.region_of[i]
            tags[r].append(self.tags[k])
            scores[r].append(float(p_all[i, k]))
            probs[r].append([round(float(x), 5) for x in p_all[i]])
        for i, reg in enumerate(regions):  # regions without tokens keep empty lists
            if len(tags[i]) != len(reg.text.split()):
                tags[i] = ["O"] * len(reg.text.split())
                scores[i] = [1.0] * len(tags[i])
                probs[i] = [[1.0 if t == "O" else 0.0 for t in self.tags] for _ in tags[i]]
        return KiePrediction(chosen, type_scores, list(doc.order), tags, scores, list(self.tags), probs)

    def fields_of(self, doc_type: str) -> list[str]:
        """The fields this tagger learned for ``doc_type``."""
        return list(self.type_fields.get(doc_type, []))


def _slice(doc, a: int, b: int):
    from hanji.models.kie.features import TokenDoc

    return TokenDoc(doc.tokens[a:b], doc.boxes[a:b], doc.region_of[a:b], doc.region_feats[a:b], None,
                    doc.doc_type, doc.order)
