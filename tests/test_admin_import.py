"""The admin's import page ("Nhập bài"): paste or upload one article and check it side by side
(corrections and tag choices saved through the services), upload several files or a .zip
for a background job; who may; hostile input refused with a 4xx, never a 500."""

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from articles.models import Article, ArticleRevision, MeetingTag, ThemeTag
from audit.models import AuditEntry
from imports import single, uploads
from imports.models import ImportJob

from .conftest import BAD, SAMPLES, SEEDS

URL = "/admin/imports/importjob/new/"
SEED = SEEDS / "000_70b5c8d6d0b5c278.txt"  # SOM 2021: one meeting, six themes, two figures
NO_OUTLET = SAMPLES / "thanhnien_som2023.txt"  # the importer warns: outlet not recognised


def paste(client, path=SEED, **extra):
    return client.post(URL, {"raw_text": path.read_text(encoding="utf-8"), **extra})


def form_of(response) -> dict:
    """The side-by-side form as a browser would send it back: every field, the ticked tags."""
    html = response.content.decode()
    data = {}
    for name in ("content_hash", "source_name", "title", "published_on", "author", "source_url"):
        match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert match, name
        value = re.search(r'value="([^"]*)"', match.group(0))
        data[name] = unescape(value.group(1)) if value else ""
    for name in ("raw_text", "lead", "body"):
        match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
        assert match, name
        data[name] = unescape(match.group(1))
    selected = re.search(
        r'<select name="outlet"[^>]*>.*?<option value="([^"]*)" selected>', html, re.S
    )
    data["outlet"] = selected.group(1) if selected else ""
    for name in ("accept_meeting", "accept_theme"):
        data[name] = re.findall(rf'name="{name}" value="([^"]+)" checked', html)
    return data


def unescape(text):
    import html

    return html.unescape(text)


def tag_values(response, name):
    return re.findall(rf'name="{name}" value="([^"]+)"', response.content.decode())


@pytest.fixture
def staff_client(client, django_user_model):
    """Staff without the permission to create articles."""
    user = django_user_model.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_article"))
    client.force_login(user)
    return client


# -- who may ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_the_add_permission_is_refused(staff_client):
    assert staff_client.get(URL).status_code == 403
    assert paste(staff_client).status_code == 403
    assert staff_client.get("/admin/imports/importjob/").status_code == 403


def test_the_page_offers_paste_and_upload(editor_client):
    response = editor_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="raw_text"' in html and 'name="files"' in html and "multiple" in html
    assert "Nhập bài" in html
    # An editor may not create published articles: not offered.
    assert 'value="published"' not in html


def test_the_import_page_is_reachable_from_the_jobs_list(editor_client):
    html = editor_client.get("/admin/imports/importjob/").content.decode()
    assert f'href="{URL}"' in html


# -- one article, side by side ----------------------------------------------------------


def test_a_pasted_article_is_shown_side_by_side_and_nothing_is_saved(editor_client, vocabulary):
    response = paste(editor_client)
    html = response.content.decode()
    assert response.status_code == 200
    assert Article.objects.count() == 0
    data = form_of(response)
    assert data["raw_text"].startswith(SEED.read_text(encoding="utf-8")[:40])
    assert data["title"].startswith("SOM ASEAN")
    assert data["published_on"] == "07/04/2021"
    assert data["outlet"]  # the outlet the importer recognised, selected
    assert "Kết quả phân tích" in html and "Văn bản gốc" in html
    # Every proposal with its checkbox, ticked, and its evidence sentence.
    themes = tag_values(response, "accept_theme")
    assert len(themes) == 6 and data["accept_theme"] == themes
    bien_dong = ThemeTag.objects.get(slug="bien-dong")
    assert str(bien_dong.pk) in themes
    assert "<mark>" in html
    assert len(tag_values(response, "accept_meeting")) == 1
    # Figures listed; the buttons an editor may use.
    assert 'id="import-figures"' in html
    assert 'name="status" value="review"' in html and 'value="published"' not in html


def test_the_importer_warnings_are_shown(editor_client, vocabulary):
    html = paste(editor_client, NO_OUTLET).content.decode()
    assert 'id="import-warnings"' in html
    assert "Không nhận ra cơ quan báo chí" in html


def test_corrections_and_tag_choices_are_saved_through_the_services(
    editor_client, editor, vocabulary
):
    data = form_of(paste(editor_client))
    rejected = ThemeTag.objects.get(slug="bien-dong")
    data["accept_theme"] = [v for v in data["accept_theme"] if v != str(rejected.pk)]
    data["title"] = "SOM ASEAN 2021: tiêu đề đã sửa"
    data["author"] = "Bảo Chi"
    data["published_on"] = "08/04/2021"
    data["status"] = "review"
    response = editor_client.post(URL, data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert response["Location"] == f"/admin/articles/article/{article.pk}/change/"
    assert article.title == "SOM ASEAN 2021: tiêu đề đã sửa"
    assert article.slug == "som-asean-2021-tieu-de-da-sua"
    assert article.author == "Bảo Chi"
    assert article.published_on.isoformat() == "2021-04-08"
    assert article.status == Article.Status.REVIEW
    assert article.raw_text.replace("\r\n", "\n") == SEED.read_text(encoding="utf-8")
    assert article.figures.count() == 2
    themes = set(article.themes.values_list("slug", flat=True))
    assert "bien-dong" not in themes and len(themes) == 5
    assert article.meetings.count() == 1
    # The unticked tag is remembered: the tagger never puts it back.
    assert article.rejected_tags == {"themes": [rejected.pk]}
    # The import's revision, then the editor's, both through the importer's door.
    revisions = list(article.revisions.order_by("version"))
    assert [r.via for r in revisions] == [ArticleRevision.Via.IMPORT] * 2
    assert revisions[-1].user == editor
    actions = set(
        AuditEntry.objects.filter(target_id=str(article.pk)).values_list("action", flat=True)
    )
    assert {"import_article", "status"} <= actions  # imported, then sent to review
    assert AuditEntry.objects.filter(action="status", actor=editor).exists()


def test_saving_as_draft(editor_client, vocabulary):
    data = form_of(paste(editor_client))
    response = editor_client.post(URL, {**data, "status": "draft"})
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.DRAFT


def test_the_same_text_twice_links_to_the_article_instead_of_a_duplicate(editor_client, vocabulary):
    data = form_of(paste(editor_client))
    editor_client.post(URL, {**data, "status": "review"})
    article = Article.objects.get()
    again = paste(editor_client)
    assert f"/admin/articles/article/{article.pk}/change/" in again.content.decode()
    assert 'id="import-exists"' in again.content.decode()
    response = editor_client.post(URL, {**form_of(again), "status": "review"})
    assert response.status_code == 200
    assert "đã có trong kho" in response.content.decode()
    assert Article.objects.count() == 1


def test_an_editor_may_not_publish(editor_client, vocabulary):
    data = form_of(paste(editor_client))
    response = editor_client.post(URL, {**data, "status": "published"})
    assert response.status_code == 403
    assert "Chỉ người có quyền đăng bài" in response.content.decode()
    assert Article.objects.count() == 0
    assert MeetingTag.objects.count() == 0


def test_a_publisher_may_publish(publisher_client, vocabulary):
    response = paste(publisher_client)
    assert 'name="status" value="published"' in response.content.decode()
    response = publisher_client.post(URL, {**form_of(response), "status": "published"})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    assert article in Article.objects.published()


def test_publishing_needs_a_date(publisher_client, vocabulary):
    data = form_of(paste(publisher_client))
    response = publisher_client.post(URL, {**data, "published_on": "", "status": "published"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert Article.objects.count() == 0


def test_an_impossible_date_is_an_error_on_the_form(editor_client, vocabulary):
    data = form_of(paste(editor_client))
    response = editor_client.post(URL, {**data, "published_on": "31/02/2021", "status": "review"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert Article.objects.count() == 0


def test_a_raw_text_changed_after_the_preview_is_not_saved(editor_client, vocabulary):
    data = form_of(paste(editor_client))
    data["raw_text"] = data["raw_text"].replace("SOM ASEAN", "SOM ASEAN XX", 1)
    response = editor_client.post(URL, {**data, "status": "review"})
    assert response.status_code == 409
    assert Article.objects.count() == 0
    # The page shows the new parse, ready to be checked and saved.
    fresh = form_of(response)
    assert fresh["title"].startswith("SOM ASEAN XX")
    assert editor_client.post(URL, {**fresh, "status": "review"}).status_code == 302


def test_one_uploaded_txt_is_checked_side_by_side(editor_client, vocabulary):
    with SEED.open("rb") as handle:
        response = editor_client.post(URL, {"files": handle, "job_status": "review"})
    assert response.status_code == 200
    data = form_of(response)
    assert data["source_name"] == SEED.name
    assert Article.objects.count() == 0
    editor_client.post(URL, {**data, "status": "review"})
    assert Article.objects.get().source_file == SEED.name


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, words",
    [
        ("empty.txt", "Tệp rỗng"),
        ("whitespace.txt", "Tệp rỗng"),
        ("binary.bin", "nhị phân"),
        ("cp1258.txt", "UTF-8"),
        ("latin1.txt", "UTF-8"),
        ("page.html", "HTML"),
        ("not_article.txt", "Không phải một bài báo"),
        ("utf16_no_bom.txt", "UTF-8"),
    ],
)
def test_bad_text_is_refused_with_the_reason(editor_client, vocabulary, name, words):
    data = (BAD / name).read_bytes()
    upload = io.BytesIO(data)
    upload.name = name if name.endswith(".txt") else name + ".txt"
    response = editor_client.post(URL, {"files": upload, "job_status": "review"})
    assert response.status_code == 400, name
    assert words in response.content.decode()
    assert Article.objects.count() == 0


def test_an_empty_paste_is_refused(editor_client):
    response = editor_client.post(URL, {"raw_text": "  \n "})
    assert response.status_code == 400
    assert 'id="import-error"' in response.content.decode()


def test_a_paste_too_large_to_check_side_by_side_is_refused(editor_client, vocabulary):
    limit = single.side_by_side_max_bytes()
    text = SEED.read_text(encoding="utf-8")
    big = text + "\n\nĐoạn thêm. " * (limit // 10)
    response = editor_client.post(URL, {"raw_text": big})
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()


def test_a_request_larger_than_django_accepts_is_a_4xx(editor_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = editor_client.post(URL, {"raw_text": "x" * 5000})
    assert response.status_code == 413


def test_too_many_files_is_a_4xx(editor_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [io.BytesIO(b"x") for _ in range(3)]
    for i, f in enumerate(files):
        f.name = f"{i}.txt"
    response = editor_client.post(URL, {"files": files, "job_status": "review"})
    assert response.status_code == 400


def test_a_broken_zip_is_refused(editor_client):
    upload = io.BytesIO(b"PK\x03\x04 this is not really a zip" * 10)
    upload.name = "bai.zip"
    response = editor_client.post(URL, {"files": upload, "job_status": "review"})
    assert response.status_code == 400
    assert "không phải tệp .zip hợp lệ" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_zip_bomb_is_refused_unread(editor_client, monkeypatch):
    monkeypatch.setattr(uploads, "JOB_MAX_BYTES", 2_000_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(3):  # 3 x 1 MB of zeros: a few KB compressed
            archive.writestr(f"bom{i}.txt", b"0" * 1_000_000)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "bom.zip"
    assert len(upload.getvalue()) < 20_000
    read = []
    original = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda self, *a, **k: read.append(a) or original(self, *a, **k)
    )
    response = editor_client.post(URL, {"files": upload, "job_status": "review"})
    assert response.status_code == 400
    assert "giải nén ra quá" in response.content.decode()
    assert read == []  # refused from the declared sizes, before any member was inflated
    assert ImportJob.objects.count() == 0


def test_a_zip_with_too_many_members_is_refused(editor_client, monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_MEMBERS", 5)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(6):
            archive.writestr(f"{i}.txt", b"x")
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "many.zip"
    response = editor_client.post(URL, {"files": upload, "job_status": "review"})
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0


def test_an_upload_over_the_job_limit_is_refused(editor_client, monkeypatch):
    monkeypatch.setattr(uploads, "JOB_MAX_BYTES", 10_000)
    files = []
    for path in sorted(SEEDS.glob("*.txt"))[:2]:  # 12 KB + 5 KB
        upload = io.BytesIO(path.read_bytes())
        upload.name = path.name
        files.append(upload)
    response = editor_client.post(URL, {"files": files, "job_status": "review"})
    assert response.status_code == 400
    assert "vượt quá" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_an_editor_may_not_start_a_job_that_publishes(editor_client):
    files = []
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        upload = io.BytesIO(path.read_bytes())
        upload.name = path.name
        files.append(upload)
    response = editor_client.post(URL, {"files": files, "job_status": "published"})
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0 and Article.objects.count() == 0


@override_settings(IMPORT_MAX_MB=0.01)  # 10 KB: the 12 KB seed is over it
def test_a_file_over_the_limit_fails_alone(editor_client, vocabulary):
    files = []
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        upload = io.BytesIO(path.read_bytes())
        upload.name = path.name
        files.append(upload)
    response = editor_client.post(URL, {"files": files, "job_status": "review"})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.total, job.created, job.failed) == (2, 1, 1)
    failed = job.files.get(action="failed")
    assert failed.name == "000_70b5c8d6d0b5c278.txt" and "too large" in failed.error
    assert failed.data == b""  # never stored


def test_the_side_by_side_page_is_all_vietnamese_or_all_english(publisher_client, vocabulary):
    from .test_admin_vietnamese import english_on

    response = paste(publisher_client, NO_OUTLET)
    assert english_on(response.content.decode()) == []
    data = form_of(response)
    response = publisher_client.post(
        URL, {**data, "published_on": "31/02/2021", "status": "review"}
    )
    assert english_on(response.content.decode()) == []
    html = publisher_client.post(
        URL,
        {"raw_text": NO_OUTLET.read_text(encoding="utf-8")},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    for english in (
        "Raw text",
        "Parsed result",
        "Proposed themes",
        "Send to review",
        "Publish now",
    ):
        assert english in html
    for vietnamese in ("Văn bản gốc", "Kết quả phân tích", "Gửi duyệt", "Lưu nháp"):
        assert vietnamese not in html
