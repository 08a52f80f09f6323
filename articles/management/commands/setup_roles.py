"""Create (or bring up to date) the newsroom's two groups: editors and publishers.

Give a person a role by adding them to a group in the admin (Người dùng → Nhóm) and ticking
"Nhân viên" (staff status). See articles/permissions.py for what each role may do.
"""

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction

EDITOR_PERMISSIONS = [
    *(f"{verb}_article" for verb in ("view", "add", "change", "delete")),
    *(f"{verb}_figure" for verb in ("view", "add", "change", "delete")),
    *(
        f"{verb}_{model}"
        for verb in ("view", "add", "change")
        for model in ("meetingtag", "themetag", "outlet")
    ),
]
PUBLISHER_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    "publish_article",
    # Merging and deleting vocabulary re-tags or un-tags published articles.
    "delete_meetingtag",
    "delete_themetag",
    "delete_outlet",
]
ROLES = {"Biên tập viên": EDITOR_PERMISSIONS, "Người duyệt đăng": PUBLISHER_PERMISSIONS}


class Command(BaseCommand):
    help = "Create the editors' and publishers' groups with their permissions."

    @transaction.atomic
    def handle(self, *args, **options):
        for name, codenames in ROLES.items():
            group, created = Group.objects.get_or_create(name=name)
            perms = Permission.objects.filter(
                content_type__app_label="articles", codename__in=codenames
            )
            missing = set(codenames) - set(perms.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"unknown permissions: {sorted(missing)}")
            group.permissions.set(perms)
            verb = "created" if created else "updated"
            self.stdout.write(f"{name}: {verb}, {len(codenames)} permissions")
