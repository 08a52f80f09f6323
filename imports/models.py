"""An import run from the admin: the uploaded files, kept in the database with the job.

The bytes live in the database, not on a local disk: the web process that received them
and the worker that imports them may be different machines. A file's bytes are dropped once
it is imported (the article keeps its raw text); what happened to it stays.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """Several files imported in the background, file by file, with their progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang nhập")
        DONE = "done", _("xong")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("lúc tạo"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    # Written after each file: a job that is not done and has not moved for a while has
    # lost its worker (killed), and may be resumed.
    heartbeat_at = models.DateTimeField(_("lần cập nhật cuối"), default=timezone.now)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    article_status = models.CharField(
        _("trạng thái của bài mới"),
        max_length=20,
        help_text=_("Trạng thái các bài được tạo: bản nháp, chờ duyệt hoặc đã đăng."),
    )
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    total = models.PositiveIntegerField(_("số tệp"), default=0)
    done = models.PositiveIntegerField(_("đã xử lý"), default=0)
    created = models.PositiveIntegerField(_("bài mới"), default=0)
    unchanged = models.PositiveIntegerField(_("đã có, không đổi"), default=0)
    exists = models.PositiveIntegerField(_("bản khác đã có"), default=0)
    failed = models.PositiveIntegerField(_("lỗi"), default=0)
    # Members of an archive that were not imported at all: not .txt, unsafe names.
    skipped = models.JSONField(_("bỏ qua"), default=list, blank=True)
    task_id = models.CharField(_("mã tác vụ"), max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt nhập bài")
        verbose_name_plural = _("các lượt nhập bài")

    def __str__(self):
        return _("Lượt nhập #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self):
        return reverse("admin:imports_importjob_change", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


class ImportJobFile(models.Model):
    """One file of a job: its bytes until it is imported, then what became of it."""

    class State(models.TextChoices):
        PENDING = "pending", _("chờ nhập")
        DONE = "done", _("đã xử lý")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("kích thước"), default=0)
    data = models.BinaryField(_("nội dung"), default=b"", blank=True)
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=State.choices, default=State.PENDING
    )
    # The importer's own words: created, unchanged, exists, failed (articles.importing.report).
    action = models.CharField(_("kết quả"), max_length=20, blank=True)
    error = models.TextField(_("lý do"), blank=True)
    # No foreign key: the article may be purged later; the job's record stays.
    article_id = models.PositiveBigIntegerField(_("mã bài"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="import_file_position")
        ]
        indexes = [models.Index(fields=["job", "state", "position"], name="import_file_todo")]
        verbose_name = _("tệp nhập")
        verbose_name_plural = _("các tệp nhập")

    def __str__(self):
        return self.name
