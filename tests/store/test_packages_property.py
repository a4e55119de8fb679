"""Random edit sequences on a base and its package, then a merge: no edit either side made is lost
(it is in the merged project, or in a conflict that names it)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hanji.domain import KeyValue, Region
from hanji.jobs.packages import REGION_FIELDS, merge, split, version_of
from hanji.store import ProjectStore

TEXT = st.text(alphabet="가나다 abc1", min_size=1, max_size=6)
SLOT = st.integers(0, 5)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("text"), SLOT, TEXT),
        st.tuples(st.just("move"), SLOT, st.integers(-3, 3)),
        st.tuples(st.just("tags"), SLOT, st.sampled_from([["O"], ["B-total"]])),
        st.tuples(st.just("delete"), SLOT),
        st.tuples(st.just("add"), st.integers(0, 3), TEXT),  # a few places: both sides may box the same line
        st.tuples(st.just("link"), SLOT, SLOT),
        st.tuples(st.just("kv"), st.sampled_from(["total", "date", "name"]), TEXT),
        st.tuples(st.just("status"), st.sampled_from(["new", "in_progress", "done"])),
        st.tuples(st.just("order"), st.randoms(use_true_random=False)),
    ),
    max_size=8,
)


def box(x, y, w=40, h=10):
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def apply(s: ProjectStore, ops) -> None:
    for op in ops:
        regs = s.regions(1)
        pick = (lambda j, regs=regs: regs[j % len(regs)]) if regs else None
        kind = op[0]
        if kind == "text" and regs:
            s.update_region(pick(op[1]).id, text=op[2])
        elif kind == "move" and regs:
            r = pick(op[1])
            s.update_region(r.id, points=[(x + op[2], y) for x, y in r.points])
        elif kind == "tags" and regs:
            s.update_region(pick(op[1]).id, tags=op[2])
        elif kind == "delete" and regs:
            s.delete_regions([pick(op[1]).id])
        elif kind == "add":
            s.add_region(1, Region(box(200, 10 + 30 * op[1]), text=op[2]))
        elif kind == "link" and len(regs) > 1 and pick(op[1]).id != pick(op[2]).id:
            s.add_link(pick(op[1]).id, pick(op[2]).id, "q")
        elif kind == "kv":
            kvs = [kv for kv in s.keyvalues(1) if kv.key != op[1]]
            s.set_keyvalues(1, kvs + [KeyValue(op[1], op[2])])
        elif kind == "status":
            s.update_document(1, status=op[1])
        elif kind == "order" and regs:
            ids = [r.id for r in regs]
            op[1].shuffle(ids)
            s.set_order(1, ids)


def fields(v):
    """A region's content (its place in the reading order is merged apart, checked below)."""
    return {f: v[f] for f in REGION_FIELDS if f != "order"} if v is not None else None


def kv_values(v, key):
    return sorted(e[1] for e in v["keyvalues"] if e[0] == key)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(OPS, OPS)
def test_merge_never_loses_an_edit(base_ops, pkg_ops):
    from helpers import png_bytes

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = ProjectStore.create(tmp / "b.hanji")
        d, _ = base.add_image_bytes("a.png", png_bytes(300, 200))
        made = base.add_regions(d.id, [Region(box(10, 10 + 30 * j), text=f"r{j}") for j in range(4)])
        base.set_keyvalues(d.id, [KeyValue("total", "1", [made[0].id])])
        out = split(base, tmp, 1)[0]
        s = version_of(base, 1)
        with ProjectStore.open(out.path) as pkg:
            apply(pkg, pkg_ops)
            p = version_of(pkg, 1)
        apply(base, base_ops)
        b = version_of(base, 1)
        rep = merge(base, [out.path])[0]
        m = version_of(base, 1)
        conflicts = rep.conflicts
        base.close()

    def conflict_has(kind_prefix, target, theirs=None):
        return any(c["kind"].startswith(kind_prefix) and c["target"] == str(target) and
                   (theirs is None or fields(c["theirs"]) == theirs) for c in conflicts)

    # the document's status
    if p["doc"]["status"] != s["doc"]["status"]:
        assert m["doc"]["status"] == p["doc"]["status"] or conflict_has("document", "status")
    if b["doc"]["status"] != s["doc"]["status"]:
        assert m["doc"]["status"] == b["doc"]["status"]
    # regions there at the split (ids may be taken again by a region added later: compare contents)
    merged = [fields(v) for v in m["regions"].values()]
    for k, sv in s["regions"].items():
        bv, pv = b["regions"].get(k), p["regions"].get(k)
        # changed or deleted on the seat: taken, or in a conflict with the seat's version (its place in
        # the reading order alone is checked below)
        if pv is None or (fields(pv), pv["links"]) != (fields(sv), sv["links"]):
            taken = fields(pv) in merged if pv is not None else fields(sv) not in merged
            assert taken or conflict_has("region", k, fields(pv)), (k, sv, pv, m["regions"])
        if pv is not None and pv != sv and bv == sv:  # taken whole: its links too (those among old regions)
            old = set(s["regions"])
            mv = m["regions"][k]
            assert {(d, q) for d, q in mv["links"] if str(d) in old} == {
                (d, q) for d, q in pv["links"] if str(d) in old and str(d) in m["regions"]}, (k, pv, mv)
        # changed or deleted in the base: it stands (the base is "ours"); a region only moved in the
        # reading order is not changed by that (the seat may still delete it)
        if (bv is None) != (sv is None) or (bv is not None and (fields(bv), bv["links"]) != (fields(sv), sv["links"])):
            assert fields(bv) in merged if bv is not None else fields(sv) not in merged, (k, sv, bv, m["regions"])
    # the reading order, region by region (where the region is still there on all sides)
    order_conflict = next((c for c in conflicts if c["kind"] == "order"), None)
    for k, sv in s["regions"].items():
        bv, pv, mv = b["regions"].get(k), p["regions"].get(k), m["regions"].get(k)
        if bv is None or pv is None or mv is None or fields(mv) not in (fields(bv), fields(pv)):
            continue
        if pv["order"] != sv["order"] and bv["order"] == sv["order"]:
            assert mv["order"] == pv["order"] or conflict_has("region", k), (k, sv, bv, pv, mv)
        if bv["order"] != sv["order"]:
            assert mv["order"] == bv["order"], (k, sv, bv, mv)
            if pv["order"] not in (sv["order"], bv["order"]):
                assert conflict_has("region", k) or (order_conflict and order_conflict["theirs"][k] == pv["order"])
    # regions added on either side
    for k, bv in b["regions"].items():
        if k not in s["regions"]:
            assert fields(bv) in merged
    for k, pv in p["regions"].items():
        if k not in s["regions"]:
            assert fields(pv) in merged or any(c["kind"] == "overlap" and fields(c["theirs"]) == fields(pv)
                                               for c in conflicts), pv
    # key-values, key by key
    for key in ("total", "date", "name"):
        sv, bv, pv, mv = (kv_values(v, key) for v in (s, b, p, m))
        if pv != sv:
            assert mv == pv or conflict_has("keyvalue", key)
        if bv != sv:
            assert mv == bv
