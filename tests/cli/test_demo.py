from hanji.cli import main
from hanji.store import ProjectStore


def test_demo_project(tmp_path, capsys):
    p = tmp_path / "demo.hanji"
    assert main(["demo", str(p)]) == 0
    with ProjectStore.open(p, readonly=True) as s:
        docs = s.documents()
        assert {d.doc_type for d in docs} == {"receipt", "id_card", "business_registration", "credit_card"}
        assert {d.status for d in docs} >= {"new", "done", "preannotated"}
        receipt = next(d for d in docs if d.status == "done" and d.doc_type == "receipt")
        regions = s.regions(receipt.id)
        text = " ".join(r.text for r in regions)
        kvs = {kv.key: kv.value for kv in s.keyvalues(receipt.id)}
        assert kvs["store_name"] in text and kvs["total"].replace("원", "") in text
        assert all(r.status == "confirmed" for r in regions)
        assert any(t.startswith("B-") for r in regions for t in r.tags)
        assert {kv.key for kv in s.keyvalues(receipt.id)} >= {"store_name", "total"}
        machine = next(d for d in docs if d.status == "preannotated")
        assert {r.status for r in s.regions(machine.id)} <= {"machine", "review"}
    assert main(["demo", str(p)]) == 1  # refuses to overwrite
    assert "already exists" in capsys.readouterr().err
    assert main(["demo", str(p), "--force"]) == 0
