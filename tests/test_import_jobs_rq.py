"""The import jobs on Redis (TASKS_REDIS_URL: django-tasks-rq over Django's own tasks), run by
an RQ worker. Skipped without django-tasks-rq or a Redis on 127.0.0.1:6379 (or
TEST_TASKS_REDIS_URL)."""

import os

import pytest

from articles.models import Article
from imports import jobs
from imports.models import ImportJob
from imports.uploads import Entry, Upload

from .conftest import SEEDS

pytest.importorskip("django_tasks_rq")
django_rq = pytest.importorskip("django_rq")
redis = pytest.importorskip("redis")

REDIS_URL = os.environ.get("TEST_TASKS_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_reachable(), reason=f"no Redis at {REDIS_URL}")


@pytest.fixture
def rq_tasks(settings):
    # django_rq's app (its admin, its `rqworker` command) is not needed to queue and run.
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


def work(queue):
    """Run what the queue holds, as `manage.py rqworker --burst --job-class
    django_tasks_rq.backend.Job default` does (in this process, to see the test's database)."""
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    return worker.work(burst=True)


def test_a_job_queued_in_redis_is_run_by_an_rq_worker(rq_tasks, editor, vocabulary):
    paths = sorted(SEEDS.glob("*.txt"))[:3]
    upload = Upload(entries=[Entry(name=p.name, data=p.read_bytes()) for p in paths])
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    jobs.job_enqueue(job)
    job.refresh_from_db()
    assert job.task_id and job.status == ImportJob.Status.QUEUED  # queued, not run yet
    assert rq_tasks.count == 1
    work(rq_tasks)
    job.refresh_from_db()
    assert (job.status, job.done, job.created) == ("done", 3, 3)
    assert Article.objects.count() == 3
    from imports.tasks import import_job_run

    result = import_job_run.get_result(job.task_id)
    assert result.status == "SUCCESSFUL"
    assert result.return_value["created"] == 3
