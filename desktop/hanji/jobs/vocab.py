"""A project's field vocabulary (:mod:`hanji.domain.vocab`), built from the key-values a person set
or confirmed (every key-value whose source is not ``"machine"``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hanji.domain import KeyValue
from hanji.domain.vocab import Vocabulary, build_vocabulary, correct_value


def project_vocabulary(store, doc_ids: Iterable[int] | None = None, min_count: int = 2,
                       min_length: int = 4) -> Vocabulary:
    """The vocabulary of the confirmed key-values of ``doc_ids`` (default: every document)."""
    ids = [d.id for d in store.documents()] if doc_ids is None else list(doc_ids)
    pairs = [(kv.key, kv.value) for i in ids for kv in store.keyvalues(i) if kv.source != "machine"]
    return build_vocabulary(pairs, min_count=min_count, min_length=min_length)


def correct_keyvalues(kvs: list[KeyValue], vocab) -> list[dict[str, Any]]:
    """The values of ``kvs`` corrected against ``vocab`` in place; what changed, one entry per
    key-value changed: ``{"key", "read", "value", "words": [[before, after], ...]}``."""
    out = []
    for kv in kvs:
        new, fixes = correct_value(kv.key, kv.value, vocab)
        if fixes:
            out.append({"key": kv.key, "read": kv.value, "value": new, "words": [[f.before, f.after] for f in fixes]})
            kv.value = new
    return out


def corrected_regions(res: dict[str, Any]) -> dict[int, list[dict[str, str]]]:
    """For an :func:`hanji.jobs.extract.extract_regions` result: region id -> the corrections
    (``{"key", "read", "value"}``) of the words it holds, on the regions of a corrected key-value
    whose text holds a word as read (else on its first region)."""
    kv_of = {(kv.key, kv.value): kv for kv in res["keyvalues"]}
    text = {r.id: r.text for r in res["ordered"]}
    out: dict[int, list[dict[str, str]]] = {}
    for c in res["corrections"]:
        kv = kv_of.get((c["key"], c["value"]))
        if kv is None or not kv.region_ids:
            continue
        ids = [i for i in kv.region_ids if any(b in text.get(i, "") for b, _ in c["words"])] or kv.region_ids[:1]
        for i in ids:
            out.setdefault(i, []).append({"key": c["key"], "read": c["read"], "value": c["value"]})
    return out
