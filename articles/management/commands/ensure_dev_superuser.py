"""Create the development superuser and print how to log in.

Only for the local development database: DEBUG on and the project's SQLite file (or an
in-memory SQLite database, which dies with the process). A superuser with a password
everyone knows ("admin"/"admin") must never reach a shared or production database, so
anything else is refused with the reason, unless --force says the database is disposable.
"""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def local_sqlite_file() -> Path:
    """Return the development database's file: DATABASE_URL's default."""
    return Path(settings.BASE_DIR) / "db.sqlite3"


def _in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def refusal_reason(alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """Return why a development superuser must not be created here, or None if it may."""
    if not settings.DEBUG:
        return "DEBUG is off"
    connection = connections[alias]
    name = str(connection.settings_dict["NAME"])
    local = local_sqlite_file()
    if connection.vendor != "sqlite":
        return (
            f"the database is {connection.display_name} ({name!r} on "
            f"{connection.settings_dict.get('HOST') or 'localhost'}), "
            f"not the local SQLite file {local}"
        )
    if not _in_memory(name) and Path(name).resolve() != local.resolve():
        return f"the database is the SQLite file {name}, not the local {local}"
    return None


class Command(BaseCommand):
    help = (
        "Create a development superuser (DEBUG on and the local SQLite database only, "
        "unless --force) and print the admin login."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create it on any database: only for one nobody else can reach.",
        )

    def handle(self, *args, force=False, **options):
        reason = refusal_reason()
        if reason and not force:
            raise CommandError(
                f"Refusing to create a development superuser: {reason}. A superuser with a "
                "known password belongs only in a local development database; use "
                "`manage.py createsuperuser` elsewhere, or --force for a throwaway database."
            )
        username = os.environ.get("DEV_ADMIN_USER", "admin")
        password = os.environ.get("DEV_ADMIN_PASSWORD", "admin")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(password)
            user.save()
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: http://127.0.0.1:{port}/admin/  user “{username}”"
                + (f", password “{password}”" if created else " (password unchanged)")
            )
        )
