"""Back up the whole archive to one file (see ``articles.backup`` and the README's "Backup
and restore"): articles, tags, figures, redirects, revisions, counts, the audit log, users,
groups and their permissions, in one consistent read of the database.

``--fingerprint`` prints the archive's fingerprint and writes nothing: compare it with a
backup's, or with another database's.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from articles import backup


class Command(BaseCommand):
    help = "Write the whole archive to a gzip-compressed JSON Lines file, with its fingerprint."

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", help="The file to write (e.g. archive.jsonl.gz).")
        parser.add_argument(
            "--fingerprint",
            action="store_true",
            help="Print the archive's fingerprint and write nothing.",
        )

    def handle(self, *args, output=None, fingerprint=False, verbosity=1, **options):
        started = time.monotonic()
        if fingerprint:
            if output:
                raise CommandError("--fingerprint writes no file: give no output path.")
            summary = backup.fingerprint()
            self.report(summary.rows, verbosity)
            self.stdout.write(summary.hexdigest())
            return
        if not output:
            raise CommandError("Give the file to write, e.g. backup_archive archive.jsonl.gz.")

        def progress(label, rows):
            if verbosity >= 2:
                self.stdout.write(f"{label}: {rows} row(s)")

        try:
            summary = backup.backup(output, progress=progress)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write: {exc.strerror or exc}") from None
        if verbosity >= 1:
            size = summary.path.stat().st_size / 1_000_000
            rows = sum(summary.rows.values())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backed up {rows} row(s) of {len(summary.rows)} model(s) to {output} "
                    f"({size:.1f} MB) in {time.monotonic() - started:.1f} s."
                )
            )
            self.stdout.write(f"Fingerprint: {summary.fingerprint}")

    def report(self, rows, verbosity):
        if verbosity >= 2:
            for label, n in rows.items():
                self.stdout.write(f"{label}: {n} row(s)")
