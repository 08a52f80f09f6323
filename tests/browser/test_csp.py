"""The Content-Security-Policy in Chromium: the public pages, the admin and the API docs work
under it and the browser reports no violation.

A violation is caught both ways the browser tells it: the `securitypolicyviolation` event in
each document and the console's "Refused to …" message. The pages are then used, not just
loaded: the admin's two-box tag picker and the Vietnamese slug script are scripts that the
policy would stop, and Swagger UI must render the operations of the schema.
"""

import re

import pytest

from articles.models import Article, ThemeTag

LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `in ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def viewport():
    """One width is enough: the policy does not depend on it."""
    return {"width": 1280, "height": 900}


@pytest.fixture
def watched(page):
    """The suite's page, recording every CSP violation and console error."""
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.add_init_script(LISTEN)
    return page


def assert_no_violation(page, where):
    reported = page.evaluate("window.__cspViolations || []")
    refused = [text for text in page.console_errors if "Content Security Policy" in text]
    assert reported == [] and refused == [], f"{where}: {reported or refused}"


def open_page(page, path):
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    assert "default-src 'self'" in response.headers["content-security-policy"]
    return response


def test_public_pages_work_under_the_policy(watched):
    page = watched
    open_page(page, "/")
    assert page.locator("article.card").count() == 5
    # The stylesheet applied: the header is laid out by site.css, not the browser's defaults.
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).display"
    ) not in ("", "inline")
    assert_no_violation(page, "home")

    article = Article.objects.published().order_by("pk").first()
    open_page(page, article.get_absolute_url())
    assert page.locator("h1").inner_text() == article.title
    # The JSON-LD data block is data, not script: present and not reported.
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert_no_violation(page, "article")

    open_page(page, "/search/?q=bien+dong")
    assert re.fullmatch(r"\d+ kết quả", page.locator(".result-count").inner_text())
    assert_no_violation(page, "search")

    response = page.goto(page.base_url + "/khong-co-trang-nay/")
    assert response.status == 404
    assert page.locator(".error-code").inner_text() == "404"
    assert_no_violation(page, "404")


@pytest.fixture
def admin_page(watched, django_user_model):
    django_user_model.objects.create_superuser("csp-admin", "csp@example.org", "pw-csp-admin")
    page = watched
    open_page(page, "/admin/login/")
    page.fill("#id_username", "csp-admin")
    page.fill("#id_password", "pw-csp-admin")
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    assert_no_violation(page, "admin login and index")
    return page


def test_admin_change_form_scripts_run_under_the_policy(admin_page):
    page = admin_page
    article = Article.objects.published().order_by("pk").first()
    open_page(page, f"/admin/articles/article/{article.pk}/change/")
    # The admin's autocomplete (select2) turned the themes' <select multiple> into a typed
    # picker: typing asks the server, and the theme picked joins the article's.
    chosen_before = page.locator("#id_themes option:checked").count()
    wanted = ThemeTag.objects.exclude(articles=article).order_by("name").first()
    page.click(".field-themes .select2-selection")
    page.locator(".field-themes .select2-search__field").press_sequentially(wanted.name[:6])
    option = page.locator(".select2-results__option", has_text=wanted.name).first
    option.click()
    assert page.locator("#id_themes option:checked").count() == chosen_before + 1
    assert wanted.name in page.locator("#id_themes").inner_text()
    # The site's own admin stylesheets (moved out of inline <style>) are applied.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.object-tools')).display") == "flex"
    )
    assert_no_violation(page, "article change form")

    open_page(page, f"/admin/articles/article/{article.pk}/history/")
    assert_no_violation(page, "article history")


def test_admin_vietnamese_slug_script_runs_under_the_policy(admin_page):
    page = admin_page
    open_page(page, "/admin/articles/themetag/add/")
    page.locator("#id_name").press_sequentially("Biển Đông và hợp tác")
    assert page.input_value("#id_slug") == "bien-dong-va-hop-tac"
    assert_no_violation(page, "theme add form")


def test_api_docs_render_the_operations_under_the_policy(watched):
    page = watched
    open_page(page, "/api/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock").count() >= 5
    assert "/api/v1/articles/" in page.locator(".opblock-summary-path").all_inner_texts()
    assert_no_violation(page, "API docs")


def test_browsable_api_works_under_the_policy(watched):
    page = watched
    open_page(page, "/api/v1/articles/")
    assert page.locator(".page-header h1").is_visible()
    # Bootstrap's script opens the filters dialog; Pygments' colours come with the nonce.
    page.click("button[data-target='#filtersModal']")
    page.wait_for_selector("#filtersModal", state="visible")
    assert page.locator("head style[nonce]").count() == 1
    assert_no_violation(page, "browsable API list")


def test_browsable_api_write_forms_work_under_the_policy(admin_page):
    page = admin_page
    article = Article.objects.published().order_by("pk").first()
    open_page(page, f"/api/v1/articles/{article.pk}/")
    assert page.locator("form").filter(has_text="PUT").count() >= 1
    assert_no_violation(page, "browsable API detail with its forms")
    open_page(page, "/api/v1/articles/")
    assert page.locator("form").filter(has_text="POST").count() >= 1
    assert_no_violation(page, "browsable API list with its forms")
