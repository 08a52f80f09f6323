"""Fill the database with a generated archive of N realistic articles, for benchmarks.

The work is in :mod:`articles.corpus`; this command parses arguments, shows progress and
reports the speed. A database holding articles that were not generated is refused unless
``--force`` (they are then kept, and the generated ones written beside them).
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.corpus import ForeignArticles, corpus_generate


class Command(BaseCommand):
    help = (
        "Replace the generated articles with N published ones (and N // 10 drafts or "
        "articles in review besides), built from the archive's own text."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="published articles")
        parser.add_argument("--seed", type=int, default=1, help="same seed, same articles")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--force",
            action="store_true",
            help="write beside articles that were not generated (they are kept)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        if options["articles"] < 0 or options["batch_size"] < 1:
            raise CommandError("--articles must be 0 or more and --batch-size 1 or more.")
        total = options["articles"] + options["articles"] // 10
        show = not options["no_progress"] and options["verbosity"] >= 1
        with tqdm(total=total, unit=" articles", disable=not show, file=sys.stderr) as bar:
            try:
                report = corpus_generate(
                    articles=options["articles"],
                    seed=options["seed"],
                    batch_size=options["batch_size"],
                    force=options["force"],
                    progress=bar.update,
                )
            except ForeignArticles:
                raise CommandError(
                    "The database holds articles that generate_corpus did not write; "
                    "refusing to touch it. Use another database (DATABASE_URL), or --force "
                    "to write generated articles beside them."
                ) from None
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {report.published} published and {report.unpublished} "
                    f"unpublished articles ({report.figures} figures, {report.meeting_tags} "
                    f"meeting and {report.theme_tags} theme tags) in {report.seconds:.1f} s: "
                    f"{report.per_second:,.0f} articles/s; {report.deleted} generated "
                    "articles replaced."
                )
            )
