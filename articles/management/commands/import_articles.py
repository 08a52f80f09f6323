"""Import raw scraped article files (or folders of them) into the archive.

Each file is parsed, tagged by meeting and theme, and saved in its own
transaction. Re-importing the same content changes nothing. A file that cannot
be imported gets a one-line error naming it; the others still go in, and the
command exits non-zero.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.services import article_import, theme_matcher, vocabulary_load


class Command(BaseCommand):
    help = "Import raw article text files: import_articles FILE_OR_DIR..."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
        parser.add_argument(
            "--status",
            choices=[s.value for s in Article.Status],
            default=Article.Status.REVIEW,
            help="Status of the new articles (default: review).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and tag; save nothing.")
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="json: one JSON object per input file per line.",
        )

    def handle(self, *args, paths, status, dry_run, format, **options):
        files = list(self._files(paths))
        if not dry_run:
            vocabulary_load()
        themes = theme_matcher()
        failed = 0
        counts = {"created": 0, "unchanged": 0, "exists": 0, "parsed": 0, "failed": 0}
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                result = None
                error = f"cannot read file: {exc.strerror}"
            else:
                try:
                    result = article_import(
                        data=data,
                        source_file=str(path),
                        status=status,
                        dry_run=dry_run,
                        themes=themes,
                    )
                    error = result.error
                except Exception as exc:  # One broken file must not stop the others.
                    result = None
                    error = f"unexpected error: {exc.__class__.__name__}: {exc}"
            if result is None or result.action == "failed":
                failed += 1
                counts["failed"] += 1
                if format == "json":
                    self.stdout.write(
                        json.dumps({"source_file": str(path), "error": error}, ensure_ascii=False)
                    )
                else:
                    self.stderr.write(self.style.ERROR(f"{path}: error: {error}"))
                continue
            counts[result.action] += 1
            if format == "json":
                self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            elif options["verbosity"] >= 1:
                self.stdout.write(self._describe(path, result))
        if format == "text" and options["verbosity"] >= 1:
            summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
            style = self.style.ERROR if failed else self.style.SUCCESS
            self.stdout.write(style(f"{len(files)} file(s): {summary or 'nothing to do'}"))
        if failed:
            raise CommandError(
                f"{failed} of {len(files)} file(s) could not be imported", returncode=1
            )

    def _files(self, paths):
        for name in paths:
            path = Path(name)
            if path.is_dir():
                yield from sorted(
                    p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
                )
            elif path.exists():
                yield path
            else:
                raise CommandError(f"{name}: no such file or directory")

    def _describe(self, path, result):
        parsed = result.parsed
        tags = ", ".join([m.slug for m in result.meetings] + [t.slug for t in result.themes])
        warnings = "".join(f" [warning: {w}]" for w in parsed.warnings)
        if result.action == "created":
            head = self.style.SUCCESS(f"{path}: created #{result.article.pk}")
        elif result.action == "unchanged":
            head = f"{path}: unchanged (already imported as #{result.article.pk})"
        elif result.action == "exists":
            head = self.style.WARNING(f"{path}: skipped: {result.error}")
        else:
            head = f"{path}: parsed (dry run)"
        return f"{head} “{parsed.title}” {parsed.published_on or '?'} [{tags}]{warnings}"
