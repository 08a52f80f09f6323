"""The audit log: what record() stores, the acts recorded by signals and by the admin, and
the log's admin page (superusers read it; nobody edits it)."""

import datetime
import decimal
import json
import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import connection, transaction
from django.forms import MultiWidget
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, MeetingTag, Outlet, ThemeTag
from audit import acting_as, current_actor, record, record_many
from audit.admin_mixin import change_detail
from audit.middleware import AuditActorMiddleware
from audit.models import AuditEntry
from audit.recording import target_type_for

from . import factories
from .conftest import make_staff

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
LOGOUT = reverse("admin:logout")
ENTRIES = reverse("admin:audit_auditentry_changelist")
PASSWORD = "Mat-khau-dai-9731"


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", PASSWORD)


@pytest.fixture
def boss_client(client, boss):
    client.force_login(boss)
    return client


@pytest.fixture
def someone(django_user_model):
    return django_user_model.objects.create_user("someone", password="pw")


def entries(action=None, **filters):
    queryset = AuditEntry.objects.all()
    if action:
        queryset = queryset.filter(action=action)
    return list(queryset.filter(**filters).order_by("id"))


def only_entry(action, **filters):
    found = entries(action, **filters)
    assert len(found) == 1, [(e.action, e.target_repr, e.detail) for e in found]
    return found[0]


# record() and record_many()


def test_record_stores_actor_target_via_detail_and_ip(editor):
    theme = factories.theme(name="Biển Đông")
    entry = record(
        "merge",
        actor=editor,
        target=theme,
        via="admin",
        detail={"merged": ["Biển Đông 2"], "moved": 3},
        ip="203.0.113.9",
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == editor
    assert stored.actor_name == "editor"
    assert (stored.action, stored.target_type) == ("merge", "theme")
    assert stored.target_id == str(theme.pk)
    assert stored.target_repr == str(theme)
    assert stored.via == "admin"
    assert stored.detail == {"merged": ["Biển Đông 2"], "moved": 3}
    assert stored.ip == "203.0.113.9"


def test_record_names_a_target_without_an_instance():
    entry = record("import_run", target_type="import", target_repr="fixtures/seeds")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor, stored.actor_name) == (None, "")
    assert (stored.target_type, stored.target_id, stored.target_repr) == (
        "import",
        "",
        "fixtures/seeds",
    )


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Article, "article"),
        (MeetingTag, "meeting"),
        (ThemeTag, "theme"),
        (Outlet, "outlet"),
        (Group, "group"),
        (Permission, "permission"),
    ],
)
def test_target_types_have_the_logs_names(model, name):
    assert target_type_for(model) == name


def test_user_target_type_is_user(django_user_model):
    assert target_type_for(django_user_model) == "user"


def test_actor_name_is_kept_after_the_user_is_deleted(editor):
    entry = record("publish", actor=editor, target_type="article", target_id="7")
    editor.delete()
    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_name == "editor"


def test_anonymous_actor_is_stored_as_nobody(boss):
    with acting_as(boss, "command"):
        entry = record("change", actor=AnonymousUser(), target_type="article", target_id="1")
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name) == (None, "")
    assert entry.via == "command"


def test_detail_is_made_json_safe():
    when = datetime.datetime(2021, 4, 7, 8, 30, tzinfo=datetime.UTC)
    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    group = Group.objects.create(name="Biên tập")
    entry = record(
        "import_run",
        target_type="import",
        target_repr="bad\x00name",
        detail={
            "day": datetime.date(2021, 4, 7),
            "at": when,
            "amount": decimal.Decimal("1.50"),
            "tags": {"b", "a"},
            "pair": (1, 2),
            "id": key,
            "ratio": float("nan"),
            "huge": float("inf"),
            "text": "nul\x00byte",
            "raw": b"\xc3\xa2u",
            "group": group,
            7: {"nested": datetime.timedelta(seconds=90)},
        },
    )
    entry.refresh_from_db()
    assert entry.target_repr == "badname"
    assert entry.detail == {
        "day": "2021-04-07",
        "at": "2021-04-07T08:30:00+00:00",
        "amount": "1.50",
        "tags": ["a", "b"],
        "pair": [1, 2],
        "id": str(key),
        "ratio": "nan",
        "huge": "inf",
        "text": "nulbyte",
        "raw": "âu",
        "group": "Biên tập",
        "7": {"nested": 90.0},
    }


def test_detail_that_is_not_a_dict_is_wrapped():
    entry = record("retag", target_type="article", target_id="1", detail=[1, 2])
    entry.refresh_from_db()
    assert entry.detail == {"value": [1, 2]}


def test_long_target_repr_is_cut_to_the_field():
    entry = record("create", target_type="article", target_id="1", target_repr="x" * 1000)
    entry.refresh_from_db()
    assert len(entry.target_repr) == 300


def test_an_invalid_ip_is_stored_as_none():
    entry = record("login", target_type="user", ip="not-an-address")
    entry.refresh_from_db()
    assert entry.ip is None


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError, match="publsh"):
        record("publsh", target_type="article", target_id="1")
    assert not AuditEntry.objects.exists()


def test_a_rolled_back_write_leaves_no_entry(editor):
    before = AuditEntry.objects.count()  # the editor's creation and permissions
    with pytest.raises(RuntimeError), transaction.atomic():
        record("publish", actor=editor, target_type="article", target_id="1")
        record_many([{"action": "import_article", "target_type": "article", "target_id": "2"}])
        raise RuntimeError("the write failed")
    assert AuditEntry.objects.count() == before


def test_record_many_writes_every_entry_in_one_query(editor, django_assert_num_queries):
    items = [
        {
            "action": "import_article",
            "actor": editor,
            "target_type": "article",
            "target_id": n,
            "target_repr": f"Bài {n}",
            "via": "import",
            "detail": {"file": f"/tmp/{n}.txt", "on": datetime.date(2021, 4, 7)},
        }
        for n in range(1000)
    ]
    with django_assert_num_queries(1):
        record_many(items)
    stored = entries("import_article")
    assert len(stored) == 1000
    assert stored[0].actor_name == "editor"
    assert stored[0].detail == {"file": "/tmp/0.txt", "on": "2021-04-07"}
    assert {e.target_id for e in stored} == {str(n) for n in range(1000)}


def test_record_many_of_nothing_costs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        record_many([])


def test_acting_as_gives_the_actor_and_via_until_the_block_ends(editor, publisher):
    with acting_as(editor, "command"):
        inside = record("retag", target_type="article", target_id="1")
        explicit = record("retag", actor=publisher, via="api", target_type="article", target_id="2")
    outside = record("retag", target_type="article", target_id="3")
    assert (inside.actor, inside.via) == (editor, "command")
    assert (explicit.actor, explicit.via) == (publisher, "api")
    assert (outside.actor, outside.via) == (None, "")
    assert current_actor.get() is None


def test_the_same_act_twice_in_one_scope_is_one_entry_with_merged_detail(editor):
    group = Group.objects.create(name="Nhóm")
    with acting_as(editor, "admin"):
        first = record("change", target=group, detail={"fields": ["Name"], "n": {"a": [1]}})
        second = record("change", target=group, detail={"fields": ["Permissions"], "n": {"a": [2]}})
    assert first.pk == second.pk
    assert only_entry("change").detail == {"fields": ["Name", "Permissions"], "n": {"a": [1, 2]}}
    # Outside a scope, nothing is merged.
    record("change", target=group)
    assert len(entries("change")) == 2


def test_an_act_recorded_again_after_its_entry_was_rolled_back_is_written(editor):
    group = Group.objects.create(name="Nhóm")
    with acting_as(editor, "admin"):
        with pytest.raises(RuntimeError), transaction.atomic():
            record("change", target=group, detail={"try": 1})
            raise RuntimeError
        record("change", target=group, detail={"try": 2})
    assert only_entry("change").detail == {"try": 2}


def test_middleware_attributes_a_request_to_its_user_and_door(editor):
    def view(request):
        record("change", target_type="article", target_id="1")
        return HttpResponse()

    request = RequestFactory().post("/api/v1/articles/1/", REMOTE_ADDR="198.51.100.4")
    request.user = editor
    AuditActorMiddleware(view)(request)
    entry = only_entry("change")
    assert (entry.actor, entry.via, entry.ip) == (editor, "api", "198.51.100.4")
    assert current_actor.get() is None


def test_middleware_reads_a_user_set_after_it_ran(editor):
    """The API's token authentication sets request.user inside the view."""

    def view(request):
        request.user = editor
        record("change", target_type="article", target_id="1")
        return HttpResponse()

    request = RequestFactory().post("/api/v1/articles/1/")
    AuditActorMiddleware(view)(request)
    assert only_entry("change").actor == editor


# Logins


def test_admin_login_is_recorded_with_the_ip(client, boss):
    response = client.post(
        LOGIN,
        {"username": "boss", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    entry = only_entry("login")
    assert (entry.actor, entry.actor_name, entry.target_id) == (boss, "boss", str(boss.pk))
    assert (entry.ip, entry.via) == ("203.0.113.7", "admin")


def test_failed_admin_login_records_the_username_never_the_password(client, boss):
    wrong = "Sai-mat-khau-5512"
    response = client.post(
        LOGIN,
        {"username": "boss", "password": wrong, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.8",
    )
    assert response.status_code == 200
    assert not entries("login")
    entry = only_entry("login_failed")
    assert (entry.actor, entry.actor_name) == (None, "")
    assert entry.detail == {"username": "boss"}
    assert (entry.target_type, entry.target_repr, entry.ip) == ("user", "boss", "203.0.113.8")
    stored = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert wrong not in stored
    assert "********" not in stored


def test_failed_login_while_signed_in_is_nobodys(client, editor):
    client.force_login(editor)
    client.post(LOGIN, {"username": "ghost", "password": "x", "next": "/admin/"})
    entry = only_entry("login_failed")
    assert entry.actor is None
    assert entry.detail == {"username": "ghost"}


def test_admin_logout_is_recorded(boss_client, boss):
    response = boss_client.post(LOGOUT)
    assert response.status_code == 200
    entry = only_entry("logout")
    assert (entry.actor, entry.ip) == (boss, "127.0.0.1")


# Users' rights


def test_user_permissions_added_removed_and_cleared_name_the_acting_user(boss, someone):
    publish = Permission.objects.get(codename="publish_article")
    view = Permission.objects.get(codename="view_article")
    with acting_as(boss, "command"):
        someone.user_permissions.add(publish, view)
    with acting_as(boss, "command"):
        someone.user_permissions.remove(view)
    with acting_as(boss, "command"):
        someone.user_permissions.clear()
    added, removed, cleared = entries("permissions", target_id=str(someone.pk))
    assert added.detail == {
        "permissions": {"added": ["articles.publish_article", "articles.view_article"]}
    }
    assert removed.detail == {"permissions": {"removed": ["articles.view_article"]}}
    assert cleared.detail == {"permissions": {"removed": ["articles.publish_article"]}}
    for entry in (added, removed, cleared):
        assert (entry.actor, entry.via, entry.target_type) == (boss, "command", "user")


def test_clearing_no_permissions_records_nothing(someone):
    someone.user_permissions.clear()
    assert not entries("permissions")


def test_permission_given_from_its_side_is_recorded_on_the_user(boss, someone):
    publish = Permission.objects.get(codename="publish_article")
    with acting_as(boss, "command"):
        publish.user_set.add(someone)
    entry = only_entry("permissions")
    assert (entry.target_type, entry.target_id) == ("user", str(someone.pk))
    assert entry.detail == {"permissions": {"added": ["articles.publish_article"]}}


def test_group_membership_changes_are_recorded(boss, someone):
    publishers = Group.objects.create(name="Người đăng bài")
    with acting_as(boss, "command"):
        someone.groups.add(publishers)
    with acting_as(boss, "command"):
        publishers.user_set.remove(someone)
    added, removed = entries("permissions", target_id=str(someone.pk))
    assert added.detail == {"groups": {"added": ["Người đăng bài"]}}
    assert removed.detail == {"groups": {"removed": ["Người đăng bài"]}}
    assert added.actor == removed.actor == boss


def test_group_permission_changes_are_recorded_on_the_group(boss):
    publishers = Group.objects.create(name="Người đăng bài")
    publish = Permission.objects.get(codename="publish_article")
    with acting_as(boss, "command"):
        publishers.permissions.add(publish)
    entry = only_entry("permissions", target_type="group")
    assert (entry.target_id, entry.target_repr) == (str(publishers.pk), "Người đăng bài")
    assert entry.detail == {"permissions": {"added": ["articles.publish_article"]}}
    assert entry.actor == boss


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser", "is_active"])
def test_a_flag_flip_records_old_and_new(boss, someone, flag):
    old = getattr(someone, flag)
    setattr(someone, flag, not old)
    with acting_as(boss, "command"):
        someone.save()
    entry = only_entry("permissions")
    assert entry.detail == {flag: [old, not old]}
    assert (entry.actor, entry.target_id) == (boss, str(someone.pk))


def test_saving_a_user_without_flag_changes_records_nothing(someone, django_assert_num_queries):
    someone.first_name = "An"
    someone.save()
    with django_assert_num_queries(1):  # last_login: no read of the old flags
        someone.save(update_fields=["last_login"])
    assert not entries("permissions")


def test_user_creation_and_deletion_are_recorded(boss, django_user_model):
    with acting_as(boss, "command"):
        user = django_user_model.objects.create_user("newcomer", is_staff=True)
        user_id = user.pk
        user.delete()
    created = only_entry("create", target_repr="newcomer")
    deleted = only_entry("delete", target_type="user")
    assert created.detail == {"is_active": True, "is_staff": True, "is_superuser": False}
    assert created.target_repr == deleted.target_repr == "newcomer"
    assert created.target_id == deleted.target_id == str(user_id)
    assert created.actor == deleted.actor == boss


def test_users_deleting_themselves_keep_their_name_on_the_entry(someone):
    with acting_as(someone, "site"):
        someone.delete()
    entry = only_entry("delete")
    assert (entry.actor, entry.actor_name) == (None, "someone")


# The user admin (AuditedAdminMixin)


def post_data(form, **changes):
    """Return the POST data a browser sends for an admin form as rendered, with changes."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def change_user(client, user, **changes):
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    return client.post(url, post_data(form, **changes))


def test_admin_change_of_a_users_rights_is_recorded_with_the_superuser(boss_client, boss):
    user = make_staff(type(boss), "nguoi-moi")
    user.is_staff = False
    user.save()
    AuditEntry.objects.all().delete()
    publishers = Group.objects.create(name="Người đăng bài")
    publish = Permission.objects.get(codename="publish_article")
    kept = list(user.user_permissions.exclude(codename="view_article").values_list("pk", flat=True))

    response = change_user(
        boss_client,
        user,
        is_staff="on",
        groups=[str(publishers.pk)],
        user_permissions=[str(pk) for pk in [*kept, publish.pk]],
    )

    assert response.status_code == 302
    change = only_entry("change")
    # Django's own change message also names "Date joined" (its microseconds are not in the
    # form): the entry names the fields Django's history names.
    assert {"Staff status", "Groups", "User permissions"} <= set(change.detail["fields"])
    assert "First name" not in change.detail["fields"]
    rights = only_entry("permissions")
    assert rights.detail == {
        "is_staff": [False, True],
        "groups": {"added": ["Người đăng bài"]},
        "permissions": {
            "removed": ["articles.view_article"],
            "added": ["articles.publish_article"],
        },
    }
    for entry in (change, rights):
        assert (entry.actor, entry.actor_name, entry.via) == (boss, "boss", "admin")
        assert (entry.target_type, entry.target_id) == ("user", str(user.pk))
        assert entry.ip == "127.0.0.1"


def test_admin_change_of_a_name_records_no_rights_change(boss_client, someone):
    response = change_user(boss_client, someone, first_name="Lan")
    assert response.status_code == 302
    fields = only_entry("change").detail["fields"]
    assert "First name" in fields
    assert "Staff status" not in fields
    assert not entries("permissions")


def test_admin_user_creation_is_one_entry(boss_client, boss):
    response = boss_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "phongvien",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    entry = only_entry("create", target_repr="phongvien")
    assert (entry.actor, entry.via, entry.target_type) == (boss, "admin", "user")
    assert entry.detail["is_superuser"] is False
    assert PASSWORD not in json.dumps(entry.detail)


def test_admin_user_deletion_is_one_entry(boss_client, boss, someone):
    url = reverse("admin:auth_user_delete", args=[someone.pk])
    response = boss_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    entry = only_entry("delete", target_type="user")
    assert (entry.actor, entry.via, entry.target_repr) == (boss, "admin", "someone")


def test_admin_bulk_deletion_records_one_entry_per_user(boss_client, django_user_model):
    users = [django_user_model.objects.create_user(f"u{n}") for n in range(3)]
    response = boss_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [u.pk for u in users], "post": "yes"},
    )
    assert response.status_code == 302
    assert not django_user_model.objects.filter(username__startswith="u").exists()
    deleted = entries("delete", target_type="user")
    assert sorted(e.target_repr for e in deleted) == ["u0", "u1", "u2"]
    assert {e.via for e in deleted} == {"admin"}


def test_admin_group_creation_is_recorded(boss_client, boss):
    publish = Permission.objects.get(codename="publish_article")
    response = boss_client.post(
        reverse("admin:auth_group_add"), {"name": "Người đăng bài", "permissions": [publish.pk]}
    )
    assert response.status_code == 302
    created = only_entry("create", target_type="group")
    rights = only_entry("permissions", target_type="group")
    assert created.target_repr == "Người đăng bài"
    assert rights.detail == {"permissions": {"added": ["articles.publish_article"]}}
    assert created.actor == rights.actor == boss


def test_change_detail_reads_the_admins_change_message():
    message = [
        {"changed": {"fields": ["Title", "Lead"]}},
        {"added": {"name": "ảnh", "object": "Ảnh 1"}},
    ]
    assert change_detail(message) == {
        "fields": ["Title", "Lead"],
        "related": [{"added": {"name": "ảnh", "object": "Ảnh 1"}}],
    }
    assert change_detail([{"added": {}}]) == {}
    assert change_detail("Đã đăng 3 bài.") == {"message": "Đã đăng 3 bài."}


# The log's admin


def test_superuser_lists_the_log_newest_first_with_local_times(boss_client):
    entry = record("publish", target_type="article", target_id="99", target_repr="Bài cũ")
    AuditEntry.objects.filter(pk=entry.pk).update(
        at=datetime.datetime(2021, 4, 7, 8, 30, 5, tzinfo=datetime.UTC)
    )
    newer = record("retag", target_type="article", target_id="98", target_repr="Bài mới")
    response = boss_client.get(ENTRIES)
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert [e.pk for e in listed if e.pk in (entry.pk, newer.pk)] == [newer.pk, entry.pk]
    html = response.content.decode()
    assert "07/04/2021 15:30:05" in html  # Asia/Ho_Chi_Minh, dd/mm/YYYY
    assert 'name="action"' not in html  # no bulk actions, so no delete_selected


def test_superuser_filters_and_searches_the_log(boss_client, boss, someone):
    record("publish", target_type="article", target_id="1", target_repr="Biển Đông")
    record("retag", target_type="article", target_id="7712", target_repr="Mekong")
    record("change", actor=someone, target=boss, via="admin")

    def listed(query):
        response = boss_client.get(ENTRIES, query)
        assert response.status_code == 200
        return {e.target_repr for e in response.context["cl"].result_list}

    assert listed({"action": "publish"}) == {"Biển Đông"}
    assert listed({"target_type": "article"}) == {"Biển Đông", "Mekong"}
    assert listed({"via": "admin", "action": "change"}) == {"boss"}
    assert listed({"q": "Mekong"}) == {"Mekong"}
    assert listed({"q": "7712"}) == {"Mekong"}  # the target's id, exactly
    assert listed({"q": "771"}) == set()
    assert listed({"q": "someone", "action": "change"}) == {"boss"}  # by its actor


def test_target_links_to_its_admin_page_while_it_exists(boss_client, someone):
    theme = factories.theme(name="Kinh tế số")
    record("change", target=theme)
    record("delete", target_type="theme", target_id="999999", target_repr="Đã xoá")
    record("change", target=someone)
    html = boss_client.get(ENTRIES).content.decode()
    theme_url = reverse("admin:articles_themetag_change", args=[theme.pk])
    assert re.search(rf'<a href="{re.escape(theme_url)}">[^<]*Kinh tế số</a>', html)
    assert reverse("admin:auth_user_change", args=[someone.pk]) in html
    assert "Đã xoá" in html
    assert reverse("admin:articles_themetag_change", args=[999999]) not in html


def test_superuser_opens_an_entry_with_its_detail_readable(boss_client):
    entry = record(
        "import_run",
        target_type="import",
        target_repr="seeds",
        detail={"created": 12, "failed": 1, "note": "Biển Đông"},
    )
    response = boss_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<pre class="audit-detail">' in html
    assert "&quot;created&quot;: 12" in html
    assert "Biển Đông" in html  # not \\u-escaped
    assert 'name="_save"' not in html


def test_nobody_adds_changes_or_deletes_entries_not_even_a_superuser(boss_client):
    entry = record("login", target_type="user", target_id="1")
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    add = reverse("admin:audit_auditentry_add")
    assert boss_client.post(change, {"action": "logout", "actor_name": "x"}).status_code == 403
    assert boss_client.get(delete).status_code == 403
    assert boss_client.post(delete, {"post": "yes"}).status_code == 403
    assert boss_client.get(add).status_code == 403
    assert boss_client.post(add, {"action": "login"}).status_code == 403
    bulk = boss_client.post(
        ENTRIES, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert (entry.action, entry.actor_name) == ("login", "")


def test_staff_who_are_not_superusers_cannot_see_the_log(client, editor):
    entry = record("login", target_type="user", target_id="1")
    editor.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client.force_login(editor)
    assert client.get(ENTRIES).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 403
    assert ENTRIES not in client.get(reverse("admin:index")).content.decode()


def test_superuser_sees_the_log_on_the_admin_index(boss_client):
    assert ENTRIES in boss_client.get(reverse("admin:index")).content.decode()


def test_log_page_queries_do_not_grow_with_entries(boss_client, someone):
    theme = factories.theme()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert boss_client.get(ENTRIES).status_code == 200
        return len(captured)

    record("change", target=theme)
    record("change", target=someone)
    few = queries()
    for n in range(30):
        record("retag", target=theme, detail={"n": n})
        record("permissions", actor=someone, target=someone)
    assert queries() == few


def test_acting_as_with_a_request_takes_its_ip_and_keeps_the_given_user(editor, publisher):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.5")
    request.user = publisher
    with acting_as(editor, "command", request=request):
        entry = record("retag", target_type="article", target_id="1")
    assert (entry.actor, entry.via, entry.ip) == (editor, "command", "192.0.2.5")
