"""The background tasks of the admin's imports (Django's tasks framework, ``settings.TASKS``)."""

from django.tasks import task

from . import jobs


@task
def import_job_run(job_id: int) -> dict:
    """Import the files of an import job not yet done (safe to run again: it resumes)."""
    return jobs.job_run(job_id)
