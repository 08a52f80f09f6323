"""A real search index on each database, and an index in the readers' order.

- PostgreSQL: a stored generated ``tsvector`` column holding every word of the exact and
  of the folded search column (no positions: phrases are checked on the few candidate
  rows), with a GIN index. The words are split by spaces, never by PostgreSQL's text
  parser, so the index agrees with ``articles.text.search_words`` whatever the database's
  locale.
- SQLite: an FTS5 table with the same words (the ``ascii`` tokenizer splits on spaces and
  line breaks only: every non-ASCII letter is part of a word, "đ" included), kept in sync
  with the article table by triggers, so bulk writes are indexed too.
- Both: no index on the status (three values, most rows published: it only misleads the
  planners away from the ordered index); an index in the order of every list, (published_on DESC NULLS LAST, id DESC),
  written per database (SQLite refuses NULLS LAST in an index; its DESC puts NULL last).
"""

from django.db import migrations, models

PG_VECTOR = """
ALTER TABLE articles_article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    array_to_tsvector(array_remove(string_to_array(
        translate(search_text || ' ' || search_folded, E'\\n', ' '), ' '), ''))
) STORED;
CREATE INDEX article_search_vector ON articles_article USING gin (search_vector);
CREATE INDEX article_newest_first ON articles_article (published_on DESC NULLS LAST, id DESC);
"""
PG_VECTOR_DROP = """
DROP INDEX IF EXISTS article_search_vector;
DROP INDEX IF EXISTS article_newest_first;
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_vector;
"""

SQLITE_WORDS_NEW = "new.search_text || ' ' || new.search_folded"
SQLITE_WORDS_OLD = "old.search_text || ' ' || old.search_folded"
SQLITE_FTS = [
    # SQLite sorts NULL last in a descending order, and refuses NULLS LAST in an index.
    "CREATE INDEX article_newest_first ON articles_article (published_on DESC, id DESC)",
    "CREATE VIRTUAL TABLE article_search USING fts5(words, content='', tokenize='ascii')",
    f"""CREATE TRIGGER article_search_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO article_search(rowid, words) VALUES (new.id, {SQLITE_WORDS_NEW});
    END""",
    f"""CREATE TRIGGER article_search_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO article_search(article_search, rowid, words)
        VALUES ('delete', old.id, {SQLITE_WORDS_OLD});
    END""",
    f"""CREATE TRIGGER article_search_update
    AFTER UPDATE OF search_text, search_folded ON articles_article BEGIN
        INSERT INTO article_search(article_search, rowid, words)
        VALUES ('delete', old.id, {SQLITE_WORDS_OLD});
        INSERT INTO article_search(rowid, words) VALUES (new.id, {SQLITE_WORDS_NEW});
    END""",
    f"INSERT INTO article_search(rowid, words) SELECT id, {SQLITE_WORDS_NEW.replace('new.', '')} "
    "FROM articles_article",
]
SQLITE_FTS_DROP = [
    "DROP INDEX IF EXISTS article_newest_first",
    "DROP TRIGGER IF EXISTS article_search_insert",
    "DROP TRIGGER IF EXISTS article_search_delete",
    "DROP TRIGGER IF EXISTS article_search_update",
    "DROP TABLE IF EXISTS article_search",
]


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_VECTOR)
    elif vendor == "sqlite":
        for statement in SQLITE_FTS:
            schema_editor.execute(statement)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_VECTOR_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_FTS_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_content_hash_one_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
        migrations.AlterField(
            model_name="article",
            name="status",
            field=models.CharField(
                choices=[("draft", "Bản nháp"), ("review", "Chờ duyệt"), ("published", "Đã đăng")],
                default="review",
                max_length=16,
                verbose_name="trạng thái",
            ),
        ),
    ]
