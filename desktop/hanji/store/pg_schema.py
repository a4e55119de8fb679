"""The project schema on PostgreSQL: one SQL script for each of :data:`hanji.store.schema.MIGRATIONS`,
by the migration's name, so that a PostgreSQL project has the same tables, columns and counts as a
project file of the same schema version and moves up the same steps (in one transaction: DDL is
transactional on PostgreSQL).

What differs from SQLite, and why:

- ``INTEGER PRIMARY KEY`` is ``bigint`` with a ``BEFORE INSERT`` trigger that gives a row without an
  id ``MAX(id) + 1`` (SQLite's rowid rule; a sequence would not see the ids undo and imports write
  themselves). Writes hold the project's advisory lock (:mod:`hanji.store.pg`), so two seats never
  take the same id.
- ``BLOB`` is ``bytea``; ``REAL`` is ``double precision``; 0/1 flags stay integers (the store's SQL
  compares them with 0 and 1 on both backends).
- FTS5 has no PostgreSQL twin that finds two-syllable Hangul words (``tsvector`` splits on
  words; ``pg_trgm`` indexes three characters). Search is ``strpos`` over ``lower(text)`` (every
  length, Hangul included), answered by a GIN index of each text's characters and character pairs
  (the step ``pg1_short_search`` below; it replaced migration 2's ``pg_trgm`` indexes).
- The ``counts`` table is kept by plpgsql statement triggers with transition tables: a statement
  of many rows moves each count once (row triggers updating one counts row thousands of times in
  one transaction made a bulk copy quadratic), and the history's "was this the step's last row" is
  asked of the whole statement (row triggers fire after it on PostgreSQL).
- ``hanji_data_version`` (a sequence) moves on every statement that changes documents, regions,
  links, key-values or the label schema: the window's caches (and other seats) ask it whether the
  project changed.
- ``PRAGMA user_version`` / ``application_id`` are the ``meta`` rows ``schema_version`` /
  ``application_id``.
"""

from __future__ import annotations

ID_TABLES = ("documents", "regions", "links", "keyvalues", "history", "models", "review_events", "conflicts")


def _next_id(table: str) -> str:
    return f"""
        CREATE FUNCTION hanji_id_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.id IS NULL THEN
                NEW.id := (SELECT COALESCE(MAX(id), 0) + 1 FROM {table});
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER {table}_id BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION hanji_id_{table}();
    """


def _touch(table: str) -> str:
    return (f"CREATE TRIGGER {table}_touch AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hanji_touch();\n")


M001_INITIAL = """
CREATE TABLE meta (key text PRIMARY KEY, value text);
CREATE TABLE images (sha256 text PRIMARY KEY, data bytea NOT NULL, size bigint NOT NULL, mime text NOT NULL DEFAULT '');
CREATE TABLE documents (
    id bigint PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL, width bigint NOT NULL, height bigint NOT NULL,
    status text NOT NULL DEFAULT 'new', doc_type text NOT NULL DEFAULT '', path text, attrs text NOT NULL DEFAULT '{}',
    added double precision NOT NULL, updated double precision NOT NULL);
CREATE UNIQUE INDEX documents_sha256_unique ON documents (sha256);
CREATE INDEX documents_status ON documents (status);
CREATE TABLE regions (
    id bigint PRIMARY KEY, doc_id bigint NOT NULL REFERENCES documents (id), kind text NOT NULL, points text NOT NULL,
    text text NOT NULL DEFAULT '', status text NOT NULL, source text NOT NULL DEFAULT 'human',
    confidence double precision, ord bigint, label text NOT NULL DEFAULT '', tags text NOT NULL DEFAULT '[]',
    machine_text text, attrs text NOT NULL DEFAULT '{}', updated double precision NOT NULL);
CREATE INDEX regions_doc ON regions (doc_id, ord);
CREATE INDEX regions_status ON regions (status);
CREATE TABLE links (
    id bigint PRIMARY KEY, doc_id bigint NOT NULL REFERENCES documents (id),
    src bigint NOT NULL REFERENCES regions (id), dst bigint NOT NULL REFERENCES regions (id),
    key text NOT NULL DEFAULT '');
CREATE INDEX links_doc ON links (doc_id);
CREATE INDEX links_src ON links (src);
CREATE INDEX links_dst ON links (dst);
CREATE TABLE keyvalues (
    id bigint PRIMARY KEY, doc_id bigint NOT NULL REFERENCES documents (id), key text NOT NULL,
    value text NOT NULL DEFAULT '', region_ids text NOT NULL DEFAULT '[]', source text NOT NULL DEFAULT 'human',
    confidence double precision);
CREATE INDEX keyvalues_doc ON keyvalues (doc_id);
CREATE TABLE entity_types (
    name text PRIMARY KEY, color text NOT NULL, key text NOT NULL DEFAULT '', title text NOT NULL DEFAULT '',
    personal bigint NOT NULL DEFAULT 0, doc_type text NOT NULL DEFAULT '', position bigint NOT NULL DEFAULT 0);
CREATE TABLE history (
    id bigint PRIMARY KEY, step bigint NOT NULL, label text NOT NULL, deltas text NOT NULL,
    undone bigint NOT NULL DEFAULT 0, at double precision NOT NULL);
CREATE INDEX history_step ON history (step);
CREATE INDEX history_undone ON history (undone, step);
CREATE TABLE jobs (name text PRIMARY KEY, kind text NOT NULL, state text NOT NULL, updated double precision NOT NULL);
CREATE SEQUENCE hanji_data_version;
CREATE FUNCTION hanji_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('hanji_data_version');
    RETURN NULL;
END $$;
""" + "".join(_next_id(t) for t in ("documents", "regions", "links", "keyvalues", "history")) + "".join(
    _touch(t) for t in ("documents", "regions", "links", "keyvalues", "entity_types"))

# pg_trgm where the server has it and lets the database's owner install it (a savepoint: without it
# search scans, still right); the indexes are on lower(text), which search asks
M002_SEARCH = """
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pg_trgm is not available: search scans the regions';
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX regions_text_trgm ON regions USING gin (lower(text) gin_trgm_ops)';
    END IF;
END $$;
"""

M003_MODELS = """
CREATE TABLE models (
    id bigint PRIMARY KEY, task text NOT NULL, name text NOT NULL, weights bytea NOT NULL, sha256 text NOT NULL,
    metrics text NOT NULL DEFAULT '{}', active bigint NOT NULL DEFAULT 0, created double precision NOT NULL);
""" + _next_id("models")

M004_KEYVALUE_SEARCH = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX keyvalues_key_trgm ON keyvalues USING gin (lower(key) gin_trgm_ops)';
        EXECUTE 'CREATE INDEX keyvalues_value_trgm ON keyvalues USING gin (lower(value) gin_trgm_ops)';
    END IF;
END $$;
"""

M005_COUNTS = """
CREATE TABLE counts (name text PRIMARY KEY, n bigint NOT NULL DEFAULT 0);
CREATE FUNCTION hanji_bump(k text, d bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF d = 0 THEN
        RETURN;
    END IF;
    INSERT INTO counts (name, n) VALUES (k, d) ON CONFLICT (name) DO UPDATE SET n = counts.n + EXCLUDED.n;
    IF d < 0 AND position(':' IN k) > 0 THEN  -- a status no row has any more leaves no row behind
        DELETE FROM counts WHERE name = k AND n = 0;
    END IF;
END $$;
CREATE FUNCTION hanji_bump_all(deltas text[], ns bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(deltas, 1), 0) LOOP
        PERFORM hanji_bump(deltas[i], ns[i]);
    END LOOP;
END $$;
-- statement triggers with transition tables: a statement of many rows (an import's batch, a copy)
-- moves each count once, not once a row (repeated updates of one counts row in one transaction
-- each leave a row version behind: row triggers made a 40,000-region copy quadratic)
CREATE FUNCTION hanji_counts_documents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k text[]; n bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(name), array_agg(d) INTO k, n FROM (
            SELECT 'documents:' || status AS name, COUNT(*) AS d FROM new_rows GROUP BY status
            UNION ALL SELECT 'linked_images', COUNT(*) FROM new_rows WHERE path IS NOT NULL) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(name), array_agg(-d) INTO k, n FROM (
            SELECT 'documents:' || status AS name, COUNT(*) AS d FROM old_rows GROUP BY status
            UNION ALL SELECT 'linked_images', COUNT(*) FROM old_rows WHERE path IS NOT NULL) x;
    ELSE
        SELECT array_agg(name), array_agg(d) INTO k, n FROM (
            SELECT name, SUM(d) AS d FROM (
                SELECT 'documents:' || status AS name, -1 AS d FROM old_rows
                UNION ALL SELECT 'documents:' || status, 1 FROM new_rows
                UNION ALL SELECT 'linked_images', -1 FROM old_rows WHERE path IS NOT NULL
                UNION ALL SELECT 'linked_images', 1 FROM new_rows WHERE path IS NOT NULL) y
            GROUP BY name ORDER BY SUM(d) DESC) x;
    END IF;
    PERFORM hanji_bump_all(k, n);
    RETURN NULL;
END $$;
CREATE TRIGGER counts_documents_ai AFTER INSERT ON documents REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_documents();
CREATE TRIGGER counts_documents_ad AFTER DELETE ON documents REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_documents();
CREATE TRIGGER counts_documents_au AFTER UPDATE ON documents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_documents();
CREATE FUNCTION hanji_counts_regions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k text[]; n bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(name), array_agg(d) INTO k, n FROM (
            SELECT 'regions:' || status AS name, COUNT(*) AS d FROM new_rows GROUP BY status) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(name), array_agg(-d) INTO k, n FROM (
            SELECT 'regions:' || status AS name, COUNT(*) AS d FROM old_rows GROUP BY status) x;
    ELSE
        SELECT array_agg(name), array_agg(d) INTO k, n FROM (
            SELECT name, SUM(d) AS d FROM (
                SELECT 'regions:' || status AS name, -1 AS d FROM old_rows
                UNION ALL SELECT 'regions:' || status, 1 FROM new_rows) y
            GROUP BY name ORDER BY SUM(d) DESC) x;
    END IF;
    PERFORM hanji_bump_all(k, n);
    RETURN NULL;
END $$;
CREATE TRIGGER counts_regions_ai AFTER INSERT ON regions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_regions();
CREATE TRIGGER counts_regions_ad AFTER DELETE ON regions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_regions();
CREATE TRIGGER counts_regions_au AFTER UPDATE ON regions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_regions();
CREATE FUNCTION hanji_counts_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hanji_bump(TG_ARGV[0], (SELECT COUNT(*) FROM new_rows));
    ELSE
        PERFORM hanji_bump(TG_ARGV[0], -(SELECT COUNT(*) FROM old_rows));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER counts_links_ai AFTER INSERT ON links REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_rows('links');
CREATE TRIGGER counts_links_ad AFTER DELETE ON links REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_rows('links');
CREATE TRIGGER counts_keyvalues_ai AFTER INSERT ON keyvalues REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_rows('keyvalues');
CREATE TRIGGER counts_keyvalues_ad AFTER DELETE ON keyvalues REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_rows('keyvalues');
CREATE FUNCTION hanji_counts_images() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM hanji_bump('image_bytes', (SELECT COALESCE(SUM(size), 0) FROM new_rows)::bigint);
    ELSE
        PERFORM hanji_bump('image_bytes', -(SELECT COALESCE(SUM(size), 0) FROM old_rows)::bigint);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER counts_images_ai AFTER INSERT ON images REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_images();
CREATE TRIGGER counts_images_ad AFTER DELETE ON images REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_images();
CREATE FUNCTION hanji_counts_history_ai() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hanji_bump('history_steps', (SELECT COUNT(DISTINCT a.step) FROM added a WHERE NOT EXISTS (
        SELECT 1 FROM history h WHERE h.step = a.step AND h.id NOT IN (SELECT id FROM added))));
    RETURN NULL;
END $$;
CREATE FUNCTION hanji_counts_history_ad() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hanji_bump('history_steps', -(SELECT COUNT(DISTINCT g.step) FROM gone g WHERE NOT EXISTS (
        SELECT 1 FROM history h WHERE h.step = g.step)));
    RETURN NULL;
END $$;
CREATE TRIGGER counts_history_ai AFTER INSERT ON history REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_history_ai();
CREATE TRIGGER counts_history_ad AFTER DELETE ON history REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION hanji_counts_history_ad();
INSERT INTO counts (name, n) SELECT 'documents:' || status, COUNT(*) FROM documents GROUP BY status;
INSERT INTO counts (name, n) SELECT 'regions:' || status, COUNT(*) FROM regions GROUP BY status;
INSERT INTO counts (name, n) VALUES
    ('links', (SELECT COUNT(*) FROM links)),
    ('keyvalues', (SELECT COUNT(*) FROM keyvalues)),
    ('linked_images', (SELECT COUNT(*) FROM documents WHERE path IS NOT NULL)),
    ('image_bytes', (SELECT COALESCE(SUM(size), 0) FROM images)),
    ('history_steps', (SELECT COUNT(DISTINCT step) FROM history));
"""

M006_TEAM = """
ALTER TABLE history ADD COLUMN author text NOT NULL DEFAULT '';
ALTER TABLE history ADD COLUMN doc_id bigint;
UPDATE history SET doc_id = COALESCE((deltas::jsonb -> 0 -> 3 ->> 'doc_id')::bigint,
    (deltas::jsonb -> 0 -> 2 ->> 'doc_id')::bigint,
    CASE WHEN deltas::jsonb -> 0 ->> 0 = 'documents' THEN (deltas::jsonb -> 0 ->> 1)::bigint END);
CREATE INDEX history_doc ON history (doc_id);
CREATE INDEX history_author ON history (author, at);
CREATE TABLE reviews (
    doc_id bigint PRIMARY KEY, state text NOT NULL, labeler text NOT NULL DEFAULT '', reviewer text NOT NULL DEFAULT '',
    at double precision NOT NULL);
CREATE INDEX reviews_state ON reviews (state);
CREATE TABLE review_events (
    id bigint PRIMARY KEY, doc_id bigint NOT NULL, action text NOT NULL, author text NOT NULL DEFAULT '',
    labeler text NOT NULL DEFAULT '', region_id bigint, comment text NOT NULL DEFAULT '', at double precision NOT NULL);
CREATE INDEX review_events_doc ON review_events (doc_id, id);
CREATE INDEX review_events_labeler ON review_events (labeler, action);
CREATE TABLE assignments (doc_id bigint NOT NULL, author text NOT NULL, at double precision NOT NULL,
    PRIMARY KEY (doc_id, author));
CREATE TABLE label_versions (
    doc_id bigint NOT NULL, author text NOT NULL, regions text NOT NULL DEFAULT '[]',
    keyvalues text NOT NULL DEFAULT '[]', at double precision NOT NULL, PRIMARY KEY (doc_id, author));
""" + _next_id("review_events")

M007_PACKAGES = """
CREATE TABLE packages (
    id text PRIMARY KEY, seat text NOT NULL DEFAULT '', path text NOT NULL DEFAULT '', docs bigint NOT NULL DEFAULT 0,
    created double precision NOT NULL, merged double precision, info text NOT NULL DEFAULT '{}');
CREATE TABLE package_checkouts (
    doc_id bigint PRIMARY KEY, package text NOT NULL, seat text NOT NULL DEFAULT '', at double precision NOT NULL);
CREATE INDEX package_checkouts_package ON package_checkouts (package);
CREATE TABLE package_base (doc_id bigint PRIMARY KEY, version text NOT NULL);
CREATE TABLE conflicts (
    id bigint PRIMARY KEY, doc_id bigint NOT NULL, package text NOT NULL, kind text NOT NULL,
    target text NOT NULL DEFAULT '', base text NOT NULL DEFAULT 'null', ours text NOT NULL DEFAULT 'null',
    theirs text NOT NULL DEFAULT 'null', state text NOT NULL DEFAULT 'open', resolution text NOT NULL DEFAULT '',
    at double precision NOT NULL);
CREATE INDEX conflicts_state ON conflicts (state, doc_id);
CREATE INDEX conflicts_package ON conflicts (package);
""" + _next_id("conflicts")

M008_CLAIMS = """
CREATE TABLE claims (
    doc_id bigint PRIMARY KEY, holder text NOT NULL DEFAULT '', seat text NOT NULL, taken double precision NOT NULL,
    renewed double precision NOT NULL);
CREATE INDEX claims_seat ON claims (seat);
"""

# migration 9's short-query index is SQLite's (FTS5 tables); PostgreSQL's is the step
# pg1_short_search of PG_STEPS below (projects made before it get it when next opened for writing)
M_SHORT_SEARCH = ""

PG_MIGRATIONS: dict[str, str] = {
    "m001_initial": M001_INITIAL,
    "m002_search": M002_SEARCH,
    "m003_models": M003_MODELS,
    "m004_keyvalue_search": M004_KEYVALUE_SEARCH,
    "m005_counts": M005_COUNTS,
    "m006_team": M006_TEAM,
    "m007_packages": M007_PACKAGES,
    "m008_claims": M008_CLAIMS,
    "m008_short_search": M_SHORT_SEARCH,
    "m009_short_search": M_SHORT_SEARCH,
}


# ---------------------------------------------------------------------------------------- PostgreSQL's own steps
# Schema steps only a PostgreSQL project takes, after every step of MIGRATIONS; the meta row
# ``pg_steps`` counts those a project has (none: 0), so that SQLite's schema and version stay as
# they are. Each must be safe to run again (OR REPLACE, IF EXISTS) and kept by the server itself
# (functions, indexes, triggers): a seat of an older Hanji, which does not know the step, goes on
# writing and reading correctly (pg1 drops the trigram indexes: such a seat's searches of three
# characters and more then read every text).

# Search by character pairs (issue 20): pg_trgm indexes three characters, so a query of one or two
# was a scan of every region's text (2-character Hangul p95 292-532 ms at 10,000 documents). A GIN
# index on each text's characters and character pairs (lower-cased, as search compares) answers every
# length: a text contains a query of one or two characters exactly when its array holds it, and a
# longer one only if its array holds all the query's pairs (hanji_query_grams; strpos then decides).
# It replaces the trigram indexes (on 10,000 documents the pairs answered 3-8 characters at p95 28-36
# ms where the trigrams took 53-55, same run): one GIN index to keep up on every write instead of two
# (the upkeep of a GIN index is most of the server's time of an import), and no extension needed.
# The arrays are computed by the server (expression indexes), so every write path (COPY, undo,
# other seats) keeps them.
PG1_SHORT_SEARCH = """
CREATE OR REPLACE FUNCTION hanji_grams(t text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    a text[] := string_to_array(t, NULL);
    r text[] := a;
BEGIN
    FOR i IN 1 .. coalesce(array_length(a, 1), 0) - 1 LOOP
        r := r || (a[i] || a[i + 1]);
    END LOOP;
    RETURN r;
END $$;
CREATE OR REPLACE FUNCTION hanji_query_grams(q text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN length(q) < 2 THEN string_to_array(q, NULL) ELSE (hanji_grams(q))[length(q) + 1:] END
$$;
SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX IF NOT EXISTS regions_text_grams ON regions USING gin (hanji_grams(lower(text)));
CREATE INDEX IF NOT EXISTS keyvalues_grams ON keyvalues USING gin ((hanji_grams(lower(key)) || hanji_grams(lower(value))));
DROP INDEX IF EXISTS regions_text_trgm;
DROP INDEX IF EXISTS keyvalues_key_trgm;
DROP INDEX IF EXISTS keyvalues_value_trgm;
"""

# An edit's history entry in one statement (issue 20: a round trip is what a window's edit waits on
# over a network, or on a busy server): its author's redo steps dropped, the next step number taken,
# the entry written; the same three statements the store sends on SQLite, in the same order (the
# counts' statement triggers fire for each). ``step`` NULL: the next one.
PG2_RECORD = """
CREATE OR REPLACE FUNCTION hanji_record(who text, step_ bigint, label_ text, deltas_ text, at_ double precision,
                                        doc bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE s bigint := step_;
BEGIN
    DELETE FROM history WHERE undone = 1 AND author = who;
    IF s IS NULL THEN
        SELECT COALESCE(MAX(step), 0) + 1 INTO s FROM history;
    END IF;
    INSERT INTO history (step, label, deltas, undone, at, author, doc_id) VALUES (s, label_, deltas_, 0, at_, who, doc);
    RETURN s;
END $$;
"""

# The character-pair indexes compare their keys byte for byte (issue 20): a GIN index sorts each
# text's keys with the index's collation, and the database's (C.UTF-8 on the test cluster, a
# language's locale on a team's server) compares through the C library where "C" is a memcmp.
# Keys are looked up by equality only, which is byte equality under either, so the same rows are
# found; search asks for the collation (pgstore) so that the planner takes these indexes. The
# upkeep is most of an import's server time: 200,000 regions in batches of 5,120, server CPU 5.1-5.2
# -> 4.2 s in a C.UTF-8 database; 100,000 texts copied into an ICU ko-KR database (a Korean team's
# server), the index's upkeep 3.3-3.6 -> 1.7-1.9 s. The step rebuilds both indexes once, in the
# upgrade's transaction: 207 s at 100,000 documents (2,000,000 regions) at load 10-11 on 2 cores,
# while the project's writers wait. A seat of an older Hanji goes on writing correctly; its
# searches read the texts without the index.
PG3_GRAMS_C = """
SET LOCAL maintenance_work_mem = '256MB';
DROP INDEX IF EXISTS regions_text_grams;
DROP INDEX IF EXISTS keyvalues_grams;
CREATE INDEX regions_text_grams ON regions USING gin (hanji_grams(lower(text)) COLLATE "C");
CREATE INDEX keyvalues_grams ON keyvalues USING gin ((hanji_grams(lower(key)) || hanji_grams(lower(value))) COLLATE "C");
"""

PG_STEPS: list[tuple[str, str]] = [("pg1_short_search", PG1_SHORT_SEARCH), ("pg2_record", PG2_RECORD),
                                   ("pg3_grams_c", PG3_GRAMS_C)]
PG_STEPS_KEY = "pg_steps"  # the meta row: how many of PG_STEPS the project has


def pg_script(migration) -> str | None:
    """The PostgreSQL form of a schema step (a migration function of :mod:`hanji.store.schema`): its
    ``pg`` attribute if it has one, else this module's script of that name; None when there is none."""
    sql = getattr(migration, "pg", None)
    if sql is None:
        sql = PG_MIGRATIONS.get(migration.__name__)
    return sql
