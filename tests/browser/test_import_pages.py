"""The import page and the job page in a real browser, at 390 px (a phone) and 1280 px, in
Vietnamese: the side-by-side check stacks on a phone and never scrolls sideways; the job
page follows a running job without a reload (its script is a file: the CSP allows no
inline script). Screenshots: SCREENSHOTS_DIR/<width>/import-check.png and import-job.png
(docs/screenshots/admin-import*.png and admin-job*.png are copied from them)."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from articles.services import vocabulary_load
from imports import jobs
from imports.uploads import Entry, Upload
from tests.browser.test_editor_trust import logged_in, overflows
from tests.conftest import BAD, SAMPLES, SEEDS, make_staff

SEED = SEEDS / "000_70b5c8d6d0b5c278.txt"


@pytest.fixture(params=[(390, 844), (1280, 900)], ids=["phone", "desktop"])
def viewport(request):
    width, height = request.param
    return {"width": width, "height": height}


@pytest.fixture
def editor(transactional_db, django_user_model):
    cache.clear()
    vocabulary_load()
    user = make_staff(django_user_model, "editor")
    user.first_name, user.last_name = "Thu", "Hà"
    user.save()
    return user


@pytest.fixture
def page(browser, viewport, live_server, editor):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    errors = []
    # Script errors and CSP refusals; failed loads by their address (the browser's own
    # favicon request is the site's 404, not this page's).
    context.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    context.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page = logged_in(context, live_server.url, "editor")
    page.console_errors = errors
    yield page
    context.close()


def test_the_side_by_side_check(page, live_server, viewport, shoot):
    base = live_server.url
    page.goto(f"{base}/admin/imports/importjob/new/")
    assert not overflows(page)
    shoot(page, "import-start")
    page.fill("textarea[name=raw_text]", SEED.read_text(encoding="utf-8"))
    page.click("input[name=preview]")
    page.wait_for_selector("input[name=title]")
    assert not overflows(page), "the side-by-side check scrolls sideways"
    raw = page.locator(".import-raw").bounding_box()
    parsed = page.locator(".import-parsed").bounding_box()
    if viewport["width"] >= 1024:
        assert raw["x"] < parsed["x"] and abs(raw["y"] - parsed["y"]) < 2  # side by side
    else:
        assert parsed["y"] > raw["y"] + raw["height"] - 1  # stacked, the raw text first
    assert page.input_value("input[name=published_on]") == "07/04/2021"
    assert page.locator("input[name=accept_theme]:checked").count() == 6
    assert page.locator(".import-tags mark").count() >= 6
    shoot(page, "import-check")
    page.locator("input[name=accept_theme]").first.uncheck()
    page.fill("input[name=author]", "Thu Hà")
    page.click("button[name=status][value=review]")
    page.wait_for_url("**/admin/articles/article/*/change/")
    assert "Đã lưu bài" in page.locator(".messagelist").inner_text()
    assert page.console_errors == []


def test_the_job_page_follows_the_job_live(page, live_server, editor, shoot):
    base = live_server.url
    files = [*sorted(SAMPLES.glob("*.txt"))[:5], BAD / "empty.txt", BAD / "cp1258.txt"]
    upload = Upload(
        entries=[Entry(name=p.name, data=p.read_bytes()) for p in files],
        skipped=[{"name": "bai.zip/anh-minh-hoa.jpg", "reason": "not_txt"}],
    )
    job = jobs.job_create(upload=upload, user=editor, article_status="review", source="bai.zip")
    page.goto(f"{base}/admin/imports/importjob/{job.pk}/change/")
    assert page.inner_text("#job-done") == "0"
    assert page.inner_text("#job-status") == "đang chờ"
    jobs.job_run(job.pk)  # the worker, meanwhile
    # The page learns it by itself: no reload.
    expect(page.locator("#job-done")).to_have_text("7")
    expect(page.locator("#job-status")).to_have_text("xong")
    assert page.inner_text("#job-created") == "5" and page.inner_text("#job-failed") == "2"
    assert page.locator("#job-files tr.file-failed").count() == 2
    assert "Tệp rỗng" in page.inner_text("#job-files")
    assert page.locator("#job-files tr.file-created a").count() == 5
    assert not overflows(page)
    assert page.console_errors == []
    shoot(page, "import-job")
    # A reload shows the same.
    page.reload()
    assert page.inner_text("#job-done") == "7"
