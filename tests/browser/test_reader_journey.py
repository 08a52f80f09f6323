"""A reader's journey in a real browser, at phone and desktop widths."""

import re

from articles.text import fold

from .conftest import DRAFT_TITLE


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_home_meeting_search_article(page, shoot, viewport):
    # Home: Vietnamese, one h1, landmarks, a labelled search form.
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").count() == 1
    assert page.locator("main").count() == 1
    assert page.locator("form[role=search] label[for=q]").is_visible()
    assert page.locator("article.card").count() == 5
    assert DRAFT_TITLE not in page.content()
    assert no_horizontal_scroll(page)
    assert shoot(page, "home").stat().st_size > 10_000

    # Follow a meeting chip to its page.
    chip = page.locator("article.card a.chip.chip-meeting").first
    code = chip.inner_text()
    chip.click()
    page.wait_for_url(re.compile(r"/hoi-nghi/[-a-z0-9]+/$"))
    assert page.locator("h1").is_visible()
    assert code in page.locator(".facts").inner_text()
    assert page.locator("article.card").count() >= 1
    assert no_horizontal_scroll(page)
    shoot(page, "meeting")

    # Search without diacritics from the header's search box.
    page.fill("#q", "bien dong")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search/\?q=bien\+dong"))
    assert re.fullmatch(r"\d+ kết quả", page.locator(".result-count").inner_text())
    assert page.locator("article.card").count() >= 1
    marked = {fold(mark) for mark in page.locator(".snippet mark").all_inner_texts()}
    assert marked and marked <= {"bien dong", "bien", "dong"}
    assert DRAFT_TITLE not in page.content()
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
        "({cls: document.activeElement.className,"
        " outline: getComputedStyle(document.activeElement).outlineStyle,"
        " top: document.activeElement.getBoundingClientRect().top})"
    )
    assert focused["cls"] == "skip-link"
    assert focused["outline"] != "none"
    assert focused["top"] >= 0  # moved on screen when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


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
