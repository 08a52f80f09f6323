"""The phrase index: the pairs of neighbouring folded words of each article.

A quoted phrase ("an ninh hàng hải") made of common words used to be checked on every
article holding its words; its pairs ("an·ninh", "ninh·hang", "hang·hai") narrow the
candidates to the articles holding the phrase, almost exactly, before the check. On
PostgreSQL a generated ``tsvector`` of ``search_pairs`` with a GIN index, on SQLite a second
FTS5 table kept by triggers (``articles.search.schema``).
"""

from django.db import migrations, models

from articles.search.schema import create_pair_index, drop_pair_index
from articles.text import index_pairs


def fill_search_pairs(apps, schema_editor):
    """Give the articles already in the archive their pairs, 2,000 at a time."""
    article_model = apps.get_model("articles", "Article")
    rows = article_model.objects.only("search_folded").order_by("pk")
    batch = []
    for article in rows.iterator(chunk_size=2000):
        article.search_pairs = index_pairs(article.search_folded)
        batch.append(article)
        if len(batch) == 2000:
            article_model.objects.bulk_update(batch, ["search_pairs"])
            batch = []
    article_model.objects.bulk_update(batch, ["search_pairs"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_published_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_pairs",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_pairs, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_pair_index, drop_pair_index, elidable=False),
    ]
