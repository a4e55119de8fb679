"""The tagger learns (a training step lowers the loss on a tiny set), saves and resumes, and the
shipped tagger classifies and tags generated documents."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from hanji.domain import Region  # noqa: E402
from hanji.models.kie.features import token_doc  # noqa: E402
from hanji.models.kie.tagger import transitions, viterbi  # noqa: E402
from hanji.models.kie.train import batch_tensors, loss_of, tag_vocab, train  # noqa: E402
from hanji.synth.documents import make_document  # noqa: E402
from hanji.synth.fonts import shipped_fonts  # noqa: E402

pytestmark = pytest.mark.usefixtures("one_torch_thread")


TINY = {"dim": 32, "layers": 1, "heads": 2, "char_dim": 16, "char_channels": 32}


def _docs(n=6):
    font = shipped_fonts()[0]
    types = ["receipt", "id_card", "credit_card"]
    return [token_doc(make_document(types[i % 3], i, font=font).regions, doc_type=types[i % 3]) for i in range(n)]


def test_training_steps_lower_the_loss():
    torch.manual_seed(0)
    docs = _docs(4)
    tags, types, _ = tag_vocab(docs)
    assert "B-store_name" in tags and "B-resident_number" in tags and types == ["credit_card", "id_card", "receipt"]
    from hanji.models.kie.tagger import Tagger, TaggerConfig

    model = Tagger(TaggerConfig(tags, types, dropout=0.0, **TINY))
    xs, y, yt = batch_tensors(docs, tags, types)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    before = float(loss_of(model, xs, y, yt).detach())
    for _ in range(10):
        opt.zero_grad()
        loss = loss_of(model, xs, y, yt)
        loss.backward()
        opt.step()
    after = float(loss_of(model, xs, y, yt).detach())
    assert after < before * 0.8


class _StopAfter:
    def __init__(self, n):
        self.n = n

    def check(self):
        self.n -= 1
        if self.n < 0:
            raise KeyboardInterrupt


def test_train_is_reproducible_and_resumes(tmp_path):
    docs = _docs(3)
    _, a = train(docs, 6, seed=1, batch_size=2, checkpoint=tmp_path / "a.ckpt", config=TINY)
    _, b = train(docs, 6, seed=1, batch_size=2, checkpoint=tmp_path / "b.ckpt", config=TINY)
    ck = tmp_path / "c.ckpt"
    with pytest.raises(KeyboardInterrupt):  # interrupted after 3 steps: the checkpoint is saved first
        train(docs, 6, seed=1, batch_size=2, checkpoint=ck, config=TINY, cancel=_StopAfter(3))
    assert torch.load(ck, weights_only=True)["step"] == 3
    _, c = train(docs, 6, seed=1, batch_size=2, checkpoint=ck, config=TINY)
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
        assert torch.allclose(a["model"][k], c["model"][k], atol=1e-6), k


def test_viterbi_never_starts_a_span_with_I():
    tags = ["O", "B-total", "I-total", "B-date", "I-date"]
    allowed = transitions(tags)
    logp = torch.log(torch.tensor([[0.1, 0.1, 0.6, 0.1, 0.1], [0.1, 0.1, 0.6, 0.1, 0.1],
                                   [0.1, 0.1, 0.1, 0.1, 0.6]]))
    path = [tags[i] for i in viterbi(logp, allowed)]
    assert path[0] != "I-total" and path[2] != "I-date" or path[1] == "B-date"
    from hanji.domain.bio import invalid_positions

    assert invalid_positions(path) == []


@pytest.fixture(scope="module")
def shipped():
    from hanji.models.kie.predictor import KiePredictor
    from hanji.models.weights import manifest

    if "kie_tagger_ko.pt" not in manifest():
        pytest.skip("no shipped tagger")
    return KiePredictor.load()


def test_shipped_tagger_classifies_generated_documents(shipped):
    font = shipped_fonts()[0]
    right = 0
    cases = [(t, s) for t in ("receipt", "id_card", "business_registration", "credit_card") for s in (501, 502)]
    for dt, seed in cases:
        doc = make_document(dt, seed, font=font)
        right += shipped.predict(doc.regions).doc_type == dt
    assert right >= len(cases) - 1


def test_shipped_tagger_finds_fields(shipped):
    from hanji.jobs.extract import extract_regions

    doc = make_document("id_card", 77, font=shipped_fonts()[0], template=0)
    res = extract_regions(doc.regions, "auto", shipped)
    assert res["doc_type"] == "id_card"
    gold = doc.fields
    assert res["fields"].get("resident_number") == gold["resident_number"][0]
    assert res["fields"].get("name") == gold["name"][0]
    assert all(isinstance(r["key"], str) for r in res["regions"])


def test_region_without_text_is_ignored(shipped):
    regs = [Region(points=[(0, 0), (10, 0), (10, 10), (0, 10)], text="")]
    from hanji.jobs.extract import extract_regions

    res = extract_regions(regs, "receipt", shipped)
    assert res["fields"] == {} and res["regions"] == []


def test_numeric_features_mark_the_largest_amount():
    from hanji.models.kie.features import doc_arrays, numeric_features

    regs = [Region(points=[(0, y), (100, y), (100, y + 10), (0, y + 10)], text=t)
            for y, t in ((0, "김밥 2,000"), (20, "라면 3,500"), (40, "합계 5,500"), (60, "카드 5,500"))]
    doc = token_doc(regs)
    feats = numeric_features(doc)
    by_tok = dict(zip(range(len(doc.tokens)), feats))
    assert by_tok[0] == [0.0, 0.0, 0.0]  # 김밥
    assert by_tok[1][0] == pytest.approx(2000 / 5500) and by_tok[1][1] == 0.0
    assert by_tok[5][1:] == [1.0, 0.0] and by_tok[7][1:] == [1.0, 1.0]
    assert len(doc_arrays(doc, numeric=True)["shape"][0]) == len(doc_arrays(doc)["shape"][0]) + 3
