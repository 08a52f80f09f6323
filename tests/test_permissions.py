"""One rule for who may do what (issue 11): roles × actions × article states × surfaces.

``RULES`` says, for each action on an article in each state, which roles may do it. Every
surface that offers the action is then checked against that one table: the services called
directly, the admin's change form, its list actions, its delete, trash, restore and revert
views, and the API. An allowed cell must have its effect (and record one revision); a refused
cell must leave every article and the history as they were.
"""

import datetime

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from articles import permissions, services
from articles.models import (
    Article,
    ArticleRevision,
    MeetingTag,
    TaggedMeeting,
    TaggedTheme,
    ThemeTag,
)

from . import factories
from .conftest import make_staff
from .test_admin import (
    ARTICLE_ADD,
    ARTICLES,
    THEMES,
    article_form_data,
    change_url,
    messages_of,
    run_action,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/articles/"
TRASH_LIST = f"{ARTICLES}?status__exact=trash"
LOGIN = reverse("admin:login")

ROLES = ("anonymous", "reader", "editor", "publisher", "superuser")
STAFF = {"editor", "publisher", "superuser"}
EDITORS = STAFF  # who writes drafts and articles in review
PUBLISHERS = {"publisher", "superuser"}  # who changes what readers see
NOBODY = set()

# The states of the article an action is tried on: "trash" came from a draft, "trash_live"
# from a published article (only a publisher restores that one).
STATES = ("draft", "review", "published", "trash", "trash_live")
TRASHED = ("trash", "trash_live")

# Who may edit an article's content or tags, by its state: a live one only a publisher, a
# trashed one nobody (restore it first).
EDITING = {
    "draft": EDITORS,
    "review": EDITORS,
    "published": PUBLISHERS,
    "trash": NOBODY,
    "trash_live": NOBODY,
}

# action, state of the article (None: a new one), who may. A row with NOBODY is an action
# that makes no sense in that state (publish a trashed article, restore a draft): refused,
# or nothing happens, for everyone.
RULES = [
    ("create_draft", None, EDITORS),
    ("create_review", None, EDITORS),
    ("create_published", None, PUBLISHERS),
    *[("edit", state, who) for state, who in EDITING.items()],
    ("publish", "draft", PUBLISHERS),
    ("publish", "review", PUBLISHERS),
    ("publish", "trash", NOBODY),
    ("unpublish", "published", PUBLISHERS),  # back to draft
    ("unpublish_to_review", "published", PUBLISHERS),
    ("to_review", "draft", EDITORS),
    ("to_review", "trash", NOBODY),
    ("to_draft", "review", EDITORS),
    ("to_draft", "trash_live", NOBODY),
    ("trash", "draft", EDITORS),
    ("trash", "review", EDITORS),
    ("trash", "published", PUBLISHERS),
    ("trash", "trash", NOBODY),  # already there
    ("restore", "trash", EDITORS),
    ("restore", "trash_live", PUBLISHERS),
    ("restore", "draft", NOBODY),
    ("restore", "published", NOBODY),
    ("purge", "trash", PUBLISHERS),
    ("purge", "trash_live", PUBLISHERS),
    ("purge", "draft", NOBODY),  # trash it first
    ("purge", "published", NOBODY),
    # A revert and a re-tag are edits like any other.
    *[("revert", state, who) for state, who in EDITING.items()],
    *[("retag", state, who) for state, who in EDITING.items()],
]

# The status an action leaves the article in.
CREATED = {"create_draft": "draft", "create_review": "review", "create_published": "published"}
MOVES = {
    "publish": "published",
    "unpublish": "draft",
    "unpublish_to_review": "review",
    "to_review": "review",
    "to_draft": "draft",
}

# What each surface offers.
SURFACES = {
    "service": {row[0] for row in RULES},
    "admin_form": {*CREATED, "edit", *MOVES},
    "admin_action": {*MOVES, "retag", "trash", "restore", "purge"},
    "admin_view": {"trash", "restore", "purge", "revert"},
    "api": {*CREATED, "edit", *MOVES, "trash"},
    "api_put": {"edit"},
}

NEW_TITLE = "Tiêu đề mới của bài"
BODY = "Tại AMM-54, các bộ trưởng thảo luận về Biển Đông."
DATE = datetime.date(2021, 8, 2)


def cells(surface):
    """The parameters of ``surface``'s matrix: every rule row it offers, for every role."""
    return [
        pytest.param(action, state, role, who, id=f"{action}-{state or 'new'}-{role}")
        for action, state, who in RULES
        if action in SURFACES[surface]
        for role in ROLES
    ]


# -- the world: one user, one article in the state under test, one bystander ----------------


def make_user(role, django_user_model):
    if role == "anonymous":
        return AnonymousUser()
    if role == "reader":
        user = django_user_model.objects.create_user(username="reader", password="pw")
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="articles",
                codename__in=[
                    "view_article",
                    "add_article",
                    "change_article",
                    "delete_article",
                    "publish_article",
                ],
            )
        )
        user = django_user_model.objects.get(pk=user.pk)
        assert not user.is_staff and user.has_perm("articles.publish_article")
        return user
    if role == "editor":
        return make_staff(django_user_model, "editor")
    if role == "publisher":
        return make_staff(django_user_model, "publisher", "publish_article")
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")


def make_article(state):
    """An article in ``state`` with two versions: as created ("Bài <state>", the one a revert
    goes back to), then edited; a trashed one has a third."""
    start = {"trash": "draft", "trash_live": "published"}.get(state, state)
    data = {"title": f"Bài {state}", "lead": "Sapo.", "body": BODY, "published_on": DATE}
    article = services.article_save(data={**data, "status": start})
    article = services.article_save(article=article, data={"title": f"Bài {state} (đã sửa)"})
    if state in TRASHED:
        services.article_trash(article=article)
    article = Article.objects.get(pk=article.pk)
    article.revisions_before = article.revisions.count()
    return article


@pytest.fixture
def world(db):
    """Build the article under test (and a bystander no write may touch)."""
    factories.article(title="Bài của người khác", body=BODY)

    def build(state):
        return make_article(state) if state else None

    return build


def snapshot():
    """Everything a refused write could change."""
    return (
        list(Article.objects.order_by("pk").values_list("pk", "status", "title", "version")),
        ArticleRevision.objects.count(),
        TaggedMeeting.objects.count(),
        TaggedTheme.objects.count(),
    )


def assert_done(action, state, article):
    """Assert that ``action`` had its effect on ``article`` (as read before it), with one
    new revision."""
    if action in CREATED:
        created = Article.objects.get(title=NEW_TITLE)
        assert created.status == CREATED[action]
        assert created.revisions.count() == 1
        return
    if action == "purge":
        assert not Article.objects.filter(pk=article.pk).exists()
        assert not ArticleRevision.objects.filter(article_id=article.pk).exists()
        return
    after = Article.objects.get(pk=article.pk)
    assert after.version == article.version + 1
    assert after.revisions.count() == article.revisions_before + 1
    if action == "edit":
        assert after.title == NEW_TITLE
    elif action in MOVES:
        assert after.status == MOVES[action]
    elif action == "trash":
        assert (after.status, after.trashed_from) == ("trash", state)
    elif action == "restore":
        assert after.status == article.trashed_from
        assert (after.trashed_from, after.trashed_at) == ("", None)
    elif action == "revert":
        assert after.title == f"Bài {state}"
        assert after.status == article.status  # a revert keeps the status
    elif action == "retag":
        assert list(after.meetings.values_list("slug", flat=True)) == ["amm-54"]
    else:
        raise AssertionError(action)


def outcome(role, who):
    return "allowed" if role in who else ("refused" if who else "nothing")


def login(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


# -- the services, called directly -----------------------------------------------------------


def call_service(action, article, user):
    if action in CREATED:
        data = {"title": NEW_TITLE, "body": BODY, "published_on": DATE, "status": CREATED[action]}
        return services.article_save(data=data, user=user)
    if action == "edit":
        return services.article_save(article=article, data={"title": NEW_TITLE}, user=user)
    if action in MOVES:
        return services.article_set_status(article=article, status=MOVES[action], user=user)
    if action == "trash":
        return services.article_trash(article=article, user=user)
    if action == "restore":
        return services.article_restore(article=article, user=user)
    if action == "purge":
        return services.article_purge(article=article, user=user)
    if action == "revert":
        revision = article.revisions.get(version=1)
        return services.article_revert(article=article, revision=revision, user=user)
    if action == "retag":
        return services.article_retag(article=article, user=user)
    raise AssertionError(action)


def nothing_to_do(action, state):
    """What a service does with an action that makes no sense in ``state``: a status move
    out of the trash is invalid, trashing the trash or restoring what is not in it changes
    nothing, anything else is refused."""
    if action in MOVES:
        return ValidationError
    if (action, state in TRASHED) in (("trash", True), ("restore", False)):
        return None
    return PermissionDenied


@pytest.mark.parametrize(("action", "state", "role", "who"), cells("service"))
def test_services(world, django_user_model, action, state, role, who):
    user, article = make_user(role, django_user_model), world(state)
    before = snapshot()
    expected = outcome(role, who)
    raises = {
        "allowed": None,
        "refused": PermissionDenied,
        "nothing": nothing_to_do(action, state),
    }[expected]

    if raises is None:
        call_service(action, article, user)
    else:
        with pytest.raises(raises):
            call_service(action, article, user)

    if expected == "allowed":
        assert_done(action, state, article)
    else:
        assert snapshot() == before


@pytest.mark.parametrize(
    ("action", "state"),
    [pytest.param(a, s, id=f"{a}-{s or 'new'}") for a, s, who in RULES if who],
)
def test_the_system_may_do_everything_a_role_may(world, action, state):
    """``user=None`` is the system (commands, the importer): no permission is asked."""
    article = world(state)
    call_service(action, article, None)
    assert_done(action, state, article)
    if action not in CREATED and action != "purge":
        assert Article.objects.get(pk=article.pk).revisions.first().user_name == ""


@pytest.mark.parametrize("state", ["draft", "published"])
def test_the_system_cannot_purge_outside_the_trash(world, state):
    article = world(state)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.article_purge(article=article)
    assert snapshot() == before


# -- the admin's change form -----------------------------------------------------------------


def post_change_form(client, action, article):
    if action in CREATED:
        new = Article(
            title=NEW_TITLE, lead="Sapo.", body=BODY, status=CREATED[action], published_on=DATE
        )
        return client.post(ARTICLE_ADD, article_form_data(new))
    changes = {"title": NEW_TITLE} if action == "edit" else {"status": MOVES[action]}
    data = article_form_data(article, opened_version=article.version, **changes)
    return client.post(change_url(article), data)


@pytest.mark.parametrize(("action", "state", "role", "who"), cells("admin_form"))
def test_admin_change_form(client, world, django_user_model, action, state, role, who):
    user, article = make_user(role, django_user_model), world(state)
    before = snapshot()

    response = post_change_form(login(client, user), action, article)

    if role not in STAFF:
        assert is_login_redirect(response)
    elif outcome(role, who) == "allowed":
        assert response.status_code == 302 and not is_login_redirect(response)
        assert_done(action, state, article)
        return
    elif state in TRASHED or (state == "published" and role == "editor"):
        # Who may not edit the article at all gets no form to post.
        assert response.status_code == 403
    else:
        # Who may edit it but not make this move gets the form back, with the reason.
        assert response.status_code == 200
        assert "publisher" in " ".join(response.context["adminform"].form.errors["status"])
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_save_as_new_is_a_create_like_any_other(client, world, django_user_model, role):
    """Django honours "_saveasnew" even without ``save_as``: a copy of a live article posted
    as published is a new published article, for a publisher only."""
    user, article = make_user(role, django_user_model), world("published")
    before = snapshot()
    data = article_form_data(article, title=NEW_TITLE, slug="", _saveasnew="Lưu thành bài mới")

    response = login(client, user).post(change_url(article), data)

    if role not in STAFF:
        assert is_login_redirect(response)
    elif role == "editor":
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["status"]
    else:
        assert response.status_code == 302
        assert Article.objects.get(title=NEW_TITLE).status == "published"
        assert Article.objects.get(pk=article.pk).version == article.version
        return
    assert snapshot() == before


# -- the admin's list actions ----------------------------------------------------------------

ADMIN_ACTIONS = {
    "publish": "publish",
    "unpublish": "send_back_to_draft",
    "unpublish_to_review": "send_to_review",
    "to_review": "send_to_review",
    "to_draft": "send_back_to_draft",
    "retag": "retag",
    "trash": "trash",
    "restore": "restore",
    "purge": "purge",
}


@pytest.mark.parametrize(("action", "state", "role", "who"), cells("admin_action"))
def test_admin_list_actions(client, world, django_user_model, action, state, role, who):
    user, article = make_user(role, django_user_model), world(state)
    before = snapshot()
    # The selection is made in the list that shows the article: the trash is its own list.
    url = TRASH_LIST if state in TRASHED else ARTICLES
    extra = {"confirmed": "yes"} if action == "purge" else {}

    response = run_action(login(client, user), url, ADMIN_ACTIONS[action], [article], **extra)

    if role not in STAFF:
        assert is_login_redirect(response)
        assert snapshot() == before
        return
    assert response.status_code == 302
    if outcome(role, who) == "allowed":
        assert messages_of(response, messages.SUCCESS)
        assert not messages_of(response, messages.ERROR)
        assert_done(action, state, article)
    else:
        assert not messages_of(response, messages.SUCCESS)
        # Refused with a reason, or (an action the user lacks) not offered at all.
        assert messages_of(response, messages.ERROR) or messages_of(response, messages.WARNING)
        assert snapshot() == before


def test_a_refused_article_refuses_the_whole_selection(client, world, django_user_model):
    editor = make_user("editor", django_user_model)
    draft, published = world("draft"), world("published")
    before = snapshot()
    response = run_action(login(client, editor), ARTICLES, "trash", [draft, published])
    assert messages_of(response, messages.ERROR)
    assert snapshot() == before


# -- the admin's delete, trash, restore and revert views ---------------------------------------


def post_admin_view(client, action, article):
    if action == "purge":
        url = reverse("admin:articles_article_delete", args=[article.pk])
        return client.post(url, {"post": "yes"})
    if action == "revert":
        url = reverse("admin:articles_article_revert", args=[article.pk, 1])
        return client.post(url, {"version": article.version})
    return client.post(reverse(f"admin:articles_article_{action}", args=[article.pk]))


@pytest.mark.parametrize(("action", "state", "role", "who"), cells("admin_view"))
def test_admin_views(client, world, django_user_model, action, state, role, who):
    user, article = make_user(role, django_user_model), world(state)
    before = snapshot()

    response = post_admin_view(login(client, user), action, article)

    if role not in STAFF:
        assert is_login_redirect(response)
        assert snapshot() == before
        return
    expected = outcome(role, who)
    if expected == "allowed":
        assert response.status_code == 302 and not is_login_redirect(response)
        assert not messages_of(response, messages.ERROR)
        assert_done(action, state, article)
        return
    if action == "purge":
        # Deleting is purging the trash, for a publisher only: anything else is forbidden.
        assert response.status_code == 403
    else:
        assert response.status_code == 302
        # Refused with the reason. (Trashing the trash, or restoring what is not in it,
        # changes nothing: no reason to give.)
        if expected == "refused" or action == "revert":
            assert messages_of(response, messages.ERROR)
            assert not messages_of(response, messages.SUCCESS)
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("view", ["history", "compare", "revert_confirm"])
def test_admin_history_is_for_staff(client, world, django_user_model, view, state, role):
    user, article = make_user(role, django_user_model), world(state)
    url = {
        "history": reverse("admin:articles_article_history", args=[article.pk]),
        "compare": reverse("admin:articles_article_compare", args=[article.pk]) + "?a=1&b=2",
        "revert_confirm": reverse("admin:articles_article_revert", args=[article.pk, 1]),
    }[view]
    response = login(client, user).get(url)
    if role not in STAFF:
        assert is_login_redirect(response)
        return
    assert response.status_code == 200
    if view != "compare":
        # The revert button: for who may edit the article.
        assert response.context["may_revert"] is (
            state == "draft" or state == "review" or (state == "published" and role != "editor")
        )


# -- the API ----------------------------------------------------------------------------------


def send_api(api, action, article, *, put=False):
    if action in CREATED:
        payload = {"title": NEW_TITLE, "status": CREATED[action], "published_on": DATE.isoformat()}
        return api.post(API, payload, format="json")
    url = f"{API}{article.slug}/"
    if action == "trash":
        return api.delete(url)
    if put:
        return api.put(url, {"title": NEW_TITLE, "lead": "Sapo.", "body": BODY}, format="json")
    payload = {"title": NEW_TITLE} if action == "edit" else {"status": MOVES[action]}
    return api.patch(url, payload, format="json")


API_DONE = {"create_draft": 201, "create_review": 201, "create_published": 201, "trash": 204}


def check_api(api_surface, action, state, role, who, world, django_user_model):
    user, article = make_user(role, django_user_model), world(state)
    before = snapshot()

    response = send_api(login(APIClient(), user), action, article, put=api_surface == "api_put")

    expected = outcome(role, who)
    if role == "anonymous":
        assert response.status_code == 401  # asked to log in, whatever the article
    elif role == "reader":
        assert response.status_code == 403
    elif expected == "allowed":
        assert response.status_code == API_DONE.get(action, 200), response.content
        assert_done(action, state, article)
        return
    elif state in TRASHED:
        assert response.status_code == 404  # the trash is the admin's
    else:
        assert response.status_code == 403, response.content
    assert snapshot() == before


@pytest.mark.parametrize(("action", "state", "role", "who"), cells("api"))
def test_api(world, django_user_model, action, state, role, who):
    check_api("api", action, state, role, who, world, django_user_model)


@pytest.mark.parametrize(("action", "state", "role", "who"), cells("api_put"))
def test_api_put(world, django_user_model, action, state, role, who):
    check_api("api_put", action, state, role, who, world, django_user_model)


# -- a trashed article is the admin's only ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", TRASHED)
def test_a_trashed_article_is_invisible_outside_the_admins_trash(
    client, world, django_user_model, state, role
):
    user, article = make_user(role, django_user_model), world(state)
    api = login(APIClient(), user)
    assert api.get(f"{API}{article.slug}/").status_code == 404
    assert api.get(f"{API}{article.pk}/").status_code == 404
    listed = {a["slug"] for a in api.get(API).json()["results"]}
    assert article.slug not in listed and "bai-cua-nguoi-khac" in listed

    site = login(client, user)
    assert site.get(article.get_absolute_url()).status_code == 404
    if role not in STAFF:
        assert is_login_redirect(site.get(TRASH_LIST))
        assert is_login_redirect(site.get(change_url(article)))
        return
    assert article.title not in {a.title for a in site.get(ARTICLES).context["cl"].result_list}
    assert article.title in {a.title for a in site.get(TRASH_LIST).context["cl"].result_list}


# -- tag merges ----------------------------------------------------------------------------------


@pytest.fixture
def themes_to_merge(world):
    target, source = factories.theme(name="Biển Đông"), factories.theme(name="Biển Đông (cũ)")
    factories.article(title="Bài gắn thẻ cũ", themes=[source])
    return target, source


@pytest.mark.parametrize("surface", ["service", "admin_action"])
@pytest.mark.parametrize("role", ROLES)
def test_merging_tags(client, themes_to_merge, django_user_model, surface, role):
    """Merging deletes tags and re-tags their articles, published ones too: for a publisher
    (who may also change and delete tags)."""
    user, (target, source) = make_user(role, django_user_model), themes_to_merge
    before = snapshot()
    allowed = role in PUBLISHERS

    if surface == "service":
        if allowed:
            services.tags_merge(target=target, sources=[source], user=user)
        else:
            with pytest.raises(PermissionDenied):
                services.tags_merge(target=target, sources=[source], user=user)
    else:
        response = run_action(
            login(client, user), THEMES, "merge_tags", [target, source], target=target.pk
        )
        assert is_login_redirect(response) is (role not in STAFF)

    if allowed:
        assert not ThemeTag.objects.filter(pk=source.pk).exists()
        assert Article.objects.get(title="Bài gắn thẻ cũ").themes.get() == target
    else:
        assert snapshot() == before
        assert ThemeTag.objects.filter(pk=source.pk).exists()


# -- permissions.may_*, one role at a time ----------------------------------------------------


def article_in(state):
    """An article in ``state``, unsaved (the rule reads only its fields)."""
    trashed_from = {"trash": "draft", "trash_live": "published"}.get(state, "")
    status = "trash" if trashed_from else state
    return Article(pk=1, title="Bài", status=status, trashed_from=trashed_from)


MAY = {
    "edit": permissions.may_change,
    "revert": permissions.may_revert,
    "retag": permissions.may_retag,
    "trash": permissions.may_trash,
    "restore": permissions.may_restore,
    "purge": permissions.may_purge,
}


def ask(action, state, user):
    """Ask the permission function that answers for ``action`` on an article in ``state``."""
    if action in CREATED:
        return permissions.may_add(user, CREATED[action])
    article = article_in(state)
    if action in MOVES:
        return permissions.may_set_status(user, article, MOVES[action])
    return MAY[action](user, article)


def rule_cells():
    return [
        pytest.param(action, state, who, id=f"{action}-{state or 'new'}")
        for action, state, who in RULES
    ]


@pytest.mark.parametrize(("action", "state", "who"), rule_cells())
def test_the_permission_functions_follow_the_rules(django_user_model, action, state, who):
    answers = {role: ask(action, state, make_user(role, django_user_model)) for role in ROLES}
    assert {role for role, yes in answers.items() if yes} == who


# Answers that do not depend on one article: function, arguments after the user, who may.
GENERAL = [
    ("is_staff", (), STAFF),
    ("may_see_unpublished", (), STAFF),
    ("may_publish", (), PUBLISHERS),
    ("may_change", (), EDITORS),  # some article
    ("may_change", (Article(status="published"),), EDITORS),  # a new one is not yet live
    ("may_purge", (), PUBLISHERS),  # the trash, in general
    ("may_see_history", (), STAFF),
    ("may_merge_tags", (MeetingTag,), PUBLISHERS),
    ("may_merge_tags", (ThemeTag,), PUBLISHERS),
    ("may_set_status", (article_in("trash"), "trash"), NOBODY),
    ("may_set_status", (article_in("draft"), "trash"), EDITORS),
    ("may_set_status", (article_in("published"), "published"), PUBLISHERS),
]


@pytest.mark.parametrize(
    ("name", "args", "who"),
    [pytest.param(n, a, w, id=f"{n}-{i}") for i, (n, a, w) in enumerate(GENERAL)],
)
def test_the_general_answers(django_user_model, name, args, who):
    function = getattr(permissions, name)
    answers = {role: function(make_user(role, django_user_model), *args) for role in ROLES}
    assert {role for role, yes in answers.items() if yes} == who


def test_an_inactive_publisher_may_do_nothing(django_user_model):
    publisher = make_user("publisher", django_user_model)
    publisher.is_active = False
    assert not permissions.is_staff(publisher)
    assert not any(ask(action, state, publisher) for action, state, _who in RULES)


def test_the_rule_grants_nothing_to_none():
    """The rule grants nothing to ``None``: it is the services that let the system through."""
    assert not any(ask(action, state, None) for action, state, _who in RULES)


@pytest.mark.parametrize(
    ("require", "state", "role", "reason"),
    [
        ("require_change", "published", "editor", "Only a publisher"),  # a live article
        ("require_change", "trash", "publisher", "restore it first"),
        ("require_change", "draft", "reader", "You may not edit"),
        ("require_status", "review", "editor", "Only a publisher"),  # to published
        ("require_status", "trash", "publisher", "restore it first"),
    ],
)
def test_a_refusal_says_why(django_user_model, require, state, role, reason):
    user, article = make_user(role, django_user_model), article_in(state)
    with pytest.raises(PermissionDenied, match=reason):
        if require == "require_change":
            permissions.require_change(user, article)
        else:
            permissions.require_status(user, article, "published")
