"""The review queue in the admin: the articles sent for review, and a publisher's decision.

Two pages under the article admin (``ArticleAdmin.get_urls``):
- ``review/``: the articles waiting, the longest-waiting first, each with who sent it,
  when and the note; a publisher opens one to decide, an editor sees the queue and, on the
  admin's index, the state of what they sent (``my_reviews``);
- ``review/<id>/``: the article's summary and review history, and two forms: approve
  (publish now, or at a time, optionally until another) or send back with a note.

Every decision goes through ``services.review_*`` and the permission rule.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import permissions, schedule, services
from .models import Article, ReviewNote

QUEUE_PAGE = 50


def queue(limit=None):
    """Return the articles waiting for review, longest waiting first, each annotated with
    its last sending (``sent_at``, ``sent_by``, ``sent_note``); read through the partial
    index of articles in review, never the whole archive."""
    sent = ReviewNote.objects.filter(
        article=OuterRef("pk"), action=ReviewNote.Action.SENT
    ).order_by("-created_at", "-pk")
    articles = (
        Article.objects.filter(status=Article.Status.REVIEW)
        .select_related("outlet")
        .annotate(
            sent_at=Subquery(sent.values("created_at")[:1]),
            sent_by=Subquery(sent.values("user_name")[:1]),
            sent_note=Subquery(sent.values("note")[:1]),
            # Waiting since it was sent (an edit meanwhile does not send it to the back);
            # an article imported straight into review, since it was created.
            waiting_since=Coalesce("sent_at", "created_at"),
        )
        .order_by("waiting_since", "pk")
    )
    return articles[:limit] if limit else articles


def queue_size() -> int:
    return Article.objects.filter(status=Article.Status.REVIEW).count()


def my_reviews(user, limit=10) -> list[dict]:
    """Return the articles ``user`` last sent for review with their state now, in words
    (three queries whatever their number)."""
    notes = (
        ReviewNote.objects.filter(user=user, action=ReviewNote.Action.SENT)
        .select_related("article")
        .order_by("-created_at", "-pk")
    )
    sent = {}
    for note in notes[: limit * 3]:
        if note.article_id not in sent and len(sent) < limit:
            sent[note.article_id] = note
    latest = {}
    for note in ReviewNote.objects.filter(article_id__in=sent).order_by("created_at", "pk"):
        latest[note.article_id] = note  # the last one of each article wins
    rows = []
    for article_id, note in sent.items():
        last = latest.get(article_id)
        returned = last is not None and last.action == ReviewNote.Action.RETURNED
        rows.append(
            {
                "article": note.article,
                "sent_at": note.created_at,
                "state": schedule.state(note.article),
                "returned": last if returned else None,
            }
        )
    return rows


def returned_note(article) -> ReviewNote | None:
    """Return why ``article`` was sent back, while it is still a draft since then."""
    if article.status != Article.Status.DRAFT:
        return None
    last = article.review_notes.order_by("-created_at", "-pk").first()
    return last if last is not None and last.action == ReviewNote.Action.RETURNED else None


class MomentField(forms.SplitDateTimeField):
    """A moment as the admin's other dates: the day dd/mm/yyyy and the time HH:MM, with the
    admin's calendar and clock (a browser's own picker shows its own locale's order)."""

    widget = AdminSplitDateTime

    def __init__(self, **kwargs):
        super().__init__(
            input_date_formats=["%d/%m/%Y", "%Y-%m-%d"],
            input_time_formats=["%H:%M", "%H:%M:%S"],
            required=False,
            **kwargs,
        )


class ApproveForm(forms.Form):
    when = forms.ChoiceField(
        label=gettext_lazy("Đăng"),
        choices=[
            ("now", gettext_lazy("Đăng ngay")),
            ("later", gettext_lazy("Hẹn giờ đăng")),
        ],
        widget=forms.RadioSelect,
        initial="now",
    )
    publish_at = MomentField(label=gettext_lazy("Đăng lúc"))
    expires_at = MomentField(label=gettext_lazy("Hết hạn lúc"), help_text=gettext_lazy("Tuỳ chọn."))
    note = forms.CharField(
        label=gettext_lazy("Ghi chú cho biên tập viên"),
        required=False,
        max_length=services.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def clean(self):
        cleaned = super().clean()
        publish_at, expires_at = cleaned.get("publish_at"), cleaned.get("expires_at")
        if cleaned.get("when") == "later":
            if publish_at is None:
                self.add_error("publish_at", _("Hãy chọn giờ đăng. / Choose when to publish."))
            elif publish_at <= self.now:
                self.add_error(
                    "publish_at", _("Giờ đăng đã qua. / That moment has passed: publish now.")
                )
        else:
            cleaned["publish_at"] = None
        start = cleaned.get("publish_at") or self.now
        if expires_at is not None and expires_at <= start:
            self.add_error(
                "expires_at",
                _("Giờ hết hạn phải sau giờ đăng. / The expiry must come after publication."),
            )
        return cleaned


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Lý do trả lại"),
        max_length=services.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Hãy ghi lý do trả lại cho biên tập viên.")},
    )


def queue_view(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    page = Paginator(queue(), QUEUE_PAGE).get_page(request.GET.get("p"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": _("Hàng chờ duyệt"),
        "page": page,
        "may_publish": permissions.may_publish(request.user),
        "mine": my_reviews(request.user),
    }
    return render(request, "admin/articles/article/review_queue.html", context)


def decide_view(model_admin, request, object_id):
    article = Article.objects.select_related("outlet").filter(pk=object_id).first()
    if article is None or not model_admin.has_view_permission(request, article):
        raise Http404
    user = request.user
    may_review = permissions.may_review(user, article)
    approve = ApproveForm(prefix="approve", initial={"publish_at": _next_morning()})
    send_back = ReturnForm(prefix="return")
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied(permissions.refusal("review"))
        done = None
        try:
            if "approve" in request.POST:
                approve = ApproveForm(request.POST, prefix="approve")
                if approve.is_valid():
                    data = approve.cleaned_data
                    saved = services.review_approve(
                        article=article,
                        user=user,
                        publish_at=data["publish_at"],
                        expires_at=data["expires_at"],
                        note=data["note"],
                    )
                    done = _("“%(title)s”: %(state)s.") % {
                        "title": saved.title,
                        "state": schedule.state(saved),
                    }
            elif "return" in request.POST:
                send_back = ReturnForm(request.POST, prefix="return")
                if send_back.is_valid():
                    services.review_return(
                        article=article, user=user, note=send_back.cleaned_data["note"]
                    )
                    done = _("Đã trả “%(title)s” lại cho biên tập viên.") % {"title": article.title}
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except services.Conflict:
            messages.error(request, _("Bài vừa được người khác lưu; hãy xem lại."))
        if done:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("admin:articles_article_review_queue"))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": _("Duyệt bài: %(title)s") % {"title": article.title},
        "article": article,
        "state": schedule.state(article),
        "notes": article.review_notes.order_by("-created_at", "-pk")[:20],
        "may_review": may_review,
        "approve": approve,
        "send_back": send_back,
        "preview_url": article.get_absolute_url(),
    }
    return render(request, "admin/articles/article/review_decide.html", context)


def _next_morning() -> datetime.datetime:
    """Suggest 06:00 tomorrow, local time (a newsroom's usual slot)."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(6, 0)))
