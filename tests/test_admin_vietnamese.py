"""The admin under Vietnamese shows no English: none of Django's, its contrib apps' or the
libraries' own strings is left untranslated (locale/translate_vi.py fills the gaps of their
catalogues). Each page's visible text (and its titles, placeholders, labels and buttons)
is compared with every English message of those catalogues."""

import gettext
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import axes
import django
import pytest
import rest_framework
import taggit
from django.test import RequestFactory
from django.utils import translation
from django.views.i18n import JSONCatalog

from articles.models import Article
from imports.models import ImportJob

from . import factories
from .test_admin import article_form_data

DJANGO = Path(django.__file__).parent
CATALOGUES = [
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/contenttypes/locale/en/LC_MESSAGES/django.po",
    DJANGO / "conf/locale/en/LC_MESSAGES/django.po",
    Path(taggit.__file__).parent / "locale/en/LC_MESSAGES/django.po",
    Path(axes.__file__).parent / "locale/de/LC_MESSAGES/django.po",  # it ships no English
]
# DRF ships compiled catalogues only: its English one lists its messages.
COMPILED = [Path(rest_framework.__file__).parent / "locale/en/LC_MESSAGES/django.mo"]
# English that is also Vietnamese usage, or a name: never a finding.
SAME_IN_VIETNAMESE = {"ASEAN", "Email", "Token", "URL", "ID", "IPv4", "IPv6", "JSON", "UUID"}

_ENTRY = re.compile(r'^msgid(?:_plural)? ((?:".*"\n?)+)', re.MULTILINE)
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\w*\}")


# English that Django writes without a catalogue (its default permissions' names).
UNCATALOGUED = ["Can add", "Can change", "Can delete", "Can view"]


def english_messages():
    """Every msgid (and plural) of the catalogues, as a pattern over a page's text."""
    patterns = {text: re.compile(rf"(?<![A-Za-z]){text}(?![A-Za-z])") for text in UNCATALOGUED}
    texts = [
        "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))
        .encode()
        .decode("unicode_escape")
        .encode("latin-1")
        .decode("utf-8")
        for path in CATALOGUES
        for match in _ENTRY.finditer(path.read_text(encoding="utf-8"))
    ]
    for path in COMPILED:
        with path.open("rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)._catalog
        texts += [key for key in catalog if isinstance(key, str) and "\x04" not in key]
    for text in texts:
        words = re.findall(r"[A-Za-z]{2,}", _PLACEHOLDER.sub("", text))
        if not words or text in SAME_IN_VIETNAMESE:
            continue
        parts = [re.escape(p) for p in _PLACEHOLDER.split(text.strip())]
        body = r"[^<>]{1,80}?".join(parts)
        # One word: the whole text node or label; a phrase: anywhere in one.
        patterns[text] = re.compile(
            rf"^\s*{body}\s*$" if len(words) == 1 else rf"(?<![A-Za-z]){body}(?![A-Za-z])"
        )
    return patterns


ENGLISH = english_messages()


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside scripts and styles, and the attributes a
    browser shows or reads out."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.pieces, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
        self.pieces += [v for k, v in attrs.items() if k in self.ATTRIBUTES and v]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.pieces.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.pieces.append(data.strip())


def english_on(html):
    parser = VisibleText()
    parser.feed(html)
    return sorted(
        {
            message
            for piece in parser.pieces
            for message, pattern in ENGLISH.items()
            if pattern.search(piece)
        }
    )


@pytest.fixture
def boss(client, django_user_model):
    user = django_user_model.objects.create_superuser("bientap", "b@example.vn", "x")
    client.force_login(user)
    return client


@pytest.fixture
def archive(db):
    meeting = factories.meeting(number=54)
    theme = factories.theme(name="Biển Đông", slug="bien-dong")
    article = factories.article(
        title="Khai mạc AMM-54",
        status=Article.Status.PUBLISHED,
        meetings=[meeting],
        themes=[theme],
        source_url="https://vnexpress.net/amm-54.html",
    )
    draft = factories.article(title="Bản nháp", status=Article.Status.DRAFT)
    waiting = factories.article(title="Chờ duyệt", status=Article.Status.REVIEW)
    job = ImportJob.objects.create(article_status="review", total=0)
    return {
        "job": job,
        "article": article,
        "draft": draft,
        "waiting": waiting,
        "meeting": meeting,
        "theme": theme,
    }


def admin_pages(archive, user):
    article, meeting, theme = archive["article"], archive["meeting"], archive["theme"]
    return [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/?status__exact=published&q=AMM",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/article/{article.pk}/history/",
        "/admin/articles/article/add/",
        "/admin/articles/article/review/",
        f"/admin/articles/article/review/{archive['waiting'].pk}/",
        "/admin/articles/article/?schedule=scheduled",
        "/admin/imports/importjob/",
        "/admin/imports/importjob/new/",
        f"/admin/imports/importjob/{archive['job'].pk}/change/",
        "/admin/articles/meetingtag/",
        f"/admin/articles/meetingtag/{meeting.pk}/change/",
        f"/admin/articles/meetingtag/{meeting.pk}/delete/",
        "/admin/articles/themetag/",
        f"/admin/articles/themetag/{theme.pk}/change/",
        "/admin/articles/outlet/",
        "/admin/articles/outlet/add/",
        "/admin/auth/user/",
        f"/admin/auth/user/{user.pk}/change/",
        f"/admin/auth/user/{user.pk}/password/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        "/admin/password_change/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accessfailurelog/",
        "/admin/axes/accesslog/",
        "/admin/authtoken/tokenproxy/",
        "/admin/authtoken/tokenproxy/add/",
    ]


def test_every_admin_page_is_vietnamese(boss, archive, django_user_model):
    user = django_user_model.objects.get(username="bientap")
    found = {}
    for url in admin_pages(archive, user):
        response = boss.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200, url
        english = english_on(response.content.decode())
        if english:
            found[url] = english
    assert not found, found


def test_a_page_with_form_errors_is_vietnamese(boss, archive):
    article = archive["article"]
    data = article_form_data(article, title="", source_url="ftp://x.vn/")
    response = boss.post(
        f"/admin/articles/article/{article.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    assert english_on(response.content.decode()) == []
    assert "Hãy sửa lỗi bên dưới." in response.content.decode()


def test_the_bulk_tag_question_is_vietnamese(boss, archive):
    response = boss.post(
        "/admin/articles/article/",
        {"action": "add_tag", "_selected_action": [archive["draft"].pk], "index": 0},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Thêm một hội nghị hoặc chủ đề" in response.content.decode()
    assert english_on(response.content.decode()) == []


def test_the_login_page_is_vietnamese(client, db):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="vi")
    assert english_on(response.content.decode()) == []


def test_the_admin_scripts_speak_vietnamese():
    """The tag picker, the calendar and the actions: every message of the admin's
    JavaScript catalogue has its Vietnamese."""
    source = (DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po").read_text(
        encoding="utf-8"
    )
    messages = [
        f"{context}\x04{message}" if context else message
        for context, message in re.findall(
            r'^(?:msgctxt "(.+)"\n)?msgid "(.+)"$', source, re.MULTILINE
        )
    ]
    request = RequestFactory().get("/admin/jsi18n/")
    with translation.override("vi"):
        response = JSONCatalog.as_view(packages=["django.contrib.admin"])(request)
    catalog = json.loads(response.content)["catalog"]
    missing = [m for m in messages if m.replace('\\"', '"') not in catalog]
    assert not missing, missing
    assert catalog["Choose all %s"] == "Chọn tất cả %s"


def test_english_is_still_english(boss, archive, django_user_model):
    """The other way round: the English interface is English, permissions included (and
    the check above finds English where English is shown)."""
    user = django_user_model.objects.get(username="bientap")
    html = boss.get(f"/admin/auth/user/{user.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert "Can add article" in html and "Có thể thêm" not in html
    assert "Can add" in english_on(html)
    html = boss.get(f"/admin/auth/user/{user.pk}/change/", HTTP_ACCEPT_LANGUAGE="vi")
    assert "Có thể thêm bài viết" in html.content.decode()
