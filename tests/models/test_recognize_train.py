"""Training the recognizer: a step lowers the loss, checkpoints resume exactly, the job cancels."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from hanji.models.recognize.charset import korean_charset
from hanji.models.recognize.train import (
    TrainConfig,
    Trainer,
    export_from_checkpoint,
    ko_model_from_ppocr,
)
from hanji.models.weights import load_shipped, load_state
from hanji.synth.lines import LineSampler


@pytest.fixture(scope="module")
def ppocr_state():
    return load_shipped("ppocr_en_rec.pt")


def tiny_batch(seed: int, n: int = 2):
    return LineSampler(seed, kinds=["name", "date"], max_chars=6, strength=0.3).batch(n)


def test_head_starts_from_ppocr_rows(ppocr_state):
    net = ko_model_from_ppocr(ppocr_state)
    cs = korean_charset()
    src = {c: i + 1 for i, c in enumerate(ppocr_state["charset"])}
    j = cs.index("7") + 1
    assert torch.allclose(net.head.weight[j], ppocr_state["model"]["head.weight"][src["7"]].float())
    assert net.head.weight.shape[0] == len(cs) + 1


def test_training_steps_lower_the_loss(ppocr_state):
    torch.manual_seed(0)
    net = ko_model_from_ppocr(ppocr_state)
    tr = Trainer(TrainConfig(steps=100, warmup=1, lr=1e-3, head_lr=5e-3), net, korean_charset())
    batch = tiny_batch(1)
    losses = [tr.train_step(batch) for _ in range(6)]
    assert tr.step == 6
    assert losses[-1] < losses[0] * 0.8, losses


def test_checkpoint_resume_equals_an_uninterrupted_run(ppocr_state, tmp_path):
    def batches(step):
        return tiny_batch(100 + step)

    def trainer(steps):
        torch.manual_seed(0)
        return Trainer(TrainConfig(steps=steps, warmup=1, checkpoint_every_s=1e9), ko_model_from_ppocr(ppocr_state),
                       korean_charset())

    straight = trainer(3)
    straight.run(batches, tmp_path / "a")

    first = trainer(2)
    first.run(batches, tmp_path / "b")
    ckpt = load_state(tmp_path / "b" / "last.pt")
    assert ckpt["step"] == 2
    resumed = trainer(3)
    resumed.load(ckpt, tmp_path / "b" / "last.pt")
    resumed.run(batches, tmp_path / "b")
    assert resumed.step == 3
    a, b = straight.net.state_dict(), resumed.net.state_dict()
    for k in a:
        assert torch.allclose(a[k].float(), b[k].float(), atol=1e-6), k

    shipped = export_from_checkpoint(load_state(tmp_path / "b" / "last.pt"))
    assert shipped["model"]["head.weight"].dtype == torch.float16
    assert shipped["meta"]["step"] == 3 and "optimizer" not in shipped


def test_checkpoint_with_another_charset_is_refused(ppocr_state, tmp_path):
    from hanji.errors import HanjiError

    tr = Trainer(TrainConfig(), ko_model_from_ppocr(ppocr_state), korean_charset())
    state = tr.state()
    state["charset"] = state["charset"][:-1] + ["@@"]
    with pytest.raises(HanjiError, match="charset"):
        tr.load(state, tmp_path / "x.pt")


def test_job_runs_resumes_and_cancels(tmp_path):
    from hanji.jobs.base import Cancelled, CancelToken
    from hanji.jobs.train_recognizer import export_best, run
    from hanji.models.recognize import load_recognizer

    out = tmp_path / "run"
    logs = []
    res = run(out, steps=1, batch_size=2, eval_size=3, eval_every=1, threads=1, log=logs.append)
    assert res["step"] == 1 and (out / "last.pt").exists() and (out / "best.pt").exists()
    assert any("held-out CER" in m for m in logs)
    res = run(out, steps=2, batch_size=2, eval_size=0, resume=True, log=logs.append)
    assert res["step"] == 2 and any("resumed" in m for m in logs)

    token = CancelToken()
    seen = []

    def progress(done, total=None, message=""):
        seen.append(done)
        token.cancel()

    with pytest.raises(Cancelled):
        run(out, steps=10, batch_size=2, eval_size=0, resume=True, progress=progress, cancel=token, log=logs.append)
    assert seen == [3]
    assert load_state(out / "last.pt")["step"] == 3  # the cancelled run kept its work

    dest = export_best(out, tmp_path / "ko_rec.pt")
    rec = load_recognizer(path=dest, device="cpu")
    assert len(rec.charset) == len(korean_charset()) and rec.charset[:200] == korean_charset()[:200]
    img = np.asarray(tiny_batch(5, 1)[0][0])
    (text, score), = rec.predict([img])
    assert isinstance(text, str) and 0.0 <= score <= 1.0


def test_lines_from_a_project(tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    from hanji.domain.model import Region
    from hanji.jobs.train_recognizer import project_lines
    from hanji.store import ProjectStore
    from hanji.synth.fonts import korean_fonts

    im = Image.new("RGB", (400, 120), "white")
    font = ImageFont.truetype(str(korean_fonts()[0]), 28)
    ImageDraw.Draw(im).text((20, 20), "합계 12,000원", fill="black", font=font)
    path = tmp_path / "doc.png"
    im.save(path)
    store = ProjectStore.create(tmp_path / "p.hanji")
    doc, _ = store.add_image(path)
    store.add_regions(doc.id, [
        Region([(15, 15), (250, 15), (250, 60), (15, 60)], text="합계 12,000원", status="confirmed"),
        Region([(15, 70), (250, 70), (250, 110), (15, 110)], text="machine", status="machine", source="model"),
    ])
    store.close()
    lines = project_lines(tmp_path / "p.hanji", korean_charset())
    assert [t for _, t in lines] == ["합계 12,000원"]
    crop = lines[0][0]
    assert crop.shape[0] == 45 and crop.shape[1] == 235 and crop.dtype == np.uint8


def test_batches_do_not_depend_on_render_workers():
    from hanji.jobs.train_recognizer import GroupSource

    here, pool = GroupSource(3, 2, 0, []), GroupSource(3, 2, 0, [], workers=1)
    try:
        for step in (0, 1, 4, 9):
            a, b = here.batch(step), pool.batch(step)
            assert [t for _, t in a] == [t for _, t in b]
            assert all(np.array_equal(x, y) for (x, _), (y, _) in zip(a, b))
            widths = [img.shape[1] / img.shape[0] for img, _ in a]
            assert widths == sorted(widths)
    finally:
        pool.close()


def test_hard_share_of_the_print_lines_reaches_the_batches():
    """``hard`` draws that share of a batch's print-reality lines from the hard recipe; 0 changes nothing."""
    from hanji.jobs.train_recognizer import GroupSource, render_group

    plain = render_group((3, 0, 4, 0, 1.0))
    zero = render_group((3, 0, 4, 0, 1.0, 0.0))
    assert [t for _, t in zero] == [t for _, t in plain]
    assert all(np.array_equal(x, y) for (x, _), (y, _) in zip(zero, plain))
    hard = render_group((3, 0, 4, 0, 1.0, 1.0))
    assert len(hard) == len(plain)
    assert any(x.shape != y.shape or not np.array_equal(x, y) for (x, _), (y, _) in zip(hard, plain))
    src = GroupSource(3, 4, 0, [], realistic=1.0, hard=1.0)
    again = GroupSource(3, 4, 0, [], realistic=1.0, hard=1.0)
    a, b = src.batch(1), again.batch(1)
    assert all(np.array_equal(x, y) for (x, _), (y, _) in zip(a, b))
