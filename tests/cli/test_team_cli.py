"""``hanji review`` and ``hanji agreement`` (issue 21) on a SQLite project, with ``--user``."""

from __future__ import annotations

import json
import shutil

from hanji.cli import main
from hanji.domain.model import Region
from hanji.store import ProjectStore
from helpers import png_bytes


def _last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _new(tmp_path, n=3):
    p = tmp_path / "p.hanji"
    assert main(["new", str(p), "--schema", "none"]) == 0
    with ProjectStore.open(p) as store:
        for i in range(n):
            store.add_image_bytes(f"d{i}.png", png_bytes(60 + i, 30))
    return p


def test_one_person_reviews_their_own_work(tmp_path, capsys):
    p = _new(tmp_path)
    with ProjectStore.open(p) as store:
        store.user = "kim"
        rid = store.add_region(1, Region(points=[(0, 0), (20, 0), (20, 10), (0, 10)], text="가")).id
    assert main(["review", str(p), "--submit", "d0.png", "--user", "kim", "--json"]) == 0
    got = _last_json(capsys)
    assert [(q["id"], q["state"], q["labeler"]) for q in got["queue"]] == [(1, "labelled", "kim")]
    assert got["did"] == {"action": "submit", "id": 1, "name": "d0.png", "state": "labelled", "user": "kim"}
    assert main(["review", str(p), "--reject", "1", "--comment", "가 → 각", "--region", str(rid), "--user", "kim",
                 "--json"]) == 0
    got = _last_json(capsys)
    assert got["queue"] == [] and got["states"] == {"rejected": 1, "to_label": 2}
    assert [(c["comment"], c["region_id"]) for c in got["returned"][0]["comments"]] == [("가 → 각", rid)]
    assert main(["review", str(p), "--reject", "d1.png", "--user", "kim"]) == 1
    assert "needs --comment" in capsys.readouterr().err
    assert main(["review", str(p), "--accept", "d1.png"]) == 1
    assert "'d1.png' is to label; only a document labelled or in review can be accepted" in capsys.readouterr().err
    assert main(["review", str(p), "--submit", "d0.png", "--user", "kim"]) == 0
    assert main(["review", str(p), "--accept", "d0.png", "--user", "kim"]) == 0
    capsys.readouterr()
    assert main(["review", str(p), "--json"]) == 0
    assert _last_json(capsys)["states"] == {"accepted": 1, "to_label": 2}
    assert main(["stats", str(p), "--json"]) == 0
    kim = next(x for x in _last_json(capsys)["people"] if x["user"] == "kim")
    assert (kim["edits"], kim["submitted"], kim["reviewed"], kim["rejected"], kim["rejection_rate"]) == (1, 2, 2, 1, 0.5)


def test_agreement_with_a_labelers_copy(tmp_path, capsys):
    p = _new(tmp_path, n=20)
    assert main(["agreement", str(p), "--share", "0.1", "--labelers", "ann,bob", "--json", "--user", "lead"]) == 0
    got = _last_json(capsys)
    assert got["share"]["assigned"] == 2 and got["given"] == 2 and len(got["waiting_for_versions"]) == 2
    copy = tmp_path / "bob.hanji"
    shutil.copy(p, copy)  # bob labels in his own copy
    with ProjectStore.open(p) as store:
        given = sorted(store.assignments())
        store.user = "ann"
        for d in given:
            store.add_region(d, Region(points=[(0, 0), (40, 0), (40, 10), (0, 10)], text="서울"))
            assert store.submit(d) == "to_label"  # back, blank, for bob
    with ProjectStore.open(copy) as store:
        store.user = "bob"
        for k, d in enumerate(given):
            text = "서울" if k == 0 else "서을"  # the second document differs
            store.add_region(d, Region(points=[(0, 0), (40, 0), (40, 10), (0, 10)], text=text))
    assert main(["agreement", str(p), "--from", str(copy), "--labeler", "bob", "--json", "--user", "lead"]) == 0
    got = _last_json(capsys)
    assert got["versions_brought"] == 2 and got["sent_to_review"] == [given[1]]
    assert got["pairs"][0]["labelers"] == ["ann", "bob"] and got["pairs"][0]["cer"] == 0.25
    assert main(["review", str(p), "--json"]) == 0
    assert [q["id"] for q in _last_json(capsys)["queue"]] == [given[1]]
    assert main(["review", str(p), "--pick", str(given[1]), "--version-of", "ann", "--user", "lead"]) == 0
    with ProjectStore.open(p, readonly=True) as store:
        assert [r.text for r in store.regions(given[1])] == ["서울"]
    assert main(["agreement", str(p)]) == 0
    assert "ann / bob: 2 documents, 1 disagree" in capsys.readouterr().out


def test_agreement_bad_input_is_one_clear_message(tmp_path, capsys):
    p = _new(tmp_path, n=2)
    assert main(["agreement", str(p), "--share", "2", "--labelers", "a,b"]) == 1
    assert "the share is a fraction above 0 and at most 1" in capsys.readouterr().err
    assert main(["agreement", str(p), "--share", "0.5", "--labelers", "a"]) == 1
    assert "at least two labelers" in capsys.readouterr().err
    assert main(["agreement", str(p), "--from", str(p), "--labeler", "zed"]) == 1
    assert "no document is given to 'zed'" in capsys.readouterr().err
    assert main(["review", str(p), "--accept", "nope"]) == 1
    assert "no document 'nope'" in capsys.readouterr().err
    assert main(["review", str(p), "--submit", "d0.png", "--user", ""]) == 1
    assert "a user name cannot be empty" in capsys.readouterr().err
