"""On PostgreSQL, compress the article's long text columns with lz4 instead of pglz.

lz4 compresses and decompresses several times faster (TOAST); the import writes four copies
of each article's text (raw text, body, two search columns). Only new values are affected.
Skipped on other databases and on a PostgreSQL built without lz4.
"""

from django.db import migrations

COLUMNS = ("raw_text", "body", "lead", "search_text", "search_folded")


def use_lz4(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
            "WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if not row or not row[0]:
            return
        for column in COLUMNS:
            cursor.execute(f"ALTER TABLE articles_article ALTER COLUMN {column} SET COMPRESSION lz4")


def use_default(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(
                f"ALTER TABLE articles_article ALTER COLUMN {column} SET COMPRESSION DEFAULT"
            )


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_tag_evidence")]

    operations = [migrations.RunPython(use_lz4, use_default)]
