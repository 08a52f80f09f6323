"""The admin's accounts and groups in the interface's language, and no admin for what
editors never use.

Django names its default permissions in English when it creates them ("Can add bài viết"),
whatever the language; the pickers of the user and group forms show them here as the
interface says them ("Có thể thêm bài viết", "Can add article"). Permissions of our own
(``publish_article``) keep their names. taggit's own Tag model is unused (the archive's
tags are MeetingTag and ThemeTag): its admin is removed.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

DEFAULT_ACTIONS = {
    "add": _("Có thể thêm %(model)s"),
    "change": _("Có thể sửa %(model)s"),
    "delete": _("Có thể xoá %(model)s"),
    "view": _("Có thể xem %(model)s"),
}


def permission_label(permission) -> str:
    """ "<app> | <model> | <what it allows>", in the active language."""
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    name = permission.name
    if action in DEFAULT_ACTIONS and model is not None and model._meta.model_name == model_name:
        name = gettext(DEFAULT_ACTIONS[action]) % {"model": model._meta.verbose_name}
    return f"{permission.content_type} | {name}"


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


class ArchiveUserAdmin(TranslatedPermissionsMixin, UserAdmin):
    pass


class ArchiveGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    pass


for model, model_admin in ((User, ArchiveUserAdmin), (Group, ArchiveGroupAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)
