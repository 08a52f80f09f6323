"""Counts of published articles kept on the rows readers list, filled from the data.

Meetings, themes and outlets get ``published_count``; the archive's months get a table of
their own. ``articles.counts`` keeps them exact on every write; this migration computes
them once (one GROUP BY per table), with the same function as ``manage.py recount_published``.
"""

from django.db import migrations, models


def recount(apps, schema_editor):
    from articles.counts import recount_all

    recount_all(apps)


def published_count(**kwargs):
    return models.PositiveIntegerField(
        default=0, editable=False, verbose_name="số bài đã đăng", **kwargs
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingtag",
            name="published_count",
            field=published_count(db_index=True),
        ),
        migrations.AddField(
            model_name="outlet",
            name="published_count",
            field=published_count(),
        ),
        migrations.AddField(
            model_name="themetag",
            name="published_count",
            field=published_count(),
        ),
        migrations.CreateModel(
            name="ArchiveMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField(verbose_name="năm")),
                ("month", models.PositiveSmallIntegerField(verbose_name="tháng")),
                ("published_count", published_count()),
            ],
            options={
                "verbose_name": "tháng lưu trữ",
                "verbose_name_plural": "tháng lưu trữ",
                "ordering": ["-year", "month"],
                "constraints": [
                    models.UniqueConstraint(fields=("year", "month"), name="archive_month_unique")
                ],
            },
        ),
        migrations.RunPython(recount, migrations.RunPython.noop),
    ]
