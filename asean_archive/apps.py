"""Apps of libraries under a name readers of the admin understand."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    """django-axes, named in the admin by what it does (its own name is "Axes")."""

    verbose_name = _("Khoá đăng nhập")
