"""``hanji check | search | stats | next | duplicates | suspects`` through the real entry point."""

from __future__ import annotations

import json

from hanji.cli import main


def test_check_exit_codes_and_json(planted, clean, capsys):
    clean_path, planted_path = clean.path, planted.path
    clean.close()
    planted.close()
    assert main(["check", str(clean_path)]) == 0
    assert "no findings" in capsys.readouterr().out
    assert main(["check", str(planted_path), "--json"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {x["check"] for x in lines} == {"empty_text", "validator"}
    assert all(set(x) == {"check", "document", "doc_id", "region_id", "message"} for x in lines)
    assert main(["check", str(planted_path), "--only", "empty_text"]) == 1
    out = capsys.readouterr().out
    assert "receipt_1.png" in out and "1 finding(s)" in out
    assert main(["check", "--list"]) == 0
    assert "empty_text" in capsys.readouterr().out
    assert main(["check", str(planted_path), "--only", "nonsense"]) == 1
    assert "unknown check" in capsys.readouterr().err


def test_search_stats_next_duplicates_suspects(planted, tmp_path, capsys):
    path = planted.path
    planted.close()
    assert main(["search", str(path), "푸른약", "--json", "--limit", "3"]) == 0
    hits = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert hits and len(hits) <= 3 and all("푸른약" in h["text"] for h in hits)
    assert main(["stats", str(path), "--csv", str(tmp_path / "c"), "--png", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert "documents: 9" in out and (tmp_path / "c" / "entities.csv").exists()
    assert (tmp_path / "p" / "overview.png").exists()
    assert main(["next", str(path)]) == 0
    assert "no unlabelled documents" in capsys.readouterr().out
    assert main(["suspects", str(path), "--json"]) == 0
    (s,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert s["given"] == "합게 7,500원" and s["flagged"]
    assert main(["duplicates", str(path), "--json"]) == 0
    (g,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert g["documents"] == ["receipt_0.png", "receipt_0_rescan.jpg"]
    assert main(["duplicates", str(path), "--keep-first"]) == 0
    assert "deleted 1" in capsys.readouterr().out
    assert main(["duplicates", str(path)]) == 0
    assert "no duplicates" in capsys.readouterr().out


def test_forbidden_words_from_the_command_line(clean, capsys):
    path = clean.path
    clean.close()
    assert main(["forbid", str(path)]) == 0
    assert "no forbidden words" in capsys.readouterr().out
    assert main(["forbid", str(path), "바다", "광고"]) == 0
    assert capsys.readouterr().out.split() == ["광고", "바다"]
    assert main(["check", str(path), "--json"]) == 1
    found = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {(f["check"], f["document"]) for f in found} == {("forbidden_word", "receipt_1.png"),
                                                            ("forbidden_word", "receipt_6.png")}
    assert main(["forbid", str(path), "--remove", "바다"]) == 0
    assert main(["check", str(path)]) == 0


def test_next_and_duplicates_keep_the_fingerprints_for_the_next_run(planted, capsys, monkeypatch):
    from hanji.jobs import duplicates as jd
    from hanji.store import ProjectStore

    path = planted.path
    planted.close()
    made = []
    real = jd.fingerprint_encoded  # what hashes every image, in this process or a worker
    monkeypatch.setattr(jd, "fingerprint_encoded", lambda datas: made.extend(datas) or real(datas))
    assert main(["duplicates", str(path), "--json"]) == 0
    first = len(made)
    assert first > 0
    assert main(["next", str(path)]) == 0 and main(["duplicates", str(path), "--json"]) == 0
    assert len(made) == first  # kept in the project: no image hashed twice
    capsys.readouterr()
    with ProjectStore.open(path):  # another program holds it: read-only, worked out again
        assert main(["duplicates", str(path), "--json"]) == 0
    assert len(made) == first  # still read from the project's cache
