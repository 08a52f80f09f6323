"""API representations. Tags, outlet and figures are read through ``.all()`` so that the
list's prefetches serve them (taggit's ``names()``/``slugs()`` would query per article)."""

import re
from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from articles import source_url
from articles.models import Article, Figure, MeetingTag, Outlet, ThemeTag
from articles.permissions import is_staff
from articles.services import ARTICLE_EDITABLE_FIELDS

# A publication moment's year, 1900 to 9998 (MomentField), as the schema writes it.
MOMENT_PATTERN = r"^(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-"
MOMENT_START = re.compile(MOMENT_PATTERN)

# The publication window is the newsroom's plan: a reader sees an article inside it only.
STAFF_ONLY = ("status", "publish_at", "expires_at", "raw_text", "created_at", "updated_at")


class SelectableFieldsMixin:
    """Keep only the fields named by the request's ``fields=`` parameter (comma-separated),
    and drop the staff-only fields for everyone else."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None:
            return fields
        if not is_staff(request.user):
            for name in STAFF_ONLY:
                fields.pop(name, None)
        wanted = self.context.get("fields")
        if wanted and request.method in ("GET", "HEAD"):
            fields = {name: field for name, field in fields.items() if name in wanted}
        return fields


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


class OutletRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["name", "slug", "domain"]


class MeetingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingTag
        fields = ["name", "slug", "series", "number", "year"]


class ThemeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ThemeTag
        fields = ["name", "slug"]


def as_uri(value: str) -> str | None:
    """Return a stored source URL as a URI (one stored before writes were checked may hold
    "a|b" or "%zz"); None when there is none, or when it is no http(s) URL at all."""
    return source_url.lenient(value)


def forbidden_text(value) -> bool:
    """Return True if ``value`` (a string, or strings within lists and mappings) holds a
    NUL or a lone surrogate: neither can be stored (PostgreSQL refuses them)."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")  # a lone surrogate has no UTF-8 form
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, Mapping):
        return any(forbidden_text(key) or forbidden_text(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(forbidden_text(item) for item in value)
    return False


class StrictInputMixin:
    """Refuse, field by field, what DRF would coerce or the database could not store: a
    NUL or a lone surrogate in any string (tag slugs included, which no field validator
    sees), a number or a list where a string is wanted (DRF reads 5 as "5"), an object
    where a list of slugs is wanted (DRF reads its keys)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, value in data.items():
                field = self.fields.get(name)
                if forbidden_text(name) or forbidden_text(value):
                    errors[name] = [_("Có ký tự không được phép (NUL hoặc surrogate lẻ).")]
                elif field is None or field.read_only or value is None:
                    continue
                elif isinstance(field, serializers.CharField) and not isinstance(value, str):
                    errors[name] = [field.error_messages["invalid"]]
                elif isinstance(field, serializers.ManyRelatedField) and isinstance(value, Mapping):
                    message = field.error_messages["not_a_list"]
                    errors[name] = [message.format(input_type=type(value).__name__)]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class FigureSerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Figure
        fields = ["caption", "credit"]
        # A figure sent without its caption is refused (an empty caption is a choice).
        extra_kwargs = {"caption": {"required": True}}

    def validate(self, attrs):
        # Figures replace the whole list, so each one is whole, in a PATCH too (where DRF
        # does not ask for required fields).
        if "caption" not in attrs:
            raise serializers.ValidationError(
                {"caption": [self.fields["caption"].error_messages["required"]]}
            )
        return attrs


class OptionalURLField(serializers.URLField):
    """A URL, or null where the article has none (never an empty string). Always a URI,
    whatever was stored before writes were checked (``as_uri``)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return as_uri(value)


class LinksMixin(serializers.Serializer):
    url = serializers.SerializerMethodField(help_text="The public page (absolute URL).")
    api_url = serializers.SerializerMethodField(help_text="This resource in the API.")

    api_view_name = None

    def get_url(self, obj) -> str:
        # The canonical page, whatever language the API client asked its messages in.
        with translation.override(settings.LANGUAGE_CODE):
            path = obj.get_absolute_url()
        return absolute(self.context.get("request"), path)

    def get_api_url(self, obj) -> str:
        path = reverse(self.api_view_name, kwargs={"slug": obj.slug})
        return absolute(self.context.get("request"), path)


class ArticleListSerializer(SelectableFieldsMixin, LinksMixin, serializers.ModelSerializer):
    """An article as lists show it (output only)."""

    api_view_name = "api:article-detail"
    outlet = OutletRefSerializer(read_only=True, allow_null=True)
    meetings = MeetingRefSerializer(many=True, read_only=True)
    themes = ThemeRefSerializer(many=True, read_only=True)
    figures = FigureSerializer(many=True, read_only=True)
    source_url = OptionalURLField(help_text="The original article, or null.")

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "title",
            "lead",
            "author",
            "outlet",
            "source_url",
            "published_on",
            "meetings",
            "themes",
            "figures",
            "url",
            "api_url",
            "status",
            "publish_at",
            "expires_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleListSerializer):
    """An article with its body (and, for staff, its raw text)."""

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields[:4],
            "body",
            *ArticleListSerializer.Meta.fields[4:],
            "raw_text",
        ]
        read_only_fields = fields


def source_uri(value: str) -> str:
    """Return the http(s) URL ``value`` as a URI (what the API's ``format: uri`` promises);
    a ``ValidationError`` for anything else (articles/source_url.py)."""
    try:
        return source_url.strict(value)
    except source_url.NotASourceURL:
        raise serializers.ValidationError(source_url.REFUSAL, code="invalid") from None


class MomentField(serializers.DateTimeField):
    """A moment of the publication window: in the years 1900 to 9998, which the schema
    states (MOMENT_PATTERN); near year 1 or 9999 a time-zone offset leaves the range of
    dates the database and Python hold."""

    default_error_messages = {
        "range": "Chỉ nhận thời điểm từ năm 1900 đến 9998. / A moment between the years 1900 "
        "and 9998 is expected."
    }

    def to_internal_value(self, value):
        if isinstance(value, str) and not MOMENT_START.match(value):
            self.fail("range")
        return super().to_internal_value(value)


class ArticleWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    """What an editor sends: tags and outlet by slug; figures replace the article's list."""

    outlet = serializers.SlugRelatedField(
        slug_field="slug", queryset=Outlet.objects.all(), required=False, allow_null=True
    )
    meetings = serializers.SlugRelatedField(
        slug_field="slug", queryset=MeetingTag.objects.all(), many=True, required=False
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=ThemeTag.objects.all(), many=True, required=False
    )
    figures = FigureSerializer(many=True, required=False)
    publish_at = MomentField(required=False, allow_null=True)
    expires_at = MomentField(required=False, allow_null=True)
    # The trash is reached by DELETE, never by writing a status.
    status = serializers.ChoiceField(
        choices=[c for c in Article.Status.choices if c[0] != Article.Status.TRASH],
        required=False,
    )

    class Meta:
        model = Article
        fields = [*ARTICLE_EDITABLE_FIELDS, "status", "meetings", "themes", "figures"]
        extra_kwargs = {"slug": {"required": False}}

    def validate_source_url(self, value):
        return source_uri(value)


class MeetingSerializer(LinksMixin, serializers.ModelSerializer):
    api_view_name = "api:meeting-detail"
    article_count = serializers.IntegerField(source="published_count", read_only=True)
    code = serializers.CharField(read_only=True)

    class Meta:
        model = MeetingTag
        fields = [
            "name",
            "slug",
            "code",
            "series",
            "number",
            "year",
            "partner",
            "start_date",
            "end_date",
            "place",
            "article_count",
            "url",
            "api_url",
        ]


class ThemeSerializer(LinksMixin, serializers.ModelSerializer):
    api_view_name = "api:theme-detail"
    article_count = serializers.IntegerField(source="published_count", read_only=True)

    class Meta:
        model = ThemeTag
        fields = ["name", "name_en", "slug", "article_count", "url", "api_url"]


class OutletSerializer(LinksMixin, serializers.ModelSerializer):
    api_view_name = "api:outlet-detail"
    article_count = serializers.IntegerField(source="published_count", read_only=True)

    class Meta:
        model = Outlet
        fields = ["name", "slug", "domain", "article_count", "url", "api_url"]
