"""Create the development superuser and print how to log in. Only when DEBUG is on."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a development superuser (DEBUG only) and print the admin login."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a development superuser: DEBUG is off.")
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
