from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.utils import translation

from articles import schedule
from articles.services import vocabulary_load

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "seeds"
SAMPLES = ROOT / "fixtures" / "samples"
BAD = ROOT / "fixtures" / "bad"


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Start each test in Vietnamese: a request to /en/ leaves English active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with an empty cache: the API's throttle counts live there.

    Each test's archive starts with nothing scheduled, and the cache says so as it would
    after the first request: the query counts tests pin are those of every later request
    (articles/schedule.py; saving an article with a publication window forgets it)."""
    cache.clear()
    cache.set(schedule.NEXT_KEY, schedule.NONE)
    yield
    cache.clear()


@pytest.fixture
def vocabulary(db):
    """The themes and outlets of fixtures/, as `make run` loads them."""
    vocabulary_load()


def make_staff(django_user_model, username, *perms):
    user = django_user_model.objects.create_user(username=username, password="pw", is_staff=True)
    codenames = [
        "view_article",
        "add_article",
        "change_article",
        "delete_article",
        "view_figure",
        "add_figure",
        "change_figure",
        "delete_figure",
        "view_meetingtag",
        "add_meetingtag",
        "change_meetingtag",
        "delete_meetingtag",
        "view_themetag",
        "add_themetag",
        "change_themetag",
        "delete_themetag",
        "view_outlet",
        "add_outlet",
        "change_outlet",
        *perms,
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def editor(db, django_user_model):
    """A staff editor who may edit and tag but not publish."""
    return make_staff(django_user_model, "editor")


@pytest.fixture
def publisher(db, django_user_model):
    """A staff editor who may also publish."""
    return make_staff(django_user_model, "publisher", "publish_article")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client
