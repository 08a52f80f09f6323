"""A reader's journey in a real browser, at phone (360 px) and desktop (1280 px) widths."""

import re
from urllib.parse import parse_qs, urlsplit

from articles.text import fold

from .conftest import DRAFT_TITLE

SEARCH_LABELLED = """() => {
  const q = document.querySelector('form[role=search] input#q');
  if (!q) return false;
  const named = [...q.labels].some((label) => label.textContent.trim() !== '');
  return named || (q.getAttribute('aria-label') || '').trim() !== '';
}"""


def path_of(page):
    return urlsplit(page.url).path


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_home_meeting_search_article(page, shoot, viewport):
    # Home: Vietnamese, one h1, a main landmark, a labelled search form.
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("form[role=search] input#q").count() == 1
    assert page.evaluate(SEARCH_LABELLED), "the search box #q has no label"
    assert page.locator("article.card").count() == 5
    assert DRAFT_TITLE not in page.content()
    assert no_horizontal_scroll(page)
    assert shoot(page, "home").stat().st_size > 10_000

    # Follow the first meeting chip to its page.
    chip = page.locator("a.chip.chip-meeting").first
    assert chip.get_attribute("href").startswith("/hoi-nghi/")
    code = chip.inner_text()
    chip.click()
    page.wait_for_url(re.compile(r"/hoi-nghi/[-a-z0-9]+/$"))
    assert path_of(page).startswith("/hoi-nghi/")
    assert page.locator("h1").is_visible()
    assert code in page.locator(".facts").inner_text()
    assert page.locator("article.card").count() >= 1
    assert no_horizontal_scroll(page)
    shoot(page, "meeting")

    # Search without diacritics from the header's search box.
    page.fill("#q", "bien dong")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=bien\+dong"))
    assert path_of(page) == "/search/"
    assert parse_qs(urlsplit(page.url).query)["q"] == ["bien dong"]
    assert page.locator(".result-count").is_visible()
    assert re.fullmatch(r"\d+ kết quả", page.locator(".result-count").inner_text())
    assert page.locator("article.card").count() >= 1
    marked = {fold(mark) for mark in page.locator(".snippet mark").all_inner_texts()}
    assert marked and marked <= {"bien dong", "bien", "dong"}
    assert "Bản nháp bí mật" not in page.content()
    assert no_horizontal_scroll(page)
    shoot(page, "search")

    # Open the first result.
    first = page.locator("article.card h2 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/bai-viet/[-a-z0-9]+/$"))
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == title
    assert page.locator(".lead").is_visible()
    assert page.locator(".article-body").is_visible()
    assert page.locator(".article-body p").count() >= 3
    assert re.search(
        r"Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật", page.locator(".article-header .meta").inner_text()
    )
    assert no_horizontal_scroll(page)
    shoot(page, "article")


def test_keyboard_focus_starts_at_a_visible_skip_link(page):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "({tag: document.activeElement.tagName,"
        " cls: document.activeElement.className,"
        " outline: getComputedStyle(document.activeElement).outlineStyle,"
        " top: document.activeElement.getBoundingClientRect().top})"
    )
    assert focused["tag"] == "A"
    assert "skip-link" in focused["cls"].split()
    assert focused["outline"] != "none"
    assert focused["top"] >= 0  # moved on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_home_has_an_english_switch(page):
    page.goto(page.base_url + "/")
    switch = page.locator("a[hreflang=en]")
    assert switch.count() >= 1
    switch.first.click()
    page.wait_for_url(re.compile(r"/en/"))
    assert path_of(page).startswith("/en/")
    assert page.locator("html").get_attribute("lang") == "en"


def test_language_switch_to_english_keeps_the_page(page):
    page.goto(page.base_url + "/hoi-nghi/")
    page.click("a[hreflang=en]")
    page.wait_for_url(re.compile(r"/en/hoi-nghi/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Meetings"


def test_page_works_offline_with_its_own_stylesheet(page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page.base_url + "/")
    assert all(url.startswith(page.base_url) for url in requests), requests
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert colour == "rgb(11, 61, 145)"  # the shipped CSS applied
