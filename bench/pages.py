"""Benchmark: public pages, search and API lists over a synthetic archive.

Usage (SQLite file in a temporary folder, or any DATABASE_URL):
    .venv/bin/python bench/pages.py [--articles 2000] [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/pages.py

It creates a fresh database (migrations applied, the given number of published articles,
each with two meetings, two themes, an outlet and a figure, plus 10% drafts), then reports
the median and 95th-percentile time and the query count of each request. Numbers are
for comparing changes on one machine, not promises.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCABULARY = (
    "hợp tác an ninh Biển Đông kinh tế thương mại phục hồi Covid-19 chuyển đổi số biến động "
    "cộng đồng ASEAN đối tác Mekong khí hậu năng lượng nhân đạo Myanmar Timor-Leste tầm nhìn"
)
WORDS = VOCABULARY.split()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp.name}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asean_archive.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    # A PostgreSQL URL names a database this script may empty: it flushes it first.
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    build(args.articles)

    client = Client()
    from articles.models import Article

    slug = Article.objects.published().order_by("id").values_list("slug", flat=True)[0]
    requests = [
        "/",
        f"/bai-viet/{slug}/",
        "/hoi-nghi/",
        "/hoi-nghi/amm-54/",
        "/chu-de/bien-dong/",
        "/luu-tru/2021/",
        "/search/?q=bien+dong",
        "/search/?q=Biển+Đông",
        '/search/?q="tầm+nhìn"&theme=covid-19',
        "/feed/",
        "/sitemap.xml",
        "/api/v1/articles/?page_size=100",
        "/api/v1/articles/?q=bien+dong&meeting=amm-54",
        f"/api/v1/articles/{slug}/related/",
    ]
    print(f"{connection.vendor}, {args.articles} published articles, {args.repeat} runs each")
    print(f"{'request':55} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    for url in requests:
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url, HTTP_ACCEPT="*/*")
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"{url[:55]:55} {statistics.median(times):9.1f} {p95:7.1f} {len(queries):7d}")


def build(n):
    from articles.models import Article, Figure, MeetingTag, Outlet, ThemeTag

    rng = random.Random(42)
    outlets = [Outlet.objects.create(name=f"Báo {i}", domain=f"bao{i}.vn") for i in range(10)]
    meetings = [
        MeetingTag.objects.create(
            name=f"Hội nghị Bộ trưởng Ngoại giao ASEAN lần thứ {k}",
            slug=f"amm-{k}",
            series="AMM",
            number=k,
            year=1967 + k,
        )
        for k in range(40, 60)
    ]
    themes = [
        ThemeTag.objects.create(name=name, slug=slug)
        for name, slug in [
            ("Biển Đông", "bien-dong"),
            ("Covid-19", "covid-19"),
            ("Kinh tế - thương mại", "kinh-te-thuong-mai"),
            ("Chuyển đổi số", "chuyen-doi-so"),
            ("Myanmar", "myanmar"),
        ]
    ]
    for i in range(int(n * 1.1)):
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) for _ in range(8))
        article = Article(
            title=" ".join(rng.choice(WORDS) for _ in range(10)) + f" {i}",
            lead=" ".join(rng.choice(WORDS) for _ in range(40)),
            body=body,
            outlet=rng.choice(outlets),
            published_on=datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(2500)),
            status=Article.Status.PUBLISHED if i < n else Article.Status.DRAFT,
        )
        article.save()
        article.meetings.set(rng.sample(meetings, 2))
        article.themes.set(rng.sample(themes, 2))
        Figure.objects.create(article=article, caption="Ảnh hội nghị", credit="PV")


if __name__ == "__main__":
    main()
