"""The admin's "Nhập bài": the import page, the import jobs' list and each job's page.

Everything lives under the ImportJob admin, so the import page is part of the admin (its
login, its look, its permission rule) without touching the articles' admin:

- ``admin/imports/importjob/new/``: paste a text or upload one .txt to check it side by
  side and save it; upload several .txt files or a .zip for a background job;
- ``admin/imports/importjob/``: the recent jobs;
- ``admin/imports/importjob/<id>/change/``: a job's progress (live with JavaScript, current
  on every reload without it), and ``.../progress/`` the same as JSON.

Who may: whoever may create articles (``permissions.may_add``); a job or a save creating
published articles needs the publish permission as well.
"""

from django.contrib import admin, messages
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat as format_size
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles import permissions
from articles.admin import when
from articles.models import Article, person_name

from . import jobs, single, uploads
from .forms import CorrectionForm, UploadForm, status_choices
from .models import ImportJob, ImportJobFile
from .reasons import explain

# How often the job page asks for news (milliseconds).
POLL_INTERVAL_MS = 1500
# Files sent per poll: the page asks again for the rest.
FILES_PER_POLL = 500

ACTION_LABELS = {
    "created": _("bài mới"),
    "unchanged": _("đã có, không đổi"),
    "exists": _("bản khác đã có, bỏ qua"),
    "failed": _("lỗi"),
    "": _("chờ nhập"),
}
PLACE_LABELS = {
    "title": _("tiêu đề"),
    "lead": _("sapo"),
    "body": _("thân bài"),
    "caption": _("chú thích ảnh"),
}


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "job_link",
        "created_at_display",
        "created_by",
        "status_label",
        "progress",
        "created",
        "unchanged",
        "exists",
        "failed",
    ]
    list_display_links = None
    list_select_related = ["created_by"]
    list_per_page = 50
    change_list_template = "admin/imports/importjob/change_list.html"

    # -- who may ------------------------------------------------------------------------

    def has_module_permission(self, request):
        return permissions.may_add(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.may_add(request.user)

    def has_add_permission(self, request):
        return False  # a job is made by the import page, not by a form of the model

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # -- the list -------------------------------------------------------------------------

    @admin.display(description=_("lượt nhập"), ordering="pk")
    def job_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:imports_importjob_change", args=[obj.pk]), obj
        )

    @admin.display(description=_("lúc tạo"), ordering="created_at")
    def created_at_display(self, obj):
        return when(obj.created_at)

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_label(self, obj):
        return format_html(
            '<span class="job-status job-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description=_("tiến độ"))
    def progress(self, obj):
        return f"{obj.done}/{obj.total}"

    # -- pages ----------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("new/", wrap(self.import_view), name="imports_importjob_new"),
            path(
                "<int:job_id>/progress/",
                wrap(self.progress_view),
                name="imports_importjob_progress",
            ),
            path(
                "<int:job_id>/resume/",
                wrap(require_POST(self.resume_view)),
                name="imports_importjob_resume",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "jobs_url": reverse("admin:imports_importjob_changelist"),
            "import_url": reverse("admin:imports_importjob_new"),
            **extra,
        }

    def _require_add(self, request):
        if not permissions.may_add(request.user):
            raise PermissionDenied(permissions.refusal("add"))

    # The import page ---------------------------------------------------------------------

    def import_view(self, request):
        """Paste or upload; a single text is checked side by side, several files are a job."""
        self._require_add(request)
        if request.method != "POST":
            return self._start(request)
        try:
            post, files = request.POST, request.FILES.getlist("files")
        except RequestDataTooBig:
            return self._start(request, error=self._too_large_message(), status=413)
        except TooManyFilesSent:
            return self._start(
                request,
                error=gettext(
                    "Quá nhiều tệp trong một lần tải lên: hãy gom chúng vào một tệp .zip."
                ),
                status=400,
            )
        except (MultiPartParserError, SuspiciousOperation):
            return self._start(
                request, error=gettext("Không đọc được dữ liệu gửi lên."), status=400
            )
        if "status" in post:
            return self._save(request, post)
        if files:
            return self._upload(request, post, files)
        text = post.get("raw_text", "")
        if not text.strip():
            return self._start(
                request, error=gettext("Hãy dán văn bản của một bài, hoặc chọn tệp."), status=400
            )
        return self._preview_text(request, text, single.paste_name())

    def _too_large_message(self):
        return gettext(
            "Văn bản quá lớn để xem song song (tối đa %(limit)s): hãy tải tệp lên, "
            "tệp lớn được nhập trong nền."
        ) % {"limit": format_size(single.side_by_side_max_bytes())}

    def _start(self, request, *, error="", status=200, upload_form=None, text=""):
        context = self._context(
            request,
            title=gettext("Nhập bài"),
            error=error,
            upload_form=upload_form or UploadForm(user=request.user),
            raw_text=text,
            side_by_side_limit=format_size(single.side_by_side_max_bytes()),
            file_limit=format_size(uploads.file_max_bytes()),
            job_limit=format_size(uploads.JOB_MAX_BYTES),
            zip_limit=uploads.ZIP_MAX_MEMBERS,
        )
        return TemplateResponse(request, "admin/imports/import.html", context, status=status)

    def _upload(self, request, post, files):
        form = UploadForm(post, user=request.user)
        if not form.is_valid():
            wanted = post.get("job_status", "")
            if wanted == Article.Status.PUBLISHED and not permissions.may_publish(request.user):
                return self._start(
                    request, error=permissions.refusal("publish"), status=403, upload_form=form
                )
            return self._start(
                request, error=gettext("Hãy chọn trạng thái."), status=400, upload_form=form
            )
        names = [f.name or "" for f in files]
        if len(files) == 1 and uploads.is_txt_name(names[0]):
            # One article: checked side by side, as a pasted one.
            uploaded = files[0]
            limit = single.side_by_side_max_bytes()
            if uploaded.size > limit:
                return self._start(request, error=self._too_large_message(), status=413)
            name = uploads.display_name(names[0])
            return self._preview(request, single.parse(uploaded.read(limit + 1), name), name)
        try:
            upload = uploads.read_uploads(files)
        except uploads.UploadRefused as exc:
            return self._start(request, error=str(exc), status=400, upload_form=form)
        source = ", ".join(uploads.display_name(n) for n in names)
        job = jobs.job_create(
            upload=upload,
            user=request.user,
            article_status=form.cleaned_data["job_status"],
            source=source,
        )
        jobs.job_enqueue(job)
        self.message_user(
            request,
            gettext("Đã nhận %(n)d tệp: đang nhập trong nền.") % {"n": job.total},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))

    def _preview_text(self, request, text, name):
        data = single.text_bytes(text)
        if len(data) > single.side_by_side_max_bytes():
            return self._start(request, error=self._too_large_message(), status=413)
        return self._preview(request, single.parse(data, name), name)

    def _preview(self, request, prepared, name, *, form=None, error="", notice="", status=200):
        """The side-by-side page, or the start page with the reason the text is refused."""
        if prepared.error or prepared.parsed is None:
            return self._start(
                request,
                error=self._refusal(prepared.error),
                status=400,
                text=prepared.text,
            )
        shown = single.preview(prepared, name)
        if form is None:
            form = CorrectionForm(initial=single.initial(prepared), new_outlet=shown.new_outlet)
        context = self._context(
            request,
            title=gettext("Nhập bài: kiểm tra trước khi lưu"),
            preview=shown,
            form=form,
            error=error,
            notice=notice,
            warnings=[explain(w) for w in prepared.parsed.warnings],
            figures=prepared.parsed.figures,
            meetings=self._tag_rows(shown.meetings, form, "accept_meeting"),
            themes=self._tag_rows(shown.themes, form, "accept_theme"),
            statuses=status_choices(request.user),
            existing_url=(
                reverse("admin:articles_article_change", args=[shown.existing.pk])
                if shown.existing
                else ""
            ),
        )
        return TemplateResponse(request, "admin/imports/preview.html", context, status=status)

    def _tag_rows(self, choices, form, name):
        """Each proposed tag with its checkbox state: ticked unless the editor unticked it."""
        posted = set(form.data.getlist(name)) if form.is_bound else None
        return [
            {
                "choice": choice,
                "checked": posted is None or choice.value in posted,
                "evidence": [
                    {**e, "place": PLACE_LABELS.get(e["place"], e["place"])}
                    for e in choice.evidence
                ],
            }
            for choice in choices
        ]

    def _refusal(self, reason: str) -> str:
        explained = explain(reason)
        if explained["gist"]:
            return f"{explained['gist']} ({reason})"
        return reason

    def _save(self, request, post):
        """Parse the text again, and save it with the editor's corrections and tag choices."""
        status = post.get("status", "")
        name = uploads.display_name(post.get("source_name", "") or single.paste_name())
        text = post.get("raw_text", "")
        data = single.text_bytes(text)
        if status not in {Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.PUBLISHED}:
            return self._start(request, error=gettext("Trạng thái không hợp lệ."), status=400)
        if not text.strip():
            return self._start(
                request, error=gettext("Hãy dán văn bản của một bài, hoặc chọn tệp."), status=400
            )
        if len(data) > single.side_by_side_max_bytes():
            return self._start(request, error=self._too_large_message(), status=413)
        prepared = single.parse(data, name)
        if prepared.error or prepared.parsed is None:
            return self._preview(request, prepared, name)
        shown = single.preview(prepared, name)
        form = CorrectionForm(post, new_outlet=shown.new_outlet)
        if not permissions.may_add(request.user, status):
            return self._preview(
                request,
                prepared,
                name,
                form=form,
                error=permissions.refusal("publish" if status == "published" else "add"),
                status=403,
            )
        if post.get("content_hash", "") != prepared.content_hash:
            return self._preview(
                request,
                prepared,
                name,
                notice=gettext(
                    "Văn bản gốc đã khác văn bản vừa xem trước: hãy kiểm tra lại kết quả "
                    "phân tích rồi lưu."
                ),
                status=409,
            )
        if not form.is_valid():
            return self._preview(request, prepared, name, form=form)
        try:
            saved = single.save(
                prepared=prepared,
                fields=form.cleaned_data,
                accept_meetings=set(post.getlist("accept_meeting")),
                accept_themes=set(post.getlist("accept_theme")),
                status=status,
                user=request.user,
            )
        except PermissionDenied as exc:
            return self._preview(request, prepared, name, form=form, error=str(exc), status=403)
        except ValidationError as exc:
            self._form_errors(form, exc)
            return self._preview(request, prepared, name, form=form)
        article = saved.article
        url = reverse("admin:articles_article_change", args=[article.pk])
        if not saved.created:
            return self._preview(
                request,
                prepared,
                name,
                form=form,
                notice=gettext("Bài này đã có trong kho: không tạo bài trùng."),
            )
        self.message_user(
            request,
            format_html(
                gettext("Đã lưu bài “{title}” ({status})."),
                title=article.title,
                status=article.get_status_display(),
            ),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(url)

    def _form_errors(self, form, exc: ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)

    # The jobs -----------------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        context = {"import_url": reverse("admin:imports_importjob_new"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A job's page: its progress and every file's outcome, as of now."""
        self._require_add(request)
        job = self._job(object_id)
        files = list(job.files.defer("data").order_by("position"))
        context = self._context(
            request,
            title=str(job),
            job=job,
            original=job,
            state=self._state(job, files=files),
            rows=[self._file_row(f) for f in files],
            skipped=[
                {"name": s.get("name", ""), "reason": uploads.SKIP_REASONS.get(s.get("reason"), "")}
                for s in job.skipped
            ],
            uploader=person_name(job.created_by) or "—",
            article_status_label=dict(Article.Status.choices).get(
                job.article_status, job.article_status
            ),
            may_resume=jobs.job_is_stalled(job),
            progress_url=reverse("admin:imports_importjob_progress", args=[job.pk]),
            resume_url=reverse("admin:imports_importjob_resume", args=[job.pk]),
            poll_ms=POLL_INTERVAL_MS,
        )
        return TemplateResponse(request, "admin/imports/job.html", context)

    def _job(self, object_id) -> ImportJob:
        try:
            pk = int(str(object_id))
        except ValueError:
            raise Http404 from None
        return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)

    def progress_view(self, request, job_id):
        """The job's progress as JSON, and the files done after position ``after``."""
        self._require_add(request)
        job = self._job(job_id)
        after = request.GET.get("after", "0")
        after = int(after) if after.isascii() and after.isdigit() and len(after) < 10 else 0
        files = (
            job.files.defer("data")
            .filter(state=ImportJobFile.State.DONE, position__gt=after)
            .order_by("position")[:FILES_PER_POLL]
        )
        data = self._state(job)
        data["files"] = [self._file_row(f) for f in files]
        response = JsonResponse(data)
        response["Cache-Control"] = "no-store"
        return response

    def resume_view(self, request, job_id):
        self._require_add(request)
        job = self._job(job_id)
        if job.is_done:
            self.message_user(request, gettext("Lượt nhập này đã xong."), messages.INFO)
        else:
            jobs.job_resume(job)
            self.message_user(
                request,
                gettext("Đã xếp lượt nhập vào hàng đợi lại: các tệp chưa nhập sẽ được nhập tiếp."),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:imports_importjob_change", args=[job.pk]))

    def _state(self, job: ImportJob, files=None) -> dict:
        return {
            "id": job.pk,
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "finished": job.is_done,
            "stalled": jobs.job_is_stalled(job),
            "total": job.total,
            "done": job.done,
            "percent": job.percent,
            "created": job.created,
            "unchanged": job.unchanged,
            "exists": job.exists,
            "failed": job.failed,
            "finished_text": (
                gettext("Xong lúc %(at)s.") % {"at": when(job.finished_at)}
                if job.finished_at
                else ""
            ),
        }

    def _file_row(self, item: ImportJobFile) -> dict:
        done = item.state == ImportJobFile.State.DONE
        action = item.action if done else ""
        explained = explain(item.error) if item.error else {"gist": "", "detail": ""}
        article_url = ""
        if item.article_id and action in {"created", "unchanged", "exists"}:
            article_url = reverse("admin:articles_article_change", args=[item.article_id])
        return {
            "position": item.position,
            "name": item.name,
            "size": format_size(item.size),
            "action": action or "pending",
            "action_label": str(ACTION_LABELS.get(action, action)),
            "gist": explained["gist"],
            "detail": explained["detail"],
            "article_url": article_url,
        }
