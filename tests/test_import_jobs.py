"""Background import jobs: several files or a .zip uploaded in the admin become an ImportJob,
run by a task (django.tasks) file by file through the import command's service, with the
progress in the database, each file's outcome and reason, resumption after a worker stops,
an audit entry at the end, and the same articles as `manage.py import_articles`."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, MeetingTag, Outlet, ThemeTag
from audit.models import AuditEntry
from imports import jobs
from imports.models import ImportJob, ImportJobFile
from imports.uploads import Entry, Upload

from .conftest import BAD, SAMPLES, SEEDS

URL = "/admin/imports/importjob/new/"
GOOD = sorted(SEEDS.glob("*.txt")) + sorted(SAMPLES.glob("*.txt"))[:6]
BAD_TXT = sorted(p for p in BAD.glob("*.txt"))


def uploaded(path, name=None):
    handle = io.BytesIO(path.read_bytes())
    handle.name = name or path.name
    return handle


def zipped(members) -> io.BytesIO:
    """A .zip of (name, bytes) members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    buffer.seek(0)
    buffer.name = "bai.zip"
    return buffer


def job_page(client, job):
    return client.get(f"/admin/imports/importjob/{job.pk}/change/")


# -- several files, a zip -----------------------------------------------------------------


def test_several_files_become_a_job_that_imports_them(editor_client, editor, vocabulary):
    files = [uploaded(p) for p in GOOD[:4]]
    response = editor_client.post(URL, {"files": files, "job_status": "review"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/imports/importjob/{job.pk}/change/"
    assert job.status == ImportJob.Status.DONE  # the test backend runs tasks at once
    assert (job.total, job.done, job.created, job.unchanged, job.failed) == (4, 4, 4, 0, 0)
    assert job.created_by == editor
    assert Article.objects.filter(status=Article.Status.REVIEW).count() == 4
    names = list(job.files.values_list("name", flat=True))
    assert names == [p.name for p in GOOD[:4]]
    assert not any(job.files.values_list("data", flat=True))  # bytes dropped once imported
    for item in job.files.all():
        assert Article.objects.get(pk=item.article_id).source_file == item.name


def test_a_zip_imports_its_txt_members_and_lists_what_it_skipped(editor_client, vocabulary):
    members = [(f"bai/{p.name}", p.read_bytes()) for p in GOOD[:3]]
    members += [
        ("../../etc/passwd.txt", GOOD[3].read_bytes()),
        ("/tuyet-doi.txt", GOOD[3].read_bytes()),
        ("anh.jpg", b"\xff\xd8\xff"),
        ("__MACOSX/bai/._x.txt", b"junk"),
        ("bai/rong.txt", b""),
        ("trong/", b""),
    ]
    response = editor_client.post(URL, {"files": zipped(members), "job_status": "draft"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.total == 4  # three articles and the empty file
    assert (job.created, job.failed) == (3, 1)
    assert job.files.get(action="failed").error == "empty file"
    skipped = {s["name"]: s["reason"] for s in job.skipped}
    assert skipped == {
        "bai.zip/../../etc/passwd.txt": "unsafe_name",
        "bai.zip//tuyet-doi.txt": "unsafe_name",
        "bai.zip/anh.jpg": "not_txt",
        "bai.zip/__MACOSX/bai/._x.txt": "hidden",
    }
    assert Article.objects.filter(status=Article.Status.DRAFT).count() == 3
    html = job_page(editor_client, job).content.decode()
    assert "tên không an toàn" in html and "không phải tệp .txt" in html


def test_bad_files_among_good_ones_fail_alone_with_their_reason(editor_client, vocabulary):
    files = [uploaded(p) for p in GOOD[:2]] + [uploaded(p) for p in BAD_TXT]
    files.append(uploaded(GOOD[0], name="copy-of-the-first.txt"))
    response = editor_client.post(URL, {"files": files, "job_status": "review"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.total == 2 + len(BAD_TXT) + 1
    assert (job.created, job.unchanged) == (2, 1)
    reasons = dict(job.files.filter(action="failed").values_list("name", "error"))
    assert reasons["empty.txt"] == "empty file"
    assert reasons["cp1258.txt"].startswith("not UTF-8 text")
    assert reasons["not_article.txt"].startswith("not an article")
    assert job.failed == len(reasons) == len(BAD_TXT)
    html = job_page(editor_client, job).content.decode()
    assert "Tệp rỗng" in html and "Không phải một bài báo" in html
    assert 'class="file-failed"' in html


def test_progress_is_written_after_each_file(monkeypatch, editor, vocabulary):
    upload = Upload(entries=[Entry(name=p.name, data=p.read_bytes()) for p in GOOD[:4]])
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    seen = []
    original = jobs.article_import

    def spy(**kwargs):
        row = ImportJob.objects.get(pk=job.pk)
        seen.append((row.status, row.done, row.created))
        return original(**kwargs)

    monkeypatch.setattr(jobs, "article_import", spy)
    jobs.job_run(job.pk)
    assert seen == [("running", 0, 0), ("running", 1, 1), ("running", 2, 2), ("running", 3, 3)]
    job.refresh_from_db()
    assert (job.status, job.done, job.created) == ("done", 4, 4)
    assert job.started_at and job.finished_at


def test_the_outcome_is_in_the_audit_log(editor_client, editor, vocabulary):
    files = [uploaded(p) for p in GOOD[:2]] + [uploaded(BAD / "empty.txt")]
    editor_client.post(URL, {"files": files, "job_status": "review"})
    job = ImportJob.objects.get()
    entry = AuditEntry.objects.get(action="import_run")
    assert entry.actor == editor and entry.via == "import"
    assert entry.target_id == f"job-{job.pk}"
    assert entry.detail["job"] == job.pk
    assert (entry.detail["files"], entry.detail["created"], entry.detail["failed"]) == (3, 2, 1)
    # Each article's own entry names the editor too.
    assert AuditEntry.objects.filter(action="import_article", actor=editor).count() == 2


# -- a worker that stops ------------------------------------------------------------------


class WorkerKilled(BaseException):
    """Stands for the worker's process dying in the middle of a file."""


def test_a_job_run_again_continues_with_the_files_not_done(monkeypatch, editor, vocabulary):
    upload = Upload(entries=[Entry(name=p.name, data=p.read_bytes()) for p in GOOD[:5]])
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    original, calls = jobs.article_import, []

    def dies_on_the_third(**kwargs):
        calls.append(kwargs["source_file"])
        if len(calls) == 3:
            raise WorkerKilled
        return original(**kwargs)

    monkeypatch.setattr(jobs, "article_import", dies_on_the_third)
    with pytest.raises(WorkerKilled):
        jobs.job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.created) == ("running", 2, 2)
    assert Article.objects.count() == 2
    # The third file's transaction was rolled back: still pending, its bytes kept.
    third = job.files.get(position=3)
    assert third.state == ImportJobFile.State.PENDING and bytes(third.data)

    calls.clear()
    monkeypatch.setattr(jobs, "article_import", lambda **kw: calls.append(kw) or original(**kw))
    jobs.job_run(job.pk)
    assert [c["source_file"] for c in calls] == [p.name for p in GOOD[2:5]]
    job.refresh_from_db()
    assert (job.status, job.done, job.created, job.failed) == ("done", 5, 5, 0)
    assert Article.objects.count() == 5
    assert AuditEntry.objects.filter(action="import_run").count() == 1
    # Done: a further run changes nothing.
    calls.clear()
    jobs.job_run(job.pk)
    assert calls == [] and AuditEntry.objects.filter(action="import_run").count() == 1


def test_a_stalled_job_is_offered_and_resumed_from_its_page(
    editor_client, editor, vocabulary, monkeypatch
):
    upload = Upload(entries=[Entry(name=p.name, data=p.read_bytes()) for p in GOOD[:2]])
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    # Queued while no worker ran: nothing moved for longer than STALLED_AFTER.
    ImportJob.objects.filter(pk=job.pk).update(
        heartbeat_at=job.heartbeat_at - jobs.STALLED_AFTER * 2
    )
    html = job_page(editor_client, job).content.decode()
    assert 'id="job-resume"' in html and 'id="job-resume" hidden' not in html
    response = editor_client.post(f"/admin/imports/importjob/{job.pk}/resume/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 2)
    assert 'id="job-resume" hidden' in job_page(editor_client, job).content.decode()


def test_resume_command_queues_unfinished_jobs(editor, vocabulary):
    upload = Upload(entries=[Entry(name=p.name, data=p.read_bytes()) for p in GOOD[:2]])
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    call_command("resume_import_jobs", verbosity=0)  # not stalled yet: left alone
    assert ImportJob.objects.get(pk=job.pk).status == "queued"
    out = StringIO()
    call_command("resume_import_jobs", "--all", stdout=out)
    assert ImportJob.objects.get(pk=job.pk).status == "done"
    assert "1 import job(s)" in out.getvalue()


# -- the job page -------------------------------------------------------------------------


def test_the_job_page_shows_the_progress_without_javascript(editor_client, editor, vocabulary):
    upload = Upload(
        entries=[Entry(name=p.name, data=p.read_bytes()) for p in GOOD[:3]],
        skipped=[{"name": "x.jpg", "reason": "not_txt"}],
    )
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    html = job_page(editor_client, job).content.decode()
    assert 'id="job-done">0<' in html and 'id="job-total">3<' in html
    assert "đang chờ" in html and html.count('class="file-pending"') == 3
    # The script is a file (the CSP allows no inline script) and says where to ask.
    assert "articles/admin/import_job.js" in html
    assert f'data-progress-url="/admin/imports/importjob/{job.pk}/progress/"' in html
    jobs.job_run(job.pk)
    html = job_page(editor_client, job).content.decode()  # a reload: the state now
    assert 'id="job-done">3<' in html and 'id="job-created">3<' in html
    assert html.count('class="file-created"') == 3
    article = Article.objects.order_by("pk").first()
    assert f"/admin/articles/article/{article.pk}/change/" in html


def test_the_progress_endpoint(editor_client, editor, vocabulary):
    upload = Upload(
        entries=[Entry(name=p.name, data=p.read_bytes()) for p in GOOD[:3]]
        + [Entry(name="big.txt", size=99, error="file too large: 99 B (the limit is 10 B)")]
    )
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    url = f"/admin/imports/importjob/{job.pk}/progress/"
    state = editor_client.get(url).json()
    assert (state["status"], state["done"], state["total"], state["failed"]) == (
        "queued",
        1,
        4,
        1,
    )
    assert [f["position"] for f in state["files"]] == [4]
    assert state["files"][0]["gist"] == "Tệp quá lớn"
    jobs.job_run(job.pk)
    state = editor_client.get(url + "?after=2").json()
    assert state["finished"] and state["percent"] == 100 and state["created"] == 3
    assert [f["position"] for f in state["files"]] == [3, 4]
    assert state["files"][0]["article_url"].startswith("/admin/articles/article/")
    assert editor_client.get(url + "?after=zz").status_code == 200
    assert editor_client.get("/admin/imports/importjob/999999/progress/").status_code == 404
    assert editor_client.get("/admin/imports/importjob/nope/change/").status_code == 404


def test_the_jobs_list_shows_recent_jobs(editor_client, editor, vocabulary):
    upload = Upload(entries=[Entry(name=GOOD[0].name, data=GOOD[0].read_bytes())])
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    html = editor_client.get("/admin/imports/importjob/").content.decode()
    assert f"/admin/imports/importjob/{job.pk}/change/" in html and "0/1" in html


def test_english_when_english_is_chosen(editor_client, editor, vocabulary):
    upload = Upload(entries=[Entry(name="x.txt", data=b"")])
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    jobs.job_run(job.pk)
    html = editor_client.get(
        f"/admin/imports/importjob/{job.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Empty file" in html and "Tệp rỗng" not in html
    html = editor_client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Paste" in html and "dán" not in html.lower()


# -- the same results as the command --------------------------------------------------------


def snapshot():
    """Every article with its fields, figures and tags, by content (not by database id)."""
    rows = {}
    for article in Article.objects.select_related("outlet").order_by("content_hash"):
        rows[article.content_hash] = {
            **{
                name: getattr(article, name)
                for name in (
                    "title",
                    "slug",
                    "lead",
                    "body",
                    "author",
                    "source_url",
                    "published_on",
                    "status",
                    "raw_text",
                    "source_file",
                    "rejected_tags",
                )
            },
            "outlet": article.outlet.domain if article.outlet else None,
            "figures": list(article.figures.order_by("position").values_list("caption", "credit")),
            "meetings": sorted(
                (t.tag.slug, json.dumps(t.evidence, ensure_ascii=False))
                for t in article.meetings.through.objects.filter(content_object=article)
            ),
            "themes": sorted(
                (t.tag.slug, json.dumps(t.evidence, ensure_ascii=False))
                for t in article.themes.through.objects.filter(content_object=article)
            ),
        }
    return rows


def wipe():
    Article.objects.all().delete()
    MeetingTag.objects.all().delete()
    ThemeTag.objects.all().delete()
    Outlet.objects.all().delete()


def test_a_job_gives_the_same_articles_as_the_command(editor_client, db, tmp_path):
    paths = sorted(SEEDS.glob("*.txt")) + sorted(SAMPLES.glob("*.txt")) + BAD_TXT
    copy = tmp_path / "copy.txt"  # the same content again: unchanged, both ways
    copy.write_bytes((SEEDS / "001_653fd90441ea7279.txt").read_bytes())
    paths.append(copy)
    members = [(p.name, p.read_bytes()) for p in paths]
    response = editor_client.post(URL, {"files": zipped(members), "job_status": "published"})
    assert response.status_code == 403  # an editor may not publish: use review
    response = editor_client.post(URL, {"files": zipped(members), "job_status": "review"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    by_job = snapshot()
    job_actions = list(job.files.order_by("position").values_list("action", flat=True))
    wipe()
    out = StringIO()
    with pytest.raises(CommandError):  # some files fail: exit status 1
        call_command(
            "import_articles", *map(str, paths), "--format", "json", stdout=out, stderr=StringIO()
        )
    by_command = snapshot()
    command_actions = [json.loads(line)["action"] for line in out.getvalue().splitlines()]
    assert len(by_job) == job.created > 30
    assert by_job == by_command
    assert job_actions == command_actions
    assert job_actions.count("unchanged") == 1


def test_the_import_pages_show_no_english_under_vietnamese(editor_client, editor, vocabulary):
    """The check of tests/test_admin_vietnamese.py over the import page, the jobs' list
    and a job's page (with a failure and a skipped member)."""
    from .test_admin_vietnamese import english_on

    upload = Upload(
        entries=[
            Entry(name="a.txt", data=b""),
            Entry(name=GOOD[0].name, data=GOOD[0].read_bytes()),
        ],
        skipped=[{"name": "a.jpg", "reason": "not_txt"}],
    )
    job = jobs.job_create(upload=upload, user=editor, article_status="review")
    jobs.job_run(job.pk)
    for url in (URL, "/admin/imports/importjob/", f"/admin/imports/importjob/{job.pk}/change/"):
        response = editor_client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, url
        assert english_on(response.content.decode()) == [], url
