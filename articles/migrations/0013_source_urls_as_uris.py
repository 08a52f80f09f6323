"""Source URLs stored before articles/source_url.py as they were typed or scraped (an IRI
with Vietnamese letters, an upper-case host, "a|b") become the URI every write now stores,
so the importer's "same source" check (articles/imports.py) finds them again. A value no
mending makes an http(s) URL, or whose URI another article already holds, is left as it is
(the API shows such a value as null, or as that URI)."""

from django.db import migrations

from articles import source_url

BATCH = 5000


def to_uris(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    rows = Article.objects.exclude(source_url="").order_by("pk").values_list("pk", "source_url")
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        last = batch[-1][0]
        for pk, value in batch:
            uri = source_url.lenient(value)
            if uri is None or uri == value or Article.objects.filter(source_url=uri).exists():
                continue
            Article.objects.filter(pk=pk).update(source_url=uri)


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_editor_trust")]

    operations = [migrations.RunPython(to_uris, migrations.RunPython.noop, elidable=True)]
