"""What only the PostgreSQL backend has to say: clear errors for a server that is not there, a wrong
password, a database that is not a Hanji project or is of a newer Hanji, a lost connection (the edit
reported as not saved, never half-saved); migrations in one transaction; several seats on one
project; the search index. The store's other tests run on both backends (conftest.py)."""

from __future__ import annotations

import pytest

from hanji.domain import KeyValue, Region
from hanji.errors import HanjiError
from hanji.store import create_project, is_url, open_project, project_name
from hanji.store.names import display_url
from helpers import png_bytes


def quad(x, y=0):
    return [(x, y), (x + 5, y), (x + 5, y + 5), (x, y + 5)]


# ---------------------------------------------------------------------------------------- names
def test_a_url_is_a_url_and_windows_paths_stay_paths():
    assert is_url("postgresql://ana@db.office:5432/receipts")
    assert is_url("postgres://ana@/receipts?host=/run/postgresql")
    assert is_url("PostgreSQL://x@y/z")
    for p in (r"C:\data\a.hanji", "C:/data/a.hanji", r"\\server\share\a.hanji", "postgresql.hanji",
              "postgresql:/x", "./postgresql://x"):
        assert not is_url(p), p
    assert isinstance(project_name(r"C:\data\a.hanji"), type(project_name("a.hanji")))
    assert project_name("postgresql://u@h/db?host=/tmp/s") == "postgresql://u@h/db?host=/tmp/s"


def test_the_name_shown_has_no_password():
    shown = display_url("postgresql://ana:secret@db:5432/receipts?password=secret2&sslmode=disable")
    assert "secret" not in shown and shown.name == "receipts" and "ana@db:5432" in shown


def test_every_schema_step_has_a_postgresql_form():
    from hanji.store.pg_schema import pg_script
    from hanji.store.schema import MIGRATIONS

    missing = [m.__name__ for m in MIGRATIONS if pg_script(m) is None]
    assert not missing, f"add their PostgreSQL DDL to hanji/store/pg_schema.py: {missing}"


# ---------------------------------------------------------------------------------------- errors
def test_no_server_no_database_wrong_password(pg_cluster, tmp_path):
    with pytest.raises(HanjiError, match="no PostgreSQL server answers"):
        open_project(f"postgresql://x@/db?host={tmp_path}")
    with pytest.raises(HanjiError, match="no database 'nope'.*createdb nope"):
        open_project(pg_cluster.url("nope"))
    from pg_cluster import PASSWORD_USER

    pg_cluster.admin().execute(f"DO $$ BEGIN CREATE ROLE {PASSWORD_USER} LOGIN PASSWORD 'right'; "
                               "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    url = pg_cluster.url("postgres", user=PASSWORD_USER).replace("@", ":wrong@", 1)
    with pytest.raises(HanjiError, match="refused the password.*hanji_pw") as e:
        open_project(url)
    assert "wrong" not in str(e.value).split("refused")[0]  # the password is not shown


def test_a_database_that_is_not_a_hanji_project(pg_url):
    with pytest.raises(HanjiError, match="database is empty.*hanji new"):
        open_project(pg_url)
    from hanji.store.pg import PgConnection

    c = PgConnection(pg_url)
    c.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(HanjiError, match="not a Hanji project"):
        open_project(pg_url)
    with pytest.raises(HanjiError, match="not empty"):
        create_project(pg_url)
    c.execute("CREATE TABLE meta (k text)")  # a table of that name with other columns
    with pytest.raises(HanjiError, match="not a Hanji project"):
        open_project(pg_url)
    c.close()


def test_a_newer_schema_is_refused(pg_url):
    s = create_project(pg_url)
    s.set_meta("schema_version", "999")
    s.close()
    for ro in (False, True):
        with pytest.raises(HanjiError, match="newer Hanji.*schema 999"):
            open_project(pg_url, readonly=ro)


def _kill_session(pg_cluster, store) -> None:
    pid = store.conn.raw.info.backend_pid
    pg_cluster.admin().execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_lost_connection_is_not_saved_and_the_next_edit_reconnects(pg_cluster, pg_url):
    s = create_project(pg_url)
    doc, _ = s.add_image_bytes("a.png", png_bytes())
    r = s.add_region(doc.id, Region(quad(0), text="가"))
    _kill_session(pg_cluster, s)
    with pytest.raises(HanjiError, match="connection to the database server was lost: this change was not saved"):
        s.update_region(r.id, text="나")
    assert s.region(r.id).text == "가"  # a read reconnects
    s.update_region(r.id, text="다")
    other = open_project(pg_url)
    assert other.region(r.id).text == "다"
    other.close()
    s.close()


def test_a_connection_lost_inside_a_transaction_writes_none_of_it(pg_cluster, pg_url):
    s = create_project(pg_url)
    doc, _ = s.add_image_bytes("a.png", png_bytes())
    r = s.add_region(doc.id, Region(quad(0), text="가"))
    with pytest.raises(HanjiError, match="not saved"):
        with s.atomic():
            s.update_region(r.id, text="반")
            _kill_session(pg_cluster, s)
            try:
                s.update_region(r.id, text="쯤")
            except HanjiError:
                pass  # a caller that carries on must not write outside the transaction
            s.add_region(doc.id, Region(quad(9), text="새"))
    assert [x.text for x in s.regions(doc.id)] == ["가"]
    assert s.counts()["regions"] == 1
    s.close()


# ---------------------------------------------------------------------------------------- migrations
def _make_older(url: str) -> None:
    """The project as migration 7 left it (no claims table, schema 7)."""
    from hanji.store.pg import PgConnection

    c = PgConnection(url)
    c.execute("DROP TABLE claims")
    c.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    c.close()


def test_an_older_project_upgrades_in_one_transaction(pg_url, monkeypatch):
    from hanji.store import pg_schema
    from hanji.store.schema import SCHEMA_VERSION

    s = create_project(pg_url)
    doc, _ = s.add_image_bytes("a.png", png_bytes())
    s.add_region(doc.id, Region(quad(0), text="그대로"))
    s.close()
    _make_older(pg_url)
    with pytest.raises(HanjiError, match="needs an upgrade"):
        open_project(pg_url, readonly=True)
    # a step that fails halfway: nothing of the upgrade stays
    monkeypatch.setitem(pg_schema.PG_MIGRATIONS, "m008_claims",
                        pg_schema.M008_CLAIMS + "\nSELECT no_such_function();")
    with pytest.raises(HanjiError, match="upgrading the project failed.*unchanged"):
        open_project(pg_url)
    from hanji.store.pg import PgConnection

    c = PgConnection(pg_url)
    assert c.execute("SELECT to_regclass('claims') IS NULL").fetchone()[0]
    assert c.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "7"
    c.close()
    monkeypatch.undo()
    with open_project(pg_url) as s:
        assert s.counts()["schema_version"] == SCHEMA_VERSION
        assert [r.text for r in s.regions(doc.id)] == ["그대로"]
        s.add_region(doc.id, Region(quad(5), text="새"))  # claims work again


def _make_before_pg_steps(url: str) -> None:
    """The project as a Hanji before PostgreSQL's own schema steps left it: schema 10, no ``pg_steps``
    meta row, no character-pair index."""
    from hanji.store.pg import PgConnection

    c = PgConnection(url)
    c.execute("DROP INDEX regions_text_grams")
    c.execute("DROP INDEX keyvalues_grams")
    c.execute("DROP FUNCTION hanji_query_grams(text)")
    c.execute("DROP FUNCTION hanji_grams(text)")
    c.execute("DROP FUNCTION hanji_record(text, bigint, text, text, double precision, bigint)")
    c.execute("DELETE FROM meta WHERE key = 'pg_steps'")
    c.close()


def test_a_project_made_before_the_short_search_index_gets_it_when_opened_for_writing(pg_url):
    from hanji.store.pg import PgConnection
    from hanji.store.pg_schema import PG_STEPS

    s = create_project(pg_url)
    doc, _ = s.add_image_bytes("a.png", png_bytes())
    s.add_regions(doc.id, [Region(quad(0), text="합계 12"), Region(quad(9), text="서울")])
    s.set_keyvalues(doc.id, [KeyValue("Total", "12원")])
    s.close()
    _make_before_pg_steps(pg_url)
    with pytest.raises(HanjiError, match="needs an upgrade"):
        open_project(pg_url, readonly=True)
    with open_project(pg_url) as s:  # the upgrade
        assert [r.text for r in s.search("합계")] == ["합계 12"]
        assert [r.text for r in s.search("울")] == ["서울"]
        assert [k.value for k in s.search_keyvalues("원")] == ["12원"]
        assert [k.key for k in s.search_keyvalues("to")] == ["Total"]
        s.add_region(doc.id, Region(quad(18), text="울산"))  # written after the upgrade: indexed too
        assert sorted(r.text for r in s.search("울")) == ["서울", "울산"]
    c = PgConnection(pg_url)
    assert c.execute("SELECT value FROM meta WHERE key = 'pg_steps'").fetchone()[0] == str(len(PG_STEPS))
    assert c.execute("SELECT to_regclass('regions_text_grams') IS NOT NULL AND "
                     "to_regclass('keyvalues_grams') IS NOT NULL").fetchone()[0]
    # both keep their keys in byte order (step pg3_grams_c), which search asks for
    assert c.execute("SELECT array_agg(DISTINCT co.collname) FROM pg_index i, unnest(i.indcollation) u(oid) "
                     "JOIN pg_collation co ON co.oid = u.oid WHERE i.indexrelid IN "
                     "('regions_text_grams'::regclass, 'keyvalues_grams'::regclass)").fetchone()[0] == ["C"]
    c.close()
    with open_project(pg_url, readonly=True) as s:  # nothing left to upgrade
        assert [r.text for r in s.search("12")] == ["합계 12"]


def test_a_failed_short_search_step_leaves_the_project_as_it_was(pg_url, monkeypatch):
    from hanji.store import pg_schema
    from hanji.store.pg import PgConnection

    create_project(pg_url).close()
    _make_before_pg_steps(pg_url)
    monkeypatch.setattr(pg_schema, "PG_STEPS", [(name, sql + "\nSELECT no_such_function();")
                                                for name, sql in pg_schema.PG_STEPS])
    with pytest.raises(HanjiError, match="upgrading the project failed.*unchanged"):
        open_project(pg_url)
    c = PgConnection(pg_url)
    assert c.execute("SELECT to_regclass('regions_text_grams') IS NULL").fetchone()[0]
    assert c.execute("SELECT value FROM meta WHERE key = 'pg_steps'").fetchone() is None
    c.close()


@pytest.mark.parametrize("open_after", [0, 10**6], ids=["windows", "one-open-window"])
def test_search_in_windows_of_ids_gives_the_first_hits_by_id(pg_url, monkeypatch, open_after):
    import random

    from hanji.store.pgstore import PgProjectStore

    monkeypatch.setattr(PgProjectStore, "SEARCH_PROBE", 3)  # windows of 3, 24, 192, ... ids, the last one open
    monkeypatch.setattr(PgProjectStore, "SEARCH_OPEN", open_after)  # (or one open window after the probe)
    project = create_project(pg_url)
    seen: list[str] = []
    rng = random.Random(5)
    texts = ["".join(rng.choice("가나다ab 1") for _ in range(rng.randrange(1, 6))) for _ in range(300)]
    docs = [project.add_image_bytes(f"{i}.png", png_bytes(20 + i, 20))[0] for i in range(3)]
    for i, d in enumerate(docs):
        project.add_regions(d.id, [Region(quad(k), text=t, order=100 - k) for k, t in enumerate(texts[i::3])])
    project.set_keyvalues(docs[0].id, [KeyValue(t or "k", texts[-i]) for i, t in enumerate(texts[:40])])
    all_regions = sorted((r for d in docs for r in project.regions(d.id)), key=lambda r: r.id)
    all_kvs = sorted(project.keyvalues(docs[0].id), key=lambda k: k.id)
    project.conn.set_trace_callback(seen.append)
    for q in ("가", "나다", "a", "b 1", "다가나", "zz", "1가"):
        for limit in (1, 7, 1000):
            want = [r.id for r in all_regions if q.lower() in r.text.lower()][:limit]
            got = project.search(q, limit)
            assert sorted(r.id for r in got) == want, (q, limit)
            assert got == sorted(got, key=lambda r: (r.doc_id, r.order is None, r.order or 0, r.id))  # reading order
            want_k = [k.id for k in all_kvs if q.lower() in k.key.lower() or q.lower() in k.value.lower()][:limit]
            assert sorted(k.id for k in project.search_keyvalues(q, limit)) == want_k, (q, limit)
    project.conn.set_trace_callback(None)
    windows = [s for s in seen if "id <= " in s and "hanji_query_grams" in s]  # a window with an end
    assert (len(windows) > 0) == (open_after == 0), len(windows)
    project.close()


def test_short_queries_use_the_character_pair_index(pg_url):
    project = create_project(pg_url)
    doc, _ = project.add_image_bytes("a.png", png_bytes())
    project.add_regions(doc.id, [Region(quad(i), text=t) for i, t in enumerate(["합계 AB", "서울", "ab합", ""])])
    project.set_keyvalues(doc.id, [KeyValue("금액", "1,000"), KeyValue("x", "")])
    assert sorted(r.text for r in project.search("Ab")) == ["ab합", "합계 AB"]  # either case
    assert [r.text for r in project.search("b합")] == ["ab합"]
    assert project.search("계서") == []  # across two regions is not in either
    assert [k.key for k in project.search_keyvalues("액")] == ["금액"]
    assert [k.key for k in project.search_keyvalues(",0")] == ["금액"]
    c = project.conn
    c.execute("SET enable_seqscan = off")
    c.execute("SET enable_indexscan = off")  # the id order's index scan (what a common query takes)
    for sql in ("SELECT id FROM regions WHERE (hanji_grams(lower(text))) COLLATE \"C\" @> hanji_query_grams('합계') "
                "ORDER BY id LIMIT 100",
                "SELECT id FROM keyvalues WHERE (hanji_grams(lower(key)) || hanji_grams(lower(value))) COLLATE \"C\" @> "
                "hanji_query_grams('액') ORDER BY id LIMIT 100"):
        plan = " ".join(r[0] for r in c.raw.execute("EXPLAIN " + sql))
        assert "regions_text_grams" in plan or "keyvalues_grams" in plan, plan
    project.close()


# ---------------------------------------------------------------------------------------- the window's edits
def _whole_scans(conn, sql: str) -> list[str]:
    """What a statement (as sent, planned with NULLs) reads that grows with the project: a table read
    without an index condition, or rows of one aggregated (a count of the documents of a status)."""
    import json

    plan = conn.raw.execute("EXPLAIN (FORMAT JSON) " + sql.replace("%s", "NULL").replace("%%", "%")).fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    out, todo = [], [(plan[0]["Plan"], False)]
    while todo:
        node, aggregated = todo.pop()
        aggregated = aggregated or node["Node Type"] == "Aggregate"
        todo += [(n, aggregated) for n in node.get("Plans", [])]
        rel = node.get("Relation Name")
        if rel not in ("documents", "regions", "links", "keyvalues", "history") or node["Node Type"] == "ModifyTable":
            continue
        if aggregated or node["Node Type"] == "Seq Scan" or (
                node["Node Type"] in ("Index Scan", "Index Only Scan") and "Index Cond" not in node):
            out.append(f"{node['Node Type']} on {rel}" + (" (aggregated)" if aggregated else ""))
    return out


def test_a_status_change_and_the_panes_counts_read_nothing_whole(pg_url):
    project = create_project(pg_url)
    docs = [project.add_image_bytes(f"{i}.png", png_bytes(30 + i, 20))[0] for i in range(6)]
    project.update_document(docs[1].id, status="done")
    seen: list[str] = []
    project.conn.set_trace_callback(seen.append)
    trips = project.conn.round_trips
    project.update_document(docs[2].id, status="done")
    # the BEGIN with the row's read; its write with the claim; the history entry and notice with the COMMIT
    assert project.conn.round_trips - trips <= 3, seen
    counts = (project.document_count(), project.document_count(status="done"), project.document_count(status="new"))
    project.conn.set_trace_callback(None)
    assert counts == (6, 2, 4)  # what the documents pane asks after it
    project.conn.execute("SET enable_seqscan = off")  # a table this small is read whole unless told not to
    whole = {sql: _whole_scans(project.conn, sql) for sql in seen if sql.split()[0].upper() in ("SELECT", "DELETE")}
    assert not any(whole.values()), whole
    project.remove_documents([docs[1].id])
    assert (project.document_count(), project.document_count(status="done")) == (5, 1)
    project.undo()
    assert (project.document_count(), project.document_count(status="done")) == (6, 2)
    assert project.document_count(status="done", name="2.png") == 1  # other filters: the rows themselves
    project.close()


def test_a_row_write_sent_with_the_next_statement_that_fails_fails_its_edit(pg_url):
    """An edit's row write goes with its next statement or the COMMIT (no answer is read): an error in
    it still takes back the whole edit, and the connection goes on."""
    import psycopg

    project = create_project(pg_url)
    a, b = (project.add_image_bytes(f"{i}.png", png_bytes(30 + i, 20))[0] for i in range(2))
    row = project._get_row(project.conn, "documents", b.id)
    with pytest.raises(psycopg.errors.UniqueViolation):
        with project._tx() as conn:
            project._put_row(conn, "documents", dict(row, sha256=a.sha256, status="done"))
            project._put_row(conn, "documents", dict(row, status="review"))
    assert project.document(b.id).status == "new"
    project.update_document(b.id, status="done")
    assert project.document(b.id).status == "done"
    project.undo()
    assert project.document(b.id).status == "new"
    project.close()


def test_images_read_in_id_order_come_a_few_dozen_a_round_trip(pg_url):
    project = create_project(pg_url)
    datas = [png_bytes(20 + i, 20, text=str(i)) for i in range(40)]
    docs = [project.add_image_bytes(f"{i}.png", d)[0] for i, d in enumerate(datas)]
    trips = project.conn.round_trips
    assert [project.image_bytes(d.id) for d in docs] == datas
    assert project.conn.round_trips - trips <= 4  # 1, then 32 ahead, then the rest
    assert project.image_bytes(docs[5].id) == datas[5]  # out of order: that one
    project.image_bytes(docs[6].id)  # (the next ones read ahead)
    project.remove_documents([docs[7].id])
    with pytest.raises(HanjiError, match="no document"):
        project.image_bytes(docs[7].id)
    assert project.image_bytes(docs[8].id) == datas[8]
    project.close()


# ---------------------------------------------------------------------------------------- seats
def test_two_seats_see_each_others_images_and_edits(pg_url):
    a = create_project(pg_url)
    b = open_project(pg_url)
    data = png_bytes(40, 20, text="한")
    doc, _ = a.add_image_bytes("a.png", data)
    assert b.image_bytes(doc.id) == data  # images live in the database (bytea): every seat has them
    r = a.add_region(doc.id, Region(quad(0), text="가"))
    assert b.region(r.id).text == "가"
    d2, _ = b.add_image_bytes("b.png", png_bytes(40, 20, text="두"))
    b.add_region(d2.id, Region(quad(0), text="나"))
    assert a.counts()["regions"] == 2 and a.counts()["documents"] == 2
    ids = {x.id for x in a.regions(doc.id)} | {x.id for x in a.regions(d2.id)}
    assert len(ids) == 2  # no id taken twice
    a.close()
    b.close()


def test_search_finds_every_length_by_the_character_pair_index(pg_url):
    project = create_project(pg_url)
    doc, _ = project.add_image_bytes("a.png", png_bytes())
    project.add_regions(doc.id, [Region(quad(i), text=t) for i, t in enumerate(
        ["서울특별시 강남구", "합계 12,000원", "Total 5%", "under_score", "강구남"])])
    project.set_keyvalues(doc.id, [KeyValue("total", "12,000원")])
    assert [r.text for r in project.search("합")] == ["합계 12,000원"]
    assert [r.text for r in project.search("강남구")] == ["서울특별시 강남구"]  # not 강구남: its pairs differ
    assert [r.text for r in project.search("total")] == ["Total 5%"]
    assert [r.text for r in project.search("5%")] == ["Total 5%"]
    assert [r.text for r in project.search("r_s")] == ["under_score"]
    assert project.search("r%s") == []
    assert [k.key for k in project.search_keyvalues("원")] == ["total"]
    assert [k.key for k in project.search_keyvalues("al1")] == []  # key and value are not one text
    c = project.conn
    assert c.execute("SELECT COUNT(*) FROM pg_indexes WHERE indexname LIKE '%trgm'").fetchone()[0] == 0
    c.execute("SET enable_seqscan = off")
    c.execute("SET enable_indexscan = off")  # the id order's index scan (what a common query takes)
    plan = " ".join(r[0] for r in c.raw.execute(
        "EXPLAIN SELECT id FROM regions WHERE (hanji_grams(lower(text))) COLLATE \"C\" @> hanji_query_grams('강남구') "
        "AND strpos(lower(text), '강남구') > 0 ORDER BY id LIMIT 100"))
    assert "regions_text_grams" in plan, plan
    assert c.execute("SELECT hanji_query_grams('강남구'), hanji_query_grams('a')").fetchone() == (["강남", "남구"], ["a"])
    project.close()


# ---------------------------------------------------------------------------------------- the command line
def test_commands_take_a_url(pg_url, tmp_path, capsys):
    import json

    from hanji.cli import main

    img = tmp_path / "r.png"
    img.write_bytes(png_bytes(60, 30, text="합"))
    assert main(["new", pg_url]) == 0
    assert main(["add", pg_url, str(img)]) == 0
    with open_project(pg_url) as s:
        doc = s.documents()[0]
        s.add_region(doc.id, Region(quad(0), text="합계 12,000원"))
    capsys.readouterr()
    assert main(["info", pg_url, "--json"]) == 0
    info = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert info["documents"] == 1 and info["regions"] == 1 and info["entity_types"] > 0
    assert main(["search", pg_url, "합계", "--json"]) == 0
    assert "12,000" in capsys.readouterr().out
    assert main(["new", pg_url]) == 1
    assert "already holds a Hanji project" in capsys.readouterr().err
    assert main(["info", pg_url.replace("/t_", "/missing_"), "--json"]) == 1
    err = capsys.readouterr().err
    assert "createdb" in err and "Traceback" not in err


def test_a_linked_image_is_kept_in_the_database_and_a_reader_cannot_write(pg_cluster, pg_url, tmp_path):
    s = create_project(pg_url)
    f = tmp_path / "big.png"
    f.write_bytes(png_bytes(30, 30))
    doc, _ = s.add_image(f, link=True)  # every seat must see it: kept inside
    f.unlink()
    assert s.image_bytes(doc.id)[:4] == b"\x89PNG" and s.counts()["linked_images"] == 0
    s.close()
    pg_cluster.admin().execute("DO $$ BEGIN CREATE ROLE reader LOGIN; EXCEPTION WHEN duplicate_object "
                               "THEN NULL; END $$")
    from hanji.store.pg import PgConnection

    c = PgConnection(pg_url)
    c.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    c.close()
    url = pg_url.replace("hanji_test@", "reader@")
    with open_project(url, readonly=True) as r:
        assert r.document(doc.id).name == "big.png"
    with open_project(url) as w:
        with pytest.raises(HanjiError, match="does not let this user change the project"):
            w.add_region(doc.id, Region(quad(0), text="가"))


def test_a_seat_that_holds_the_project_too_long_gets_a_clear_busy_message(pg_url, monkeypatch):
    from hanji.store import pg

    a = create_project(pg_url)
    doc, _ = a.add_image_bytes("a.png", png_bytes())
    d2, _ = a.add_image_bytes("b.png", png_bytes(color="black"))
    monkeypatch.setattr(pg, "LOCK_TIMEOUT_S", 0.3)
    b = open_project(pg_url)
    with a.atomic():  # a transaction held open (a stuck seat)
        a.add_region(doc.id, Region(quad(0), text="가"))
        with pytest.raises(HanjiError, match="busy for too long: this change was not saved"):
            b.add_region(d2.id, Region(quad(0), text="나"))
    r = b.add_region(d2.id, Region(quad(0), text="나"))  # no transaction was left open on b
    assert b.region(r.id).text == "나" and a.counts()["regions"] == 2
    a.close()
    b.close()


def test_hanji_url_opens_the_window(monkeypatch):
    import hanji.ui.app
    from hanji.app import main

    seen = []
    monkeypatch.setattr(hanji.ui.app, "run", lambda argv: seen.append(argv) or 0)
    assert main(["postgresql://kim@db.office/receipts"]) == 0
    assert main([r"C:\data\a.hanji"]) == 0
    assert seen == [["postgresql://kim@db.office/receipts"], [r"C:\data\a.hanji"]]
