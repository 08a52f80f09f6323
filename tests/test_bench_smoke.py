"""The benchmark's requests, on a small generated archive: each answers as expected and
within its query budget (bench/query_budget.json). Timings are never asserted here.

A query count above its budget is a regression (a query per row, a lost prefetch). When a
change lowers or rightly raises a count, edit the budget file: the failure message lists
every request's observed status and count.
"""

import json

import pytest
from django.test import Client

from articles.corpus import corpus_generate
from bench.site import BUDGET_FILE, Sample, pick_sample, probes, request, sitemap_sections

SMOKE_ARTICLES = 1500


@pytest.fixture
def archive(db):
    corpus_generate(articles=SMOKE_ARTICLES, seed=1, batch_size=500)
    return pick_sample()


def test_every_benchmark_request_answers_within_its_query_budget(archive, settings):
    settings.ALLOWED_HOSTS = ["*"]
    budgets = json.loads(BUDGET_FILE.read_text(encoding="utf-8"))["requests"]
    client = Client(raise_request_exception=False)
    observed, failures = {}, []
    for probe in probes(archive, sitemap_sections(client)):
        response, statements = request(client, probe.url)
        observed[probe.name] = {"status": response.status_code, "queries": len(statements)}
        budget = budgets.get(probe.name)
        if budget is None:
            failures.append(f"{probe.name}: no budget in {BUDGET_FILE.name}")
        elif response.status_code != budget["status"]:
            failures.append(f"{probe.name} {probe.url}: {response.status_code}, not {budget}")
        elif len(statements) > budget["queries"]:
            failures.append(f"{probe.name} {probe.url}: {len(statements)} queries > {budget}")
    assert not failures, "\n".join(
        [*failures, "observed:", json.dumps(observed, ensure_ascii=False)]
    )


def test_every_budget_belongs_to_a_request():
    budgets = json.loads(BUDGET_FILE.read_text(encoding="utf-8"))["requests"]
    sample = Sample("a", "amm-54", "bien-dong", "nhan-dao", "vov-vn", "AMM", 2021, 8)
    names = {p.name for p in probes(sample, ["/sitemap-a.xml", "/sitemap-b.xml"])}
    assert set(budgets) <= names
    assert {"home", "search ASEAN", "API related", "sitemap.xml"} <= set(budgets)
