"""Inputs written in other outlets' layouts (fixtures/samples/): the importer must generalise.

Each `NAME.txt` has a `NAME.expected.json` saying what a careful editor would extract.
"""

import json
import unicodedata

import pytest

from articles.services import article_import
from articles.tagging import ThemeMatcher, theme_vocabulary_from_fixtures

from .conftest import SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))


def expected_for(path):
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def matcher():
    return ThemeMatcher(theme_vocabulary_from_fixtures())


def test_there_are_at_least_ten_samples_from_several_outlets():
    assert len(SAMPLE_FILES) >= 10
    domains = {expected_for(p)["outlet_domain"] for p in SAMPLE_FILES}
    assert len(domains) >= 8


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_fields(path, matcher):
    expected = expected_for(path)
    result = article_import(
        data=path.read_bytes(), source_file=path.name, dry_run=True, themes=matcher
    )
    assert result.error == ""
    out = result.as_dict()
    assert out["title"] == expected["title"]
    assert out["lead"] == expected["lead"]
    assert out["author"] == expected["author"]
    assert (out["outlet"] or {}).get("domain") == expected["outlet_domain"]
    assert out["source_url"] == expected["source_url"]
    assert out["published_on"] == expected["published_on"]
    assert out["figures"] == expected["figures"]
    assert sorted(m["slug"] for m in out["meetings"]) == sorted(expected["meetings"])
    themes = {t["slug"] for t in out["themes"]}
    assert set(expected["themes_include"]) <= themes
    assert not set(expected.get("themes_exclude", [])) & themes
    paragraphs = out["body"].split("\n\n")
    assert paragraphs[0] == expected["body_first"]
    assert paragraphs[-1] == expected["body_last"]
    for furniture in expected.get("body_excludes", []):
        assert furniture not in out["body"], furniture
    for question in expected.get("questions", []):
        assert f"PV: {question}" in paragraphs
    for value in (out["title"], out["lead"], out["body"]):
        assert unicodedata.is_normalized("NFC", value)
