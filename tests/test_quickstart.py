"""What `make run` does, minus the server: the five seeds, published, in the site and the admin."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from articles.models import Article

from .conftest import SEEDS
from .test_importing_seeds import SEED_EXPECTATIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True  # `make run` runs its steps with DEBUG=1
    for _ in range(2):  # idempotent: running `make run` twice changes nothing
        call_command("load_vocabulary", stdout=StringIO())
        call_command("import_articles", str(SEEDS), "--status", "published", stdout=StringIO())
        force = ["--force"] if connection.vendor != "sqlite" else []
        call_command("ensure_dev_superuser", *force, stdout=StringIO())
    settings.DEBUG = False
    return Article.objects.all()


def test_home_lists_the_five_seeds(client, seeded):
    assert seeded.count() == 5
    html = client.get("/").content.decode()
    for expected in SEED_EXPECTATIONS.values():
        assert expected["title"] in html


def test_admin_shows_each_seed_with_its_fields(client, seeded):
    assert client.login(username="admin", password="admin")
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.context["cl"].result_count == 5
    changelist = response.content.decode()
    for name, expected in SEED_EXPECTATIONS.items():
        article = Article.objects.get(source_file=name)
        assert article.status == Article.Status.PUBLISHED
        assert expected["title"] in changelist
        page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        form = page.context["adminform"].form
        assert form.initial["title"] == expected["title"]
        assert form.initial["lead"] == expected["lead"]
        assert form.initial["author"] == expected["author"]
        assert form.initial["source_url"] == expected["source_url"]
        assert form.initial["published_on"].isoformat() == expected["published_on"]
        assert article.outlet.domain == expected["outlet"]["domain"]
        assert {m.slug for m in form.initial["meetings"]} == {
            m["slug"] for m in expected["meetings"]
        }
        assert {t.slug for t in form.initial["themes"]} == expected["themes"]
        for figure in expected["figures"]:
            assert figure["caption"].replace("&", "&amp;") in html or not figure["caption"]
        assert "Theo dõi Baoquocte.vn" not in form.initial["body"]
