"""The English interface: its catalogue is complete for the public pages and compiled."""

import ast
import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from articles.templatetags.archive import page_url, vn_date

LOCALES = Path(__file__).resolve().parent.parent / "locale"
LOCALE = LOCALES / "en" / "LC_MESSAGES"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed")
@pytest.mark.parametrize("language", ["en", "vi"])
def test_committed_mo_matches_the_po(tmp_path, language):
    """A .po edited without recompiling would leave the site on old translations."""
    folder = LOCALES / language / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", compiled, folder / "django.po"], check=True)
    assert compiled.read_bytes() == (folder / "django.mo").read_bytes(), (
        f"locale/{language}/LC_MESSAGES/django.mo is stale: run `manage.py compilemessages`"
    )


def po_entries(path):
    """Return (msgid, msgstr) pairs of a .po file, continuation lines joined."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgstr(?:\[0\])?) (".*")$', line)
            if match:
                key = match.group(1).replace("[0]", "")
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            entries.append((fields["msgid"], fields.get("msgstr", "")))
    return entries


def test_every_template_string_has_an_english_translation():
    """The admin's help texts may stay Vietnamese; no string of a template may."""
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 100
    templates = Path(__file__).resolve().parent.parent / "templates"
    pages = "\n".join(p.read_text(encoding="utf-8") for p in templates.rglob("*.html"))
    untranslated = [msgid for msgid, msgstr in entries if not msgstr and msgid in pages]
    assert not untranslated


@pytest.mark.parametrize(
    ("day", "vi", "en"),
    [
        (datetime.date(2021, 4, 5), "Thứ Hai, 05/04/2021", "Monday, 05/04/2021"),
        (datetime.date(2021, 4, 7), "Thứ Tư, 07/04/2021", "Wednesday, 07/04/2021"),
        (datetime.date(2021, 4, 10), "Thứ Bảy, 10/04/2021", "Saturday, 10/04/2021"),
        (datetime.date(2021, 4, 11), "Chủ Nhật, 11/04/2021", "Sunday, 11/04/2021"),
    ],
)
def test_dates_are_day_first_with_the_weekday_in_the_interface_language(day, vi, en):
    assert vn_date(day) == day.strftime("%d/%m/%Y")
    with translation.override("vi"):
        assert vn_date(day, True) == vi
    with translation.override("en"):
        assert vn_date(day, True) == en


def test_vn_date_of_nothing_is_empty():
    assert vn_date(None) == "" and vn_date("2021-04-07") == ""


def test_page_url_keeps_every_other_parameter(rf):
    request = rf.get("/search/", {"q": "biển đông", "meeting": ["a", "b"], "page": "3"})
    assert (
        page_url({"request": request}, 2)
        == "?q=bi%E1%BB%83n+%C4%91%C3%B4ng&meeting=a&meeting=b&page=2"
    )
    assert page_url({"request": request}, 1) == "?q=bi%E1%BB%83n+%C4%91%C3%B4ng&meeting=a&meeting=b"


@pytest.mark.django_db
def test_api_follows_accept_language_while_the_site_stays_vietnamese(client):
    vi = client.get("/api/v1/articles/", {"year": "abc"}).json()
    en = client.get("/api/v1/articles/", {"year": "abc"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert en == {"year": ["Enter a whole number."]}
    assert vi["year"] != en["year"]  # Vietnamese by default
    site = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="vi">' in site
