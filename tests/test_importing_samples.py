"""Inputs written in other outlets' layouts (fixtures/samples/): the importer must generalise.

Each `NAME.txt` has a `NAME.expected.json` saying what a careful editor would extract;
`tests/scoring.py` scores every field. The accuracy over all samples is printed (`-s`).
"""

import pytest

from articles.tagging import ThemeMatcher, theme_vocabulary_from_fixtures

from .conftest import SAMPLES
from .scoring import FIELDS, expected_for, mismatches, score_sample

SAMPLE_FILES = sorted(SAMPLES.glob("*.txt"))
# Written by someone who never read the importer, after its rules were set, and never tuned
# against field by field: an estimate of the accuracy on outlets it has never seen.
HELDOUT_FILES = sorted((SAMPLES.parent / "heldout").glob("*.txt"))


@pytest.fixture(scope="module")
def matcher():
    return ThemeMatcher(theme_vocabulary_from_fixtures())


def test_there_are_at_least_thirty_samples_from_fifteen_outlets():
    assert len(SAMPLE_FILES) >= 30
    domains = {expected_for(p)["outlet_domain"] for p in SAMPLE_FILES}
    assert len(domains) >= 15


def test_per_field_accuracy_over_all_samples(matcher, capsys):
    totals = dict.fromkeys(FIELDS, 0)
    for path in SAMPLE_FILES:
        for field, ok in score_sample(path, matcher).items():
            totals[field] += ok
    with capsys.disabled():
        print(f"\nPer-field accuracy over {len(SAMPLE_FILES)} samples:")
        for field in FIELDS:
            print(f"  {field:13} {totals[field]:3}/{len(SAMPLE_FILES)}")
    overall = sum(totals.values()) / (len(FIELDS) * len(SAMPLE_FILES))
    assert overall >= 0.95, totals


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_fields(path, matcher):
    assert mismatches(path, matcher) == {}


def test_accuracy_on_held_out_pages(matcher, capsys):
    totals = dict.fromkeys(FIELDS, 0)
    for path in HELDOUT_FILES:
        for field, ok in score_sample(path, matcher).items():
            totals[field] += ok
    overall = sum(totals.values()) / (len(FIELDS) * len(HELDOUT_FILES))
    with capsys.disabled():
        print(f"\nHeld-out accuracy over {len(HELDOUT_FILES)} pages: {overall:.0%}")
        for field in FIELDS:
            print(f"  {field:13} {totals[field]:3}/{len(HELDOUT_FILES)}")
    assert len(HELDOUT_FILES) >= 14
    assert overall >= 0.9, totals  # today 93 %: a change that loses generality fails here
