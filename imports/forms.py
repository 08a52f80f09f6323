"""The import page's forms: the start (paste or upload) and the side-by-side corrections."""

from django import forms
from django.utils.translation import gettext_lazy as _

from articles import permissions
from articles.models import Article, Outlet

from .single import NEW_OUTLET

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def status_choices(user) -> list[tuple[str, str]]:
    """The statuses ``user`` may give new articles: published only with the permission."""
    choices = [
        (Article.Status.DRAFT, _("Bản nháp")),
        (Article.Status.REVIEW, _("Chờ duyệt")),
    ]
    if permissions.may_publish(user):
        choices.append((Article.Status.PUBLISHED, _("Đã đăng")))
    return choices


class UploadForm(forms.Form):
    """The status of the articles a job creates (the files are read from request.FILES)."""

    job_status = forms.ChoiceField(label=_("Trạng thái của các bài mới"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["job_status"].choices = status_choices(user)
        self.fields["job_status"].initial = Article.Status.REVIEW


class CorrectionForm(forms.Form):
    """The parsed fields, as the editor corrects them (article_save validates them again)."""

    title = forms.CharField(label=_("Tiêu đề"), max_length=300)
    published_on = forms.DateField(
        label=_("Ngày đăng"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        help_text=_("Ngày/tháng/năm, ví dụ 07/04/2021."),
    )
    outlet = forms.ChoiceField(label=_("Cơ quan báo chí"), required=False)
    author = forms.CharField(label=_("Tác giả"), max_length=160, required=False)
    source_url = forms.CharField(
        label=_("Địa chỉ nguồn"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "url"}),
    )
    lead = forms.CharField(
        label=_("Sapo"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    body = forms.CharField(
        label=_("Thân bài"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
    )

    def __init__(self, *args, new_outlet=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")]
        if new_outlet is not None:
            domain, name = new_outlet
            choices.append(
                (NEW_OUTLET, _("%(name)s (%(domain)s, mới)") % {"name": name, "domain": domain})
            )
        choices += [
            (str(pk), name)
            for pk, name in Outlet.objects.order_by("name").values_list("pk", "name")
        ]
        self.fields["outlet"].choices = choices
