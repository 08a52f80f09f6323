"""Queue again the import jobs whose worker stopped before they were done.

A job imports file by file and skips the files already done, so running it again is
harmless. `make run` calls this before starting its worker (none is running then, so every
unfinished job is resumed); elsewhere, without ``--all``, only jobs that have not moved for
a while (``imports.jobs.STALLED_AFTER``) are.
"""

from django.core.management.base import BaseCommand

from imports import jobs
from imports.models import ImportJob


class Command(BaseCommand):
    help = "Queue again the unfinished import jobs whose worker stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every unfinished job (when no worker is running), not only stalled ones.",
        )

    def handle(self, *args, all, **options):
        unfinished = ImportJob.objects.exclude(status=ImportJob.Status.DONE).order_by("pk")
        resumed = 0
        for job in unfinished:
            if all or jobs.job_is_stalled(job):
                jobs.job_resume(job)
                resumed += 1
        if options["verbosity"] >= 1 and resumed:
            self.stdout.write(f"{resumed} import job(s) queued again")
