"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

They skip, saying why, when Chromium or Playwright is missing (`bin/install-chromium`,
run by `make test`, installs Chromium where it can). Screenshots go to SCREENSHOTS_DIR
(default: screenshots/ at the top of the project), one folder per viewport width.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.services import vocabulary_load
from tests import factories
from tests.conftest import SEEDS

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# the ORM calls the tests make around it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "screenshots"))
DRAFT_TITLE = "Bản nháp bí mật về Biển Đông"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: run bin/install-chromium "
            "(apt-get install chromium) to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed: run `make venv` (it is a dev dependency)")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        except Exception as exc:
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield browser
        browser.close()


@pytest.fixture
def archive(transactional_db):
    """The five seeds, published as `make run` publishes them, and a draft that must
    never show."""
    vocabulary_load()
    call_command("import_articles", "--status", "published", str(SEEDS), verbosity=0)
    factories.article(
        title=DRAFT_TITLE,
        lead="Bản nháp chưa đăng.",
        body="Biển Đông trong bản nháp.",
        status=Article.Status.DRAFT,
    )
    assert Article.objects.published().count() == 5


@pytest.fixture(params=[(360, 740), (1280, 900)], ids=["phone", "desktop"])
def viewport(request):
    width, height = request.param
    return {"width": width, "height": height}


@pytest.fixture
def page(browser, viewport, live_server, archive):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def shoot(viewport):
    """Save a full-page screenshot of ``page`` as SCREENSHOTS_DIR/<width>/<name>.png."""
    folder = SCREENSHOTS / str(viewport["width"])
    folder.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
