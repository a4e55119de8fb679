"""Any sequence of edits, then as many undos, gives back the starting project; redo gives the end."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanji.domain import EntityType, KeyValue, Region
from hanji.store import ProjectStore

TEXT = st.text(alphabet="가나다라마바사아자차카타파하 0123456789abc", max_size=12)
COORD = st.floats(min_value=0, max_value=500, allow_nan=False)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), TEXT, COORD, COORD),
        st.tuples(st.just("text"), st.integers(0, 20), TEXT),
        st.tuples(st.just("move"), st.integers(0, 20), COORD, COORD),
        st.tuples(st.just("status"), st.integers(0, 20), st.sampled_from(["machine", "confirmed", "difficult"])),
        st.tuples(st.just("delete"), st.integers(0, 20)),
        st.tuples(st.just("link"), st.integers(0, 20), st.integers(0, 20)),
        st.tuples(st.just("kv"), TEXT),
        st.tuples(st.just("entity"), st.sampled_from(["total", "date", "name"]), st.sampled_from(["1", "2", "q"])),
        st.tuples(st.just("doc_status"), st.sampled_from(["new", "in_progress", "done"])),
        st.tuples(st.just("group"), st.integers(0, 20), st.integers(1, 4)),
    ),
    max_size=15,
)


def snapshot(s: ProjectStore):
    c = s.conn
    q = {
        "regions": "SELECT id, doc_id, kind, points, text, status, source, confidence, ord, label, tags FROM regions",
        "links": "SELECT * FROM links",
        "keyvalues": "SELECT * FROM keyvalues",
        "entity_types": "SELECT * FROM entity_types",
        "documents": "SELECT id, name, status, doc_type FROM documents",
        "fts": "SELECT rowid, text FROM regions_fts",
    }
    if s.backend != "sqlite":  # no separate search index to keep in step
        del q["fts"]
    return {k: sorted(map(tuple, c.execute(v).fetchall()), key=repr) for k, v in q.items()}


def quad(x, y):
    return [(x, y), (x + 10, y), (x + 10, y + 5), (x, y + 5)]


def apply(s, docs, op):
    ids = [r.id for d in docs for r in s.regions(d)]
    pick = (lambda i: ids[i % len(ids)]) if ids else None
    kind = op[0]
    if kind == "add":
        s.add_region(docs[len(ids) % 2], Region(quad(op[2], op[3]), text=op[1]))
    elif kind == "text" and pick:
        s.update_region(pick(op[1]), text=op[2])
    elif kind == "move" and pick:
        s.update_region(pick(op[1]), points=quad(op[2], op[3]))
    elif kind == "status" and pick:
        s.update_region(pick(op[1]), status=op[2])
    elif kind == "delete" and pick:
        s.delete_region(pick(op[1]))
    elif kind == "link" and pick:
        a, b = s.region(pick(op[1])), s.region(pick(op[2]))
        if a.doc_id == b.doc_id:
            s.add_link(a.id, b.id, "q")
    elif kind == "kv":
        s.set_keyvalues(docs[0], [KeyValue("total", op[1])])
    elif kind == "entity":
        s.set_entity_type(EntityType(op[1], key=op[2]))
    elif kind == "doc_status":
        s.update_document(docs[1], status=op[1])
    elif kind == "group" and pick:
        with s.group("drag"):
            for k in range(op[2]):
                s.update_region(pick(op[1]), points=quad(k, k))
    else:
        return 0
    return 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=OPS, ops=OPS)
def test_undo_everything_restores_the_start(new_project_name, before, ops):
    from helpers import png_bytes

    p = new_project_name()
    s = ProjectStore.create(p)
    docs = [s.add_image_bytes("a.png", png_bytes(color="white"))[0].id,
            s.add_image_bytes("b.png", png_bytes(color="black"))[0].id]
    for op in before:
        apply(s, docs, op)
    start = snapshot(s)
    steps_before = s.counts()["history_steps"]
    for op in ops:
        apply(s, docs, op)
    steps = s.counts()["history_steps"] - steps_before
    assert steps <= len(ops)
    end = snapshot(s)
    s.close()
    s = ProjectStore.open(p)  # history survives a restart
    undone = 0
    while undone < steps and s.undo() is not None:
        undone += 1
    assert snapshot(s) == start
    while s.redo() is not None:
        pass
    assert snapshot(s) == end
    s.close()
