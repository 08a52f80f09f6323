"""Restore a backup made by ``backup_archive`` into this database (``DATABASE_URL``), in
one transaction: all of it, verified by its fingerprint, or nothing.

The database must be migrated and hold no archive yet (``--force`` replaces the archive it
holds, and signs everyone out). Restoring into PostgreSQL a backup made on SQLite is how an
archive moves from one to the other. ``--check`` only reads the file through and checks it
against its own fingerprint, touching no database.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles import backup


class Command(BaseCommand):
    help = "Restore a backup_archive file into this (empty, migrated) database."

    def add_arguments(self, parser):
        parser.add_argument("input", help="A file written by backup_archive.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the archive this database holds (every copied table is emptied).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check that the file is complete and matches its fingerprint.",
        )

    def handle(self, *args, input, force=False, check=False, verbosity=1, **options):
        started = time.monotonic()

        def progress(label, rows):
            if verbosity >= 2:
                self.stdout.write(f"{label}: {rows} row(s)")

        try:
            if check:
                summary = backup.verify_file(input)
            else:
                summary = backup.restore(input, replace=force, progress=progress)
        except FileNotFoundError:
            raise CommandError(f"{input}: no such file.") from None
        except backup.BackupError as exc:
            raise CommandError(f"{exc} Nothing was restored.") from None
        except (DatabaseError, OSError) as exc:
            raise CommandError(f"{input}: the restore failed and was rolled back: {exc}") from None
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if summary.fixed_counts:
            fixed = ", ".join(f"{len(rows)} {name}" for name, rows in summary.fixed_counts.items())
            self.stderr.write(
                self.style.WARNING(f"The backup's published counts were wrong; fixed: {fixed}.")
            )
        if verbosity >= 1:
            rows = sum(summary.rows.values())
            verb = "Checked" if check else "Restored"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} {rows} row(s) of {len(summary.rows)} model(s) from {input} "
                    f"in {time.monotonic() - started:.1f} s; the fingerprint matches."
                )
            )
            self.stdout.write(f"Fingerprint: {summary.fingerprint}")
