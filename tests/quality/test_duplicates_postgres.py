"""``hanji duplicates`` and ``hanji next`` on a PostgreSQL project: the fingerprints kept in the
server's job state, the same groups and picks as a file gives."""

from __future__ import annotations

import json

from hanji.cli import main

from .conftest import PLANTS, build, encode, page, receipt_lines


def test_duplicates_and_next_on_a_postgresql_project(pg_url, tmp_path, capsys, monkeypatch):
    from hanji.jobs import duplicates as jd
    from hanji.jobs import quality as jq

    answers = {}
    made: list[int] = []
    real = jd.fingerprint_encoded  # what hashes every image
    for name in (str(tmp_path / "file.hanji"), pg_url):
        store = build(name, PLANTS)
        for i in (11, 12):  # two pages no one has labelled
            store.add_image_bytes(f"new_{i}.png", encode(page(receipt_lines(i))))
        groups = jq.find_duplicates(store)
        assert store.job_state(jd.FINGERPRINT_JOB)["by_sha"]
        picks = jq.next_documents(store)
        store.close()
        made.clear()
        monkeypatch.setattr(jd, "fingerprint_encoded", lambda datas: made.extend(datas) or real(datas))
        assert main(["duplicates", name, "--json"]) == 0
        cli_groups = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        assert main(["next", name, "--json"]) == 0
        cli_picks = [json.loads(x)["document"] for x in capsys.readouterr().out.splitlines()]
        assert made == []  # the second run reads the fingerprints the first kept
        monkeypatch.setattr(jd, "fingerprint_encoded", real)
        answers[name] = ([(g.kind, len(g.doc_ids)) for g in groups], [g["documents"] for g in cli_groups],
                         [p.name for p in picks], cli_picks)
    file_answer, pg_answer = answers.values()
    assert pg_answer == file_answer
    assert pg_answer[1] == [["receipt_0.png", "receipt_0_rescan.jpg"]]
    assert sorted(pg_answer[3]) == ["new_11.png", "new_12.png"] and pg_answer[2] == pg_answer[3]
