"""hanji split / merge / conflicts on the command line: JSON out, clear errors, nothing half-done."""

from __future__ import annotations

import json

from hanji.cli import main
from hanji.domain import Region
from hanji.store import ProjectStore


def _base(path, docs=4):
    from helpers import png_bytes

    s = ProjectStore.create(path)
    for i in range(docs):
        d, _ = s.add_image_bytes(f"d{i}.png", png_bytes(100, 60, text=str(i), color=f"#{i:02x}eeee"))
        s.add_regions(d.id, [Region([(5, 5 + 15 * j), (60, 5 + 15 * j), (60, 15 + 15 * j), (5, 15 + 15 * j)],
                                    text=f"{i}.{j}") for j in range(2)])
    s.close()


def run(capsys, *argv) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_split_merge_conflicts_cli(tmp_path, capsys):
    base = tmp_path / "shop.hanji"
    _base(base)
    out_dir = tmp_path / "stick"
    out_dir.mkdir()
    rc, out, _ = run(capsys, "split", base, out_dir, "--user", "ann", "bob", "--json")
    assert rc == 0
    pk = json.loads(out)["packages"]
    assert [p["seat"] for p in pk] == ["ann", "bob"] and [p["documents"] for p in pk] == [2, 2]
    assert (out_dir / "shop-ann.hanji").exists() and (out_dir / "shop-bob.hanji").exists()
    # the package opens like any project
    rc, out, _ = run(capsys, "info", out_dir / "shop-ann.hanji", "--json")
    assert rc == 0 and json.loads(out)["documents"] == 2
    assert json.loads(out)["packages"]["origin"]["seat"] == "ann"
    rc, out, _ = run(capsys, "info", base, "--json")
    info = json.loads(out)["packages"]
    assert info["checked_out"] == 4 and [p["seat"] for p in info["out"]] == ["ann", "bob"]
    rc, out, _ = run(capsys, "info", base)
    assert "checked out: 4 documents in 2 packages (seat ann: 2, seat bob: 2)" in out
    # nothing handed out twice
    again = tmp_path / "again"
    again.mkdir()
    rc, _, err = run(capsys, "split", base, again, "--seats", "2")
    assert rc == 1 and "no documents to hand out" in err and not list(again.iterdir())

    with ProjectStore.open(out_dir / "shop-ann.hanji") as p:
        p.user = "ann"
        p.update_region(p.regions(1)[0].id, text="ann")
        p.update_region(p.regions(2)[0].id, text="ann two")
    with ProjectStore.open(base) as s:
        s.update_region(s.regions(1)[0].id, text="lead")
    rc, out, _ = run(capsys, "merge", base, out_dir / "shop-ann.hanji", out_dir / "shop-bob.hanji", "--json",
                     "--user", "lead")
    assert rc == 0
    reps = json.loads(out)["packages"]
    assert reps[0]["taken"]["regions_changed"] == 1 and len(reps[0]["conflicts"]) == 1
    c = reps[0]["conflicts"][0]
    assert c["ours"]["text"] == "lead" and c["theirs"]["text"] == "ann" and c["base"]["text"] == "0.0"
    assert reps[1]["conflicts"] == [] and not reps[1]["already_merged"]
    rc, out, _ = run(capsys, "merge", base, out_dir / "shop-ann.hanji")
    assert rc == 0 and "merged before; nothing changed" in out

    rc, out, _ = run(capsys, "conflicts", base, "--json")
    listed = json.loads(out)["conflicts"]
    assert [x["id"] for x in listed] == [c["id"]] and listed[0]["document"] == "d0.png"
    rc, out, _ = run(capsys, "conflicts", base)
    assert "changed on both sides" in out and "--take ours|theirs" in out
    rc, out, _ = run(capsys, "conflicts", base, "--take", "theirs", c["id"])
    assert rc == 0
    with ProjectStore.open(base, readonly=True) as s:
        assert s.regions(1)[0].text == "ann" and s.regions(2)[0].text == "ann two"
        assert "ann" in {e[0] for e in s.edit_log()}
    rc, out, _ = run(capsys, "conflicts", base)
    assert "no open conflicts" in out
    rc, _, err = run(capsys, "conflicts", base, "--take", "mine", "1")
    assert rc == 1 and "--take ours ID or --take theirs ID" in err


def test_merge_refuses_another_projects_package(tmp_path, capsys):
    a, b = tmp_path / "a.hanji", tmp_path / "b.hanji"
    _base(a)
    _base(b, docs=2)
    rc, out, _ = run(capsys, "split", a, tmp_path, "--seats", "1", "--json")
    pkg = json.loads(out)["packages"][0]["path"]
    rc, _, err = run(capsys, "merge", b, pkg)
    assert rc == 1 and "split from another project" in err and "nothing was merged" in err
    assert "Traceback" not in err
    rc, _, err = run(capsys, "merge", a, b)
    assert rc == 1 and "not a work package" in err


def test_release_a_lost_package(tmp_path, capsys):
    base = tmp_path / "shop.hanji"
    _base(base)
    rc, out, _ = run(capsys, "split", base, tmp_path, "--user", "ann", "bob", "--json")
    lost = json.loads(out)["packages"][1]
    rc, out, _ = run(capsys, "split", base, "--release", "bob")
    assert rc == 0 and "2 documents can be handed out again" in out
    rc, _, err = run(capsys, "merge", base, lost["path"])
    assert rc == 1 and "was taken back" in err
    rc, _, err = run(capsys, "split", base, "--release", "bob")
    assert rc == 1 and "no packages out match 'bob'" in err
    again = tmp_path / "again"
    again.mkdir()
    rc, out, _ = run(capsys, "split", base, again, "--seats", "1", "--json")
    assert rc == 0 and json.loads(out)["packages"][0]["documents"] == 2
