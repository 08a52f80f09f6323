"""Development settings: the real settings with DEBUG on unless the environment says otherwise.

manage.py uses these by default, so `manage.py check` or `shell` work in a fresh checkout.
Production serves through wsgi/asgi, which use the strict base settings (DEBUG off, a
SECRET_KEY required); run management commands there with
DJANGO_SETTINGS_MODULE=asean_archive.settings.base.
"""

import os

os.environ.setdefault("DEBUG", "1")

from asean_archive.settings.base import *  # noqa: F403
from asean_archive.settings.base import STORAGES

# runserver serves static files from the app folders; no collectstatic needed.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
