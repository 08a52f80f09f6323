"""The audit log: who did what to which record, when, and by which door."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One act: a write to the archive, a change of someone's rights, a login."""

    class Action(models.TextChoices):
        CREATE = "create", _("tạo")
        CHANGE = "change", _("sửa")
        DELETE = "delete", _("xoá")
        PUBLISH = "publish", _("đăng bài")
        UNPUBLISH = "unpublish", _("gỡ bài")
        STATUS = "status", _("đổi trạng thái")
        TRASH = "trash", _("chuyển vào thùng rác")
        RESTORE = "restore", _("khôi phục")
        PURGE = "purge", _("xoá vĩnh viễn")
        REVERT = "revert", _("quay về phiên bản cũ")
        RETAG = "retag", _("gắn lại thẻ")
        MERGE = "merge", _("gộp")
        IMPORT_RUN = "import_run", _("lượt nhập")
        IMPORT_ARTICLE = "import_article", _("bài được nhập")
        LOGIN = "login", _("đăng nhập")
        LOGIN_FAILED = "login_failed", _("đăng nhập thất bại")
        LOGOUT = "logout", _("đăng xuất")
        PERMISSIONS = "permissions", _("đổi quyền")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    # Indexed with the time below; SET_NULL keeps the entries of a deleted user.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="audit_entries",
        verbose_name=_("người thực hiện"),
    )
    actor_name = models.CharField(
        _("tên người thực hiện"),
        max_length=150,
        blank=True,
        help_text=_("Tên đăng nhập lúc đó; để trống khi hệ thống hoặc lệnh tự làm."),
    )
    action = models.CharField(_("hành động"), max_length=30, choices=Action.choices)
    target_type = models.CharField(_("loại đối tượng"), max_length=50, blank=True)
    target_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    target_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    via = models.CharField(
        _("kênh"),
        max_length=20,
        blank=True,
        help_text=_("Nơi thao tác: admin, api, command, import, system, site."),
    )
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # Nobody adds, changes or deletes entries: only superusers read them.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at_idx"),
            # The log's order: serves the newest-first list and the date filters.
            models.Index(fields=["-at", "-id"], name="audit_at_idx"),
        ]
        verbose_name = _("mục nhật ký hoạt động")
        verbose_name_plural = _("nhật ký hoạt động")

    def __str__(self):
        who = self.actor_name or "—"
        what = f"{self.target_type} {self.target_repr or self.target_id}".strip()
        return f"{who}: {self.get_action_display()} {what}".strip()
