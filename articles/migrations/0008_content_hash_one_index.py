"""Drop the plain index on Article.content_hash: the unique constraint's index serves lookups.

Django's AlterField (db_index True -> False) would also drop the partial unique index of the
constraint ``article_unique_content_hash`` on PostgreSQL, so the two plain indexes are dropped
by name instead, and only the migration state is altered.
"""

from django.db import migrations, models

PLAIN_INDEXES = (
    "articles_article_content_hash_19e034a5",
    "articles_article_content_hash_19e034a5_like",  # PostgreSQL's varchar_pattern_ops twin
)


def drop_plain_indexes(apps, schema_editor):
    for name in PLAIN_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_plain_index(apps, schema_editor):
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{PLAIN_INDEXES[0]}" ON "articles_article" ("content_hash")'
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_text_lz4")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="content_hash",
                    field=models.CharField(
                        blank=True, editable=False, max_length=64, verbose_name="mã băm nội dung"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_plain_indexes, create_plain_index)],
        ),
    ]
