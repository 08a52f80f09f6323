"""The article filters, shared by the search page and the API.

Every filter narrows a queryset it is given; the caller decides what that queryset may
hold (``Article.objects.published()`` for readers), so a filter can never widen it.

What a parameter may name is what its reader may see: a meeting, theme or outlet with no
published article is refused to readers exactly like one that does not exist (staff may
name any). An empty parameter (``?year=``, the search form's blank fields) means "not
given"; any other value must be valid, or the whole request is refused with a message
naming the parameter (a 400 in the API, the form's errors on the search page).
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import redirects
from .models import Article, MeetingTag, Outlet, TaggedMeeting, TaggedTheme, ThemeTag, tagged_with
from .permissions import is_staff
from .search import search_ranked
from .search.query import searchable
from .vocabulary import series_choices

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class WholeNumberField(forms.IntegerField):
    """An integer written as one: "2021", not "2021.0" (which ``IntegerField`` takes) or
    "2e3"."""

    def to_python(self, value):
        if value not in self.empty_values and not str(value).strip().lstrip("+-").isdigit():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class YearFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


def visible_to_requester(model):
    """Return a filter's queryset callable: the entries of ``model`` the request's user may
    name (staff: all; everyone else: those with a published article)."""

    def queryset(request):
        entries = model.objects.all()
        if is_staff(getattr(request, "user", None)):
            return entries
        return entries.in_use()

    return queryset


class FormerSlugsField(django_filters.fields.ModelMultipleChoiceField):
    """Tags by slug, where a former slug (of a renamed or merged tag) picks the tag it leads
    to: links made before keep their meaning. Looked up only when a slug is not found.
    Empty items are dropped: ``?meeting=``, as the search form's "all" sends it, is not
    given."""

    def clean(self, value):
        if isinstance(value, list | tuple):
            value = [item for item in value if item not in self.empty_values]
        return super().clean(value)

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            slugs = list(value)
            current = redirects.current_slugs(redirects.kind_of(self.queryset.model), slugs)
            if current == slugs:
                raise
            try:
                return super()._check_values(current)
            except ValidationError:
                # The error names what was asked, never where a former slug leads to (a
                # tag the requester may not see).
                raise error from None


@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Tags by slug, repeatable (``?meeting=a&meeting=b``): an article must carry all.

    Each tag is one EXISTS on the tagged-items table's (article, tag) index, never a join
    with DISTINCT over whole article rows: the list stays in the order of its index."""

    field_class = FormerSlugsField

    def __init__(self, *args, through=None, **kwargs):
        self.through = through
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        for tag in value or ():
            qs = qs.tagged(self.through, tag)
        return qs


class OrderingFieldMixin:
    """Refuse an empty item in the comma-separated list (``ordering=,``, ``title,``): it
    names no field. An empty parameter (``ordering=``) is "not given"."""

    def clean(self, value):
        cleaned = super().clean(value)
        if cleaned and not all(cleaned):
            raise ValidationError(
                _(
                    "Sắp xếp theo published_on, -published_on, title hoặc -title, "
                    "cách nhau bằng dấu phẩy, không có mục rỗng."
                ),
                code="empty_item",
            )
        return cleaned


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Order by the chosen fields with empty values last in both directions, the same on
    SQLite and PostgreSQL, then by id so that pages never overlap."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_class = type("OrderingField", (OrderingFieldMixin, self.field_class), {})

    def filter(self, qs, value):
        if not value:
            return qs
        expressions = []
        for param in value:
            field = self.get_ordering_value(param)
            descending = field.startswith("-")
            expression = F(field.lstrip("-"))
            expressions.append(
                expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
            )
        return qs.order_by(*expressions, "-id")


class QueryField(forms.CharField):
    """A search query: empty is "not given"; anything else must hold a word to look up
    (``%``, ``-``, ``...`` or spaces alone would otherwise list every article)."""

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not searchable(value):
            raise ValidationError(
                _("Không có từ nào để tìm: hãy gõ ít nhất một chữ hoặc số."), code="no_term"
            )
        return value


class QueryFilter(django_filters.CharFilter):
    field_class = QueryField


class ArticleFilter(django_filters.FilterSet):
    q = QueryFilter(
        method="filter_q",
        label=_("Từ khóa"),
        help_text=_(
            "Gõ không dấu để tìm cả có dấu lẫn không dấu; gõ có dấu để tìm đúng dấu. "
            "Đặt cụm từ trong ngoặc kép."
        ),
    )
    meeting = SlugsFilter(
        field_name="meetings__slug",
        to_field_name="slug",
        queryset=visible_to_requester(MeetingTag),
        through=TaggedMeeting,
        conjoined=True,
        label=_("Hội nghị"),
        help_text=_("Slug của hội nghị; lặp lại để yêu cầu tất cả."),
    )
    theme = SlugsFilter(
        field_name="themes__slug",
        to_field_name="slug",
        queryset=visible_to_requester(ThemeTag),
        through=TaggedTheme,
        conjoined=True,
        label=_("Chủ đề"),
        help_text=_("Slug của chủ đề; lặp lại để yêu cầu tất cả."),
    )
    series = django_filters.ChoiceFilter(
        choices=series_choices(), method="filter_series", label=_("Loại hội nghị")
    )
    outlet = django_filters.ModelChoiceFilter(
        field_name="outlet",
        to_field_name="slug",
        queryset=visible_to_requester(Outlet),
        label=_("Cơ quan báo chí"),
    )
    published_after = django_filters.DateFilter(
        field_name="published_on",
        lookup_expr="gte",
        input_formats=DATE_INPUT_FORMATS,
        label=_("Từ ngày"),
    )
    published_before = django_filters.DateFilter(
        field_name="published_on",
        lookup_expr="lte",
        input_formats=DATE_INPUT_FORMATS,
        label=_("Đến ngày"),
    )
    year = YearFilter(
        field_name="published_on",
        lookup_expr="year",
        min_value=1967,
        max_value=2100,
        label=_("Năm"),
    )
    ordering = NullsLastOrderingFilter(
        fields=(("published_on", "published_on"), ("title", "title")),
        label=_("Sắp xếp"),
    )

    class Meta:
        model = Article
        fields = []

    def filter_queryset(self, queryset):
        """Apply every filter, the search last: it turns the narrowed list into ranked
        ``SearchResults`` (in the chosen order instead when ``ordering`` is given)."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        if data.get("q"):
            return search_ranked(queryset, data["q"], ranked=not data.get("ordering"))
        return queryset

    def filter_q(self, queryset, name, value):
        return queryset  # applied last, by filter_queryset

    def filter_series(self, queryset, name, value):
        return queryset.filter(tagged_with(TaggedMeeting, tag__series=value))

    def clean_date_range(self):
        """Return an error message if the range ends before it starts."""
        data = self.form.cleaned_data
        start, end = data.get("published_after"), data.get("published_before")
        if start and end and start > end:
            return _("“Từ ngày” phải trước hoặc bằng “Đến ngày”.")
        return None

    def is_valid(self):
        if not super().is_valid():
            return False
        error = self.clean_date_range()
        if error:
            self.form.add_error("published_before", error)
            return False
        return True

    @property
    def is_filtering(self):
        """Return True if any filter was given a value (an empty form shows no results)."""
        return any(self.data.get(name) for name in self.filters if name != "ordering")
