"""Recompute the derived search columns in their new form: words separated by single
spaces, each line opened and closed by a space (search matches at word starts)."""

from django.db import migrations


def recompute(apps, schema_editor):
    from articles.text import fold, search_words

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "title", "lead", "body").iterator():
        text = "\n".join(part for part in (article.title, article.lead, article.body) if part)
        article.search_text = search_words(text)
        article.search_folded = fold(article.search_text)
        article.save(update_fields=["search_text", "search_folded"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_slug_redirect")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
