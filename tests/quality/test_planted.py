"""Acceptance: planted problems are each found, and a clean project yields nothing."""

from __future__ import annotations

from hanji.jobs import quality as jq


def test_clean_project_has_no_findings(clean):
    assert jq.run_checks(clean) == []
    assert jq.find_duplicates(clean) == []
    assert [s for s in jq.likely_label_errors(clean) if s.flagged] == []


def test_planted_problems_are_each_found(planted):
    findings = jq.run_checks(planted)
    by_check = {}
    for f in findings:
        by_check.setdefault(f.check, []).append(f)
    # the empty text
    (empty,) = by_check.pop("empty_text")
    assert empty.document == "receipt_1.png" and empty.region_id is not None
    assert "whitespace" in empty.message
    # the invalid check digit
    (digit,) = by_check.pop("validator")
    assert digit.document == "receipt_2.png" and "check digit" in digit.message
    assert digit.region_id == planted.regions(digit.doc_id)[2].id
    assert by_check == {}, by_check  # nothing else

    # the near-duplicate image
    groups = jq.find_duplicates(planted)
    assert len(groups) == 1
    names = {d.id: d.name for d in planted.documents()}
    assert groups[0].kind == "near"
    assert [names[d] for d in groups[0].doc_ids] == ["receipt_0.png", "receipt_0_rescan.jpg"]

    # the wrong transcription among correct ones: ranked first, flagged, and the only one flagged
    suspects = jq.likely_label_errors(planted)
    flagged = [s for s in suspects if s.flagged]
    assert len(flagged) == 1
    assert flagged[0].given == "합게 7,500원" and flagged[0].predicted == "합계 7,500원"
    assert names[flagged[0].doc_id] == "receipt_4.png"


def test_keep_one_deletes_the_others(planted):
    (group,) = jq.find_duplicates(planted)
    n = len(planted.documents())
    gone = jq.keep_one(planted, group.doc_ids, group.doc_ids[0])
    assert gone == group.doc_ids[1:]
    assert len(planted.documents()) == n - 1
    assert jq.find_duplicates(planted) == []


def test_fingerprints_are_cached_in_the_project(planted):
    first = jq.fingerprints(planted)
    assert planted.job_state(jq.FINGERPRINT_JOB)["by_sha"]
    calls = []
    second = jq.fingerprints(planted, progress=lambda d, t=None, m="": calls.append(m))
    assert second == first


def test_fingerprints_hashed_in_worker_processes_are_the_same(planted):
    from hanji.jobs import duplicates as jd

    here = jd.fingerprints(planted, workers=0)
    planted.save_job_state(jq.FINGERPRINT_JOB, "quality", None)  # hashed again, by two workers
    assert jd.fingerprints(planted, workers=2) == here
    assert jq.fingerprints(planted) == here  # and kept
