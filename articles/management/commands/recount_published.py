"""Rebuild the counts of published articles (per meeting, theme, outlet, month) from the data.

Every write keeps them exact (``articles.counts``); this is for repairs, and for bulk
loaders that write rows behind Django's back. ``--check`` only reports what is wrong.
"""

from django.core.management.base import BaseCommand

from articles import caching, counts


class Command(BaseCommand):
    help = "Recount the published articles of every meeting, theme, outlet and month."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Report wrong counts without changing them."
        )

    def handle(self, *args, **options):
        wrong = counts.drift() if options["check"] else counts.recount_all()
        total = sum(len(rows) for rows in wrong.values())
        if total and not options["check"]:
            caching.content_changed()  # cached pages showed the wrong counts
        if options["verbosity"] >= 2:
            for name, rows in wrong.items():
                for key, (stored, true) in sorted(rows.items()):
                    self.stdout.write(f"{name} {key}: {stored} -> {true}")
        if options["verbosity"] >= 1:
            summary = ", ".join(f"{len(rows)} {name}" for name, rows in wrong.items())
            verb = "wrong" if options["check"] else "fixed"
            style = self.style.WARNING if total and options["check"] else self.style.SUCCESS
            self.stdout.write(style(f"Counts {verb}: {summary}."))
        if options["check"] and total:
            raise SystemExit(1)
