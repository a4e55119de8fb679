"""Job: train the key-value tagger (``hanji train tagger [PROJECT]``).

Composes :mod:`hanji.synth.documents` (fake Korean documents) and a project's labelled documents with
:mod:`hanji.models.kie.train`. A project document counts when a person tagged its regions, or when it
has human key-values (SROIE's key files): those are found in the text and become tags. Synthetic
documents use the training fonts and templates only; the held-out ones are kept for the benchmark.
Reproducible from ``seed``; resumable from ``OUT.ckpt``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from hanji.domain.fields import tags_from_keyvalues
from hanji.domain.model import Region
from hanji.domain.order import reading_order
from hanji.domain.schemas import DOC_TYPES
from hanji.errors import HanjiError
from hanji.jobs.base import CancelToken, Progress, no_progress
from hanji.synth.documents import SYNTH_DOC_TYPES, make_document, templates
from hanji.synth.fonts import korean_fonts
from hanji.synth.lines import HELD_OUT_FONTS

JOB = "train_tagger"
EVAL_SEED = 777_000


def split_fonts(held_out: bool) -> list[Path]:
    return [p for p in korean_fonts() if (p.name in HELD_OUT_FONTS) == held_out]


def split_templates(doc_type: str, held_out: bool) -> list[int]:
    """The last template of each type is held out of training."""
    n = templates(doc_type)
    return [n - 1] if held_out else list(range(n - 1))


def synthetic_docs(n: int, seed: int, held_out: bool = False, doc_types: tuple[str, ...] | None = None,
                   progress: Progress = no_progress, cancel: CancelToken | None = None) -> list:
    """``n`` generated documents (as the tagger's token documents) per the training or held-out split,
    the types taking turns. Returns ``[(SynthDoc-less TokenDoc, SynthDoc fields)]`` as TokenDocs."""
    from hanji.models.kie.features import token_doc

    types = doc_types or SYNTH_DOC_TYPES
    fonts = split_fonts(held_out) or split_fonts(not held_out)
    out = []
    for i in range(n):
        if cancel is not None:
            cancel.check()
        dt = types[i % len(types)]
        r = random.Random(f"{seed}:{i}")
        doc = make_document(dt, seed * 100_000 + i, font=r.choice(fonts),
                            template=r.choice(split_templates(dt, held_out)))
        td = token_doc(doc.regions, doc_type=dt)
        td.fields = doc.fields
        out.append(td)
        if i % 50 == 0:
            progress(i, n, "generating documents")
    return out


def project_docs(store, doc_ids: list[int] | None = None) -> list:
    """Token documents of a project's labelled documents (tags by a person, or found from human
    key-values)."""
    from hanji.models.kie.features import token_doc

    out = []
    wanted = set(doc_ids) if doc_ids is not None else None
    for d in store.documents():
        if wanted is not None and d.id not in wanted:
            continue
        copies = labelled_regions(store, d.id)
        if copies:
            out.append(token_doc(copies, doc_type=d.doc_type or "document", ordered=True))
    return out


def labelled_regions(store, doc_id: int) -> list | None:
    """A document's text regions in reading order, as copies carrying the labelled BIO tags (tags a
    person set or confirmed, else found from human key-values); None when it has no such labels."""
    regions = [r for r in store.regions(doc_id) if r.text.strip()]
    if not regions:
        return None

    def labelled(r) -> bool:  # tags a person set or confirmed (not a model's proposal)
        return r.attrs.get("tags_source") != "machine" and len(r.tags) == len(r.text.split())

    tagged = any(t != "O" for r in regions if labelled(r) for t in r.tags)
    kvs = [kv for kv in store.keyvalues(doc_id) if kv.source != "machine" and kv.value.strip()]
    if not tagged and not kvs:
        return None
    order = reading_order([r.points for r in regions])
    ordered = [regions[i] for i in order]
    if tagged:
        tags = [r.tags if labelled(r) else ["O"] * len(r.text.split()) for r in ordered]
    else:
        tags = tags_from_keyvalues(ordered, kvs)
    return [Region(points=r.points, kind=r.kind, text=r.text, tags=t, status="confirmed")
            for r, t in zip(ordered, tags)]


def run(store, out_path: str | Path, steps: int = 3000, seed: int = 0, progress: Progress = no_progress,
        cancel: CancelToken | None = None, resume: bool = True, synthetic: bool | None = None,
        n_synthetic: int = 2400, doc_ids: list[int] | None = None, threads: int = 1, batch_size: int = 16,
        init: str | Path | None = None, config: dict | None = None, o_weight: float = 1.0, noise: float = 0.04,
        log=print) -> dict[str, Any]:
    """Train a tagger and save it to ``out_path``; returns ``{"out", "sha256", "steps", "loss", ...}``.

    ``store``: a ProjectStore whose labelled documents to train on, or None for generated documents
    only. ``synthetic``: add generated Korean documents (default: without a project, or when the
    project's labelled documents are of the Korean types). ``doc_ids``: only these project documents.
    ``init``: a tagger to start from (``shipped``: the shipped one); with other tags only its encoder.
    ``config``: model sizes (:class:`hanji.models.kie.tagger.TaggerConfig`); ``o_weight``: loss weight of
    the ``O`` tag (below 1 favours recall of the fields); ``noise``: share of tokens given an OCR-like slip.
    """
    from hanji.models.device import set_threads
    from hanji.models.kie.train import train
    from hanji.models.weights import load_shipped, load_state, save_state

    set_threads(threads)
    out_path = Path(out_path)
    docs = project_docs(store, doc_ids) if store is not None else []
    if store is not None and not docs:
        raise HanjiError("the project has no labelled documents to train on (tag some regions, or import "
                         "key-values)", getattr(store, "path", None))
    types = sorted({d.doc_type for d in docs})
    if synthetic is None:  # only when the project labels the Korean types with their own fields
        korean = {f for t in SYNTH_DOC_TYPES for f, _, _ in DOC_TYPES[t]}
        labels = {t[2:] for d in docs for t in (d.tags or []) if t != "O"}
        synthetic = store is None or (all(t in SYNTH_DOC_TYPES for t in types) and labels <= korean)
    n_project = len(docs)
    if synthetic:
        want = tuple(t for t in SYNTH_DOC_TYPES if store is None or t in types) or SYNTH_DOC_TYPES
        docs += synthetic_docs(n_synthetic, seed, held_out=False, doc_types=want, progress=progress, cancel=cancel)
    init_state = None
    if init is not None:
        init_state = load_shipped("kie_tagger_ko.pt") if str(init) == "shipped" else load_state(init)
    ckpt = out_path.with_name(out_path.name + ".ckpt")
    if store is not None and not store.readonly:
        store.save_job_state(JOB, "train", {"out": str(out_path), "steps": steps, "seed": seed, "done": False})
    model, state = train(docs, steps, seed=seed, batch_size=batch_size, checkpoint=ckpt, resume=resume,
                         progress=progress, cancel=cancel, init=init_state,
                         config={"numeric": True, **(config or {})}, o_weight=o_weight, noise=noise)
    state["trained_on"] = {"project_documents": n_project, "synthetic_documents": len(docs) - n_project,
                           "steps": steps, "seed": seed}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    digest = save_state(state, out_path)
    if store is not None and not store.readonly:
        store.save_job_state(JOB, "train", {"out": str(out_path), "steps": steps, "seed": seed, "done": True,
                                            "sha256": digest})
    res = {"out": str(out_path), "sha256": digest, "steps": steps, "loss": state.get("final_loss"),
           "project_documents": n_project, "synthetic_documents": len(docs) - n_project,
           "tags": len(state["config"]["tags"]), "doc_types": state["config"]["doc_types"]}
    log(f"tagger saved to {out_path} ({n_project} project + {len(docs) - n_project} generated documents)")
    return res
