"""API representations. Tags, outlet and figures are read through ``.all()`` so that the
list's prefetches serve them (taggit's ``names()``/``slugs()`` would query per article)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers

from articles.models import Article, Figure, MeetingTag, Outlet, ThemeTag
from articles.permissions import is_staff
from articles.services import ARTICLE_EDITABLE_FIELDS

STAFF_ONLY = ("status", "raw_text", "created_at", "updated_at")


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


class FigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Figure
        fields = ["caption", "credit"]


class OptionalURLField(serializers.URLField):
    """A URL, or null where the article has none (never an empty string)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


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


class ArticleWriteSerializer(serializers.ModelSerializer):
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
    # The trash is reached by DELETE, never by writing a status.
    status = serializers.ChoiceField(
        choices=[c for c in Article.Status.choices if c[0] != Article.Status.TRASH],
        required=False,
    )

    class Meta:
        model = Article
        fields = [*ARTICLE_EDITABLE_FIELDS, "status", "meetings", "themes", "figures"]
        extra_kwargs = {"slug": {"required": False}}


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
