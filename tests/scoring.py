"""Score the importer on a sample field by field, against what a careful editor extracts.

Each ``fixtures/samples/NAME.txt`` has a ``NAME.expected.json``; ``score_sample`` returns
{field: passed}. ``tests/test_importing_samples.py`` prints the per-field accuracy.
"""

import json
from pathlib import Path

from articles.importing.prepare import prepare
from articles.importing.report import ImportResult
from articles.tagging import ThemeMatcher, theme_vocabulary_from_fixtures

FIELDS = (
    "parsed",
    "title",
    "lead",
    "author",
    "outlet",
    "source_url",
    "published_on",
    "figures",
    "meetings",
    "themes",
    "body_first",
    "body_last",
    "body_clean",
    "questions",
)


def expected_for(path: Path) -> dict:
    path = Path(path)
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


def extract(path: Path, matcher: ThemeMatcher | None = None) -> dict:
    """Return the importer's JSON for one file (a dry run: nothing is saved)."""
    path = Path(path)
    matcher = matcher or ThemeMatcher(theme_vocabulary_from_fixtures())
    prepared = prepare(path.read_bytes(), path.name, themes=matcher)
    result = ImportResult(prepared, action="failed" if prepared.error else "parsed")
    result.error = prepared.error
    return result.as_dict()


def score_sample(path: Path, matcher: ThemeMatcher | None = None) -> dict[str, bool]:
    expected = expected_for(path)
    out = extract(path, matcher)
    if out["action"] == "failed":
        return dict.fromkeys(FIELDS, False)
    paragraphs = out["body"].split("\n\n")
    themes = {t["slug"] for t in out["themes"]}
    return {
        "parsed": True,
        "title": out["title"] == expected["title"],
        "lead": out["lead"] == expected["lead"],
        "author": out["author"] == expected["author"],
        "outlet": (out["outlet"] or {}).get("domain") == expected["outlet_domain"],
        "source_url": out["source_url"] == expected["source_url"],
        "published_on": out["published_on"] == expected["published_on"],
        "figures": [(f["caption"], f["credit"]) for f in out["figures"]]
        == [(f["caption"], f["credit"]) for f in expected["figures"]],
        "meetings": sorted(m["slug"] for m in out["meetings"]) == sorted(expected["meetings"]),
        "themes": set(expected["themes_include"]) <= themes
        and not set(expected.get("themes_exclude", [])) & themes,
        "body_first": paragraphs[0] == expected["body_first"],
        "body_last": paragraphs[-1] == expected["body_last"],
        "body_clean": not any(f in out["body"] for f in expected.get("body_excludes", [])),
        "questions": all(f"PV: {q}" in paragraphs for q in expected.get("questions", [])),
    }


def mismatches(path: Path, matcher: ThemeMatcher | None = None) -> dict[str, tuple]:
    """Return {field: (got, expected)} for the fields that differ, to explain a failure."""
    expected = expected_for(path)
    out = extract(path, matcher)
    scores = score_sample(path, matcher)
    if out["action"] == "failed":
        return {"parsed": (out["error"], "an article")}
    paragraphs = out["body"].split("\n\n")
    got = {
        "title": out["title"],
        "lead": out["lead"],
        "author": out["author"],
        "outlet": (out["outlet"] or {}).get("domain"),
        "source_url": out["source_url"],
        "published_on": out["published_on"],
        "figures": out["figures"],
        "meetings": sorted(m["slug"] for m in out["meetings"]),
        "themes": sorted(t["slug"] for t in out["themes"]),
        "body_first": paragraphs[0],
        "body_last": paragraphs[-1],
        "body_clean": [f for f in expected.get("body_excludes", []) if f in out["body"]],
        "questions": [q for q in expected.get("questions", []) if f"PV: {q}" not in paragraphs],
    }
    want = {
        "outlet": expected["outlet_domain"],
        "themes": (expected["themes_include"], expected.get("themes_exclude", [])),
        **expected,
    }
    return {k: (got.get(k), want.get(k)) for k, ok in scores.items() if not ok}
