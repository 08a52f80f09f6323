"""The audit log in the admin: superusers read and filter it; nobody can edit it.

Django's user and group admins are registered again with AuditedAdminMixin, so what is
done to accounts there is logged like the archive's own writes.
"""

import contextlib
import json
from collections import defaultdict

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .admin_mixin import AuditedAdminMixin
from .models import AuditEntry
from .recording import TARGET_TYPES, model_for_type

DATE_FORMAT = "%d/%m/%Y %H:%M:%S"
# The doors writes come in by (AuditEntry.via): the middleware's, and the article
# services' (ArticleRevision.Via).
VIAS = [
    "admin",
    "action",
    "api",
    "site",
    "command",
    "import",
    "retag",
    "merge",
    "revert",
    "trash",
    "system",
]


def type_label(target_type):
    """Return a target type's name for people: its model's verbose name."""
    model = model_for_type(target_type)
    return str(model._meta.verbose_name) if model is not None else target_type


class TargetTypeFilter(admin.SimpleListFilter):
    """The archive's types of target. Listed, not read from the log: a DISTINCT over a log
    as long as the archive would cost every page a scan."""

    title = _("loại đối tượng")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        return [(value, type_label(value)) for value in [*TARGET_TYPES.values(), "user"]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(target_type=self.value())
        return queryset


class ViaFilter(admin.SimpleListFilter):
    title = _("kênh")
    parameter_name = "via"

    def lookups(self, request, model_admin):
        return [(value, value) for value in VIAS]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(via=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at_display", "actor_display", "action", "target_display", "via", "summary"]
    list_display_links = ["at_display"]
    # No date hierarchy: its list of years is a scan of the whole log on every page.
    list_filter = ["action", TargetTypeFilter, ViaFilter, "at"]
    search_fields = ["actor_name", "target_repr", "=target_id"]
    # The actor's name is stored in the entry: the list joins no table.
    list_select_related = []
    # The log only grows: counting it all on every page would cost more than the page.
    show_full_result_count = False
    actions = None
    fields = [
        "at_display",
        "actor_display",
        "action",
        "target_display",
        "via",
        "ip",
        "detail_display",
    ]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        self.find_targets(changelist.result_list)
        return changelist

    def find_targets(self, entries):
        """Set each entry's `target_url`: the admin page of its target when the target
        still exists. One query per type of target on the page."""
        by_type = defaultdict(list)
        for entry in entries:
            entry.target_url = None
            if entry.target_id:
                by_type[entry.target_type].append(entry)
        for target_type, group in by_type.items():
            model = model_for_type(target_type)
            if model is None or not self.admin_site.is_registered(model):
                continue
            keys = {}
            for entry in group:
                try:
                    keys[entry.target_id] = model._meta.pk.to_python(entry.target_id)
                except ValidationError:
                    continue
            found = model._default_manager.filter(pk__in=keys.values()).values_list("pk")
            existing = {str(pk) for (pk,) in found}
            opts = model._meta
            for entry in group:
                if entry.target_id in existing:
                    with contextlib.suppress(NoReverseMatch):
                        entry.target_url = reverse(
                            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                            args=[quote(entry.target_id)],
                        )

    @admin.display(description=_("thời điểm"), ordering="at")
    def at_display(self, entry):
        return timezone.localtime(entry.at).strftime(DATE_FORMAT)

    @admin.display(description=_("người thực hiện"), ordering="actor_name")
    def actor_display(self, entry):
        """The actor's name then, linked to their account while it exists."""
        if not entry.actor_name:
            return "—"
        if entry.actor_id is None or not self.admin_site.is_registered(User):
            return entry.actor_name
        opts = User._meta
        url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[quote(entry.actor_id)],
        )
        return format_html('<a href="{}">{}</a>', url, entry.actor_name)

    @admin.display(description=_("đối tượng"))
    def target_display(self, entry):
        if not hasattr(entry, "target_url"):
            self.find_targets([entry])
        label = entry.target_repr or entry.target_id
        if entry.target_type:
            label = f"{type_label(entry.target_type)}: {label}" if label else entry.target_type
        if entry.target_url:
            return format_html('<a href="{}">{}</a>', entry.target_url, label)
        return label or "—"

    @admin.display(description=_("chi tiết"))
    def summary(self, entry):
        if not entry.detail:
            return ""
        return Truncator(json.dumps(entry.detail, ensure_ascii=False)).chars(80)

    @admin.display(description=_("chi tiết"))
    def detail_display(self, entry):
        text = json.dumps(entry.detail, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html('<pre class="audit-detail">{}</pre>', text)


User = get_user_model()
UserAdminBase = type(admin.site.get_model_admin(User))
GroupAdminBase = type(admin.site.get_model_admin(Group))
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdminMixin, UserAdminBase):
    """Django's user admin, its additions, changes and deletions logged."""


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdminMixin, GroupAdminBase):
    """Django's group admin, its additions, changes and deletions logged."""
