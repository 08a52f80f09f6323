"""Import jobs: create one from an upload, run it file by file, resume it where it stopped.

A job runs through the same service as ``manage.py import_articles``
(``articles.services.article_import``: ``prepare`` then ``articles.imports``), one file per
transaction: a bad file fails alone, and the job's progress is written after each file. A
run picks only the files not yet done, each under its row's lock, so a second run of the
same job (a worker restarted, a resume) continues without doing a file twice.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from articles import auditing, permissions
from articles.importing.decode import MB
from articles.services import article_import, theme_matcher, vocabulary_load

from .models import ImportJob, ImportJobFile
from .uploads import Upload

logger = logging.getLogger(__name__)

# A job that is not done and has not moved for this long has lost its worker.
STALLED_AFTER = timedelta(minutes=2)

COUNTED = ("created", "unchanged", "exists", "failed")


def job_create(*, upload: Upload, user, article_status: str, source: str = "") -> ImportJob:
    """Store an upload's files as a job (queued); the caller enqueues it once committed.

    ``user`` None is the system (a script), as in the services.
    """
    if user is not None:
        permissions.require(permissions.may_add(user, article_status), "add")
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=user if getattr(user, "pk", None) else None,
            article_status=article_status,
            source=source[:300],
            total=len(upload.entries),
            skipped=upload.skipped,
            heartbeat_at=now,
        )
        ImportJobFile.objects.bulk_create(
            ImportJobFile(
                job=job,
                position=i,
                name=entry.name,
                size=entry.size or len(entry.data),
                data=entry.data,
                # A file refused at upload (too large, not unzippable) is failed already.
                state=ImportJobFile.State.DONE if entry.error else ImportJobFile.State.PENDING,
                action="failed" if entry.error else "",
                error=entry.error,
                finished_at=now if entry.error else None,
            )
            for i, entry in enumerate(upload.entries, start=1)
        )
        _count(job)
    return job


def job_enqueue(job: ImportJob) -> ImportJob:
    """Queue a run of ``job`` on the tasks backend; a queue that cannot be reached leaves
    the job waiting (resumable), it does not lose it."""
    from .tasks import import_job_run

    try:
        result = import_job_run.enqueue(job.pk)
    except Exception:
        logger.exception("import job %s: could not be queued", job.pk)
        return job
    job.task_id = str(result.id)[:100]
    ImportJob.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


def job_is_stalled(job: ImportJob, now=None) -> bool:
    """Whether ``job`` should be moving and is not: its worker was killed or never came."""
    now = now or timezone.now()
    return not job.is_done and job.heartbeat_at < now - STALLED_AFTER


def job_resume(job: ImportJob) -> ImportJob:
    """Queue another run of an unfinished job: it imports the files not yet done."""
    if job.is_done:
        return job
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    return job_enqueue(job)


def job_run(job_id: int) -> dict:
    """Import the files of job ``job_id`` not yet done, one transaction each; finish it.

    Safe to call again for the same job, at any point: files done are not redone.
    """
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.is_done:
        return {"job": job_id, "status": "missing" if job is None else job.status}
    started = time.monotonic()
    ImportJob.objects.filter(pk=job.pk, started_at__isnull=True).update(started_at=timezone.now())
    ImportJob.objects.filter(pk=job.pk).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.RUNNING, heartbeat_at=timezone.now()
    )
    from audit import acting_as

    # Attributed to the editor who uploaded the files, as the command's to its caller.
    with acting_as(job.created_by, "import"):
        vocabulary_load()
        themes = theme_matcher()
        max_bytes = int(settings.IMPORT_MAX_MB * MB) if settings.IMPORT_MAX_MB > 0 else None
        todo = job.files.filter(state=ImportJobFile.State.PENDING).order_by("position")
        for file_id in todo.values_list("pk", flat=True):
            _import_file(job, file_id, themes=themes, max_bytes=max_bytes)
        return _finish(job, time.monotonic() - started)


def _import_file(job: ImportJob, file_id: int, *, themes, max_bytes):
    """Import one file of the job in its own transaction, with the job's progress."""
    try:
        with transaction.atomic():
            item = ImportJobFile.objects.select_for_update().get(pk=file_id)
            if item.state != ImportJobFile.State.PENDING:
                return  # another run did it meanwhile
            result = article_import(
                data=bytes(item.data),
                source_file=item.name,
                status=job.article_status,
                themes=themes,
                max_bytes=max_bytes,
            )
            _file_done(item, result.action, result.error, result.article_id)
            _count(job)
    except DatabaseError as exc:  # the database refused this file: report it, go on
        with transaction.atomic():
            item = ImportJobFile.objects.select_for_update().get(pk=file_id)
            if item.state == ImportJobFile.State.PENDING:
                _file_done(item, "failed", f"database error: {exc}", None)
                _count(job)


def _file_done(item: ImportJobFile, action: str, error: str, article_id):
    item.state = ImportJobFile.State.DONE
    item.action = action or "failed"
    item.error = error or ""
    item.article_id = article_id
    item.data = b""  # imported: the article keeps the raw text
    item.finished_at = timezone.now()
    item.save(update_fields=["state", "action", "error", "article_id", "data", "finished_at"])


def _count(job: ImportJob) -> dict:
    """Write the job's progress from its files (the files are the truth: a run killed
    half-way and run again counts each file once)."""
    done = Q(state=ImportJobFile.State.DONE)
    counts = job.files.aggregate(
        done=Count("pk", filter=done),
        **{action: Count("pk", filter=done & Q(action=action)) for action in COUNTED},
    )
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **counts)
    for name, value in counts.items():
        setattr(job, name, value)
    return counts


def _finish(job: ImportJob, seconds: float) -> dict:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.is_done:
            return summary(job)
        if job.files.filter(state=ImportJobFile.State.PENDING).exists():
            return summary(job)  # another run holds the rest
        counts = _count(job)
        job.status = ImportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
        # One entry for the run, as the command writes (each article has its own).
        auditing.record(
            "import_run",
            user=job.created_by,
            via="import",
            target_type="import",
            target_id=f"job-{job.pk}",
            target_repr=(job.source or str(job))[:300],
            detail={
                "job": job.pk,
                "files": job.total,
                "skipped": len(job.skipped),
                "status": job.article_status,
                "seconds": round(seconds, 3),
                **{action: counts[action] for action in COUNTED},
            },
        )
    return summary(job)


def summary(job: ImportJob) -> dict:
    return {
        "job": job.pk,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        **{action: getattr(job, action) for action in COUNTED},
    }
