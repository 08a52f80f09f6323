"""The search index's database objects, per database (see migration 0009).

On SQLite, Django rebuilds a table to alter it, and a rebuild drops the table's triggers:
``ensure_index`` runs after every ``migrate`` and puts back whatever is missing.
"""

PG_VECTOR = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    array_to_tsvector(string_to_array(search_words, ' '))
) STORED;
CREATE INDEX article_search_vector ON articles_article USING gin (search_vector);
CREATE INDEX article_newest_first ON articles_article (published_on DESC NULLS LAST, id DESC);
"""
PG_VECTOR_DROP = """
DROP INDEX IF EXISTS article_search_vector;
DROP INDEX IF EXISTS article_newest_first;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
"""

SQLITE_WORDS_NEW = "new.search_words"
SQLITE_WORDS_OLD = "old.search_words"
SQLITE_FTS = [
    # SQLite sorts NULL last in a descending order, and refuses NULLS LAST in an index.
    "CREATE INDEX IF NOT EXISTS article_newest_first ON articles_article "
    "(published_on DESC, id DESC)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_search "
    "USING fts5(words, content='', tokenize='ascii')",
    f"""CREATE TRIGGER IF NOT EXISTS article_search_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO article_search(rowid, words) VALUES (new.id, {SQLITE_WORDS_NEW});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS article_search_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO article_search(article_search, rowid, words)
        VALUES ('delete', old.id, {SQLITE_WORDS_OLD});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS article_search_update
    AFTER UPDATE OF search_words ON articles_article BEGIN
        INSERT INTO article_search(article_search, rowid, words)
        VALUES ('delete', old.id, {SQLITE_WORDS_OLD});
        INSERT INTO article_search(rowid, words) VALUES (new.id, {SQLITE_WORDS_NEW});
    END""",
    f"INSERT INTO article_search(rowid, words) SELECT id, {SQLITE_WORDS_NEW.replace('new.', '')} "
    "FROM articles_article",
]
# The phrase index (migration 0011): the pairs of neighbouring folded words.
PG_PAIRS = """
ALTER TABLE articles_article ADD COLUMN search_pair_vector tsvector GENERATED ALWAYS AS (
    array_to_tsvector(string_to_array(search_pairs, ' '))
) STORED;
CREATE INDEX article_search_pair_vector ON articles_article USING gin (search_pair_vector);
"""
PG_PAIRS_DROP = """
DROP INDEX IF EXISTS article_search_pair_vector;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_pair_vector;
"""
SQLITE_PAIRS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_search_pairs "
    "USING fts5(pairs, content='', tokenize='ascii')",
    """CREATE TRIGGER IF NOT EXISTS article_search_pairs_insert
    AFTER INSERT ON articles_article BEGIN
        INSERT INTO article_search_pairs(rowid, pairs) VALUES (new.id, new.search_pairs);
    END""",
    """CREATE TRIGGER IF NOT EXISTS article_search_pairs_delete
    AFTER DELETE ON articles_article BEGIN
        INSERT INTO article_search_pairs(article_search_pairs, rowid, pairs)
        VALUES ('delete', old.id, old.search_pairs);
    END""",
    """CREATE TRIGGER IF NOT EXISTS article_search_pairs_update
    AFTER UPDATE OF search_pairs ON articles_article BEGIN
        INSERT INTO article_search_pairs(article_search_pairs, rowid, pairs)
        VALUES ('delete', old.id, old.search_pairs);
        INSERT INTO article_search_pairs(rowid, pairs) VALUES (new.id, new.search_pairs);
    END""",
    "INSERT INTO article_search_pairs(rowid, pairs) SELECT id, search_pairs FROM articles_article",
]
SQLITE_PAIRS_DROP = [
    "DROP TRIGGER IF EXISTS article_search_pairs_insert",
    "DROP TRIGGER IF EXISTS article_search_pairs_delete",
    "DROP TRIGGER IF EXISTS article_search_pairs_update",
    "DROP TABLE IF EXISTS article_search_pairs",
]

SQLITE_FTS_DROP = [
    "DROP INDEX IF EXISTS article_newest_first",
    "DROP TRIGGER IF EXISTS article_search_insert",
    "DROP TRIGGER IF EXISTS article_search_delete",
    "DROP TRIGGER IF EXISTS article_search_update",
    "DROP TABLE IF EXISTS article_search",
]


def _run(schema_editor, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)


def create_index(apps, schema_editor):
    _run(schema_editor, PG_VECTOR, SQLITE_FTS)


def drop_index(apps, schema_editor):
    _run(schema_editor, PG_VECTOR_DROP, SQLITE_FTS_DROP)


def create_pair_index(apps, schema_editor):
    _run(schema_editor, PG_PAIRS, SQLITE_PAIRS)


def drop_pair_index(apps, schema_editor):
    _run(schema_editor, PG_PAIRS_DROP, SQLITE_PAIRS_DROP)


def ensure_index(using="default", **kwargs):
    """Put back the SQLite search index's objects that a table rebuild dropped (a
    post_migrate handler; nothing to do on PostgreSQL, which alters tables in place)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    applied = MigrationRecorder(connection).applied_migrations()
    for migration, (table, statements) in {
        "0009_search_index": ("article_search", SQLITE_FTS),
        "0011_search_pairs": ("article_search_pairs", SQLITE_PAIRS),
    }.items():
        if ("articles", migration) not in applied:
            continue
        with connection.cursor() as cursor:
            existed = table in connection.introspection.table_names(cursor)
            *create, fill = statements
            for statement in create:
                cursor.execute(statement)
            if not existed:
                cursor.execute(fill)
