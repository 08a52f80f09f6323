"""REST API v1. Reads go through Article.objects.visible_to(user): readers see published
articles only, and an unpublished one is a 404 for them, never a 403. Writes go through
services.article_save; ETags guard against lost updates."""

import hashlib
import json
import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from articles import redirects, services
from articles.caching import CachedReadMixin
from articles.filters import ArticleFilter, YearFilter
from articles.models import SEARCH_COLUMNS, Article, MeetingTag, Outlet, ThemeTag
from articles.pagination import WindowPaginator
from articles.permissions import is_staff

from . import serializers
from .schema import fields_parameter


class Pagination(PageNumberPagination):
    """Pages of up to 100 items. ``count`` is exact up to the list's window (1,000 items, 500
    for a search) and ``count_exact`` says whether it is; pages beyond the window are 404:
    narrow the list (``published_before``, ``year``) to reach older articles.

    ``page`` and ``page_size`` are positive integers (a larger ``page_size`` gives 100, an
    empty one is not given); anything else is a 400, not a silent default."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = WindowPaginator
    window_message = _lazy(
        "Không có trang này: danh sách chỉ mở tới mục thứ %(window)s; hãy thu hẹp bằng bộ lọc "
        "ngày (published_before, year), hội nghị hoặc chủ đề. / No such page: a list opens up "
        "to its item %(window)s; narrow it with published_before or year to go further back."
    )

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        return min(positive_integer(raw, self.page_size_query_param), self.max_page_size)

    def check_parameters(self, request):
        """Raise the 400 a bad ``page`` or ``page_size`` gets, before any page is read."""
        raw = request.query_params.get(self.page_query_param, "")
        if raw not in ("", *self.last_page_strings):
            positive_integer(raw, self.page_query_param)
        self.get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.check_parameters(request)
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound as exc:
            window = getattr(queryset, "window", WindowPaginator.window)
            raise exceptions.NotFound(str(self.window_message) % {"window": window}) from exc

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        results = response.data.pop("results")
        response.data["count_exact"] = self.page.paginator.count_exact
        response.data["results"] = results
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "False when there are more items than `count` (a bounded count).",
        }
        return schema


_POSITIVE_INTEGER = re.compile(r"0*[1-9][0-9]*")
_HUGE = 10**18  # more than any page or page size: capped, or "no such page"


def positive_integer(raw: str, name: str) -> int:
    """Return the query parameter ``name``'s value ``raw`` as a positive integer, or raise
    a 400 naming it."""
    if _POSITIVE_INTEGER.fullmatch(raw):
        return int(raw) if len(raw) < 18 else _HUGE
    raise exceptions.ValidationError(
        {name: [_("Cần một số nguyên dương (1, 2, 3…).")]}, code="invalid"
    )


class PrivateToStaffMixin:
    """Answer staff with ``Cache-Control: private``: what they are shown (drafts, staff-only
    fields, vocabulary no reader sees) is for them alone, never for a shared cache."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        try:
            staff = is_staff(request.user)
        except exceptions.APIException:  # credentials refused: answered as anonymous
            staff = False
        if staff:
            patch_cache_control(response, private=True)
        return response


class IsStaffEditorOrReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read; writing needs a staff account holding the model permission
    (add/change/delete article). Publishing is checked again by the service."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if not is_staff(request.user):
            return False
        return super().has_permission(request, view)


LIST_FIELDS = fields_parameter(serializers.ArticleListSerializer, staff_only=serializers.STAFF_ONLY)
DETAIL_FIELDS = fields_parameter(
    serializers.ArticleDetailSerializer, staff_only=serializers.STAFF_ONLY
)


@extend_schema_view(
    list=extend_schema(
        parameters=[LIST_FIELDS],
        summary="List articles",
        description="Published articles (staff: every article but the trashed), newest first; "
        "filtered, searched (`q`, ranked unless `ordering` is given) and paginated.",
    ),
    retrieve=extend_schema(
        parameters=[DETAIL_FIELDS],
        summary="An article by slug (or id)",
        description="With its `ETag`: send it in `If-None-Match` to be answered 304 while it "
        "is current. A former slug answers 301 to the article's address now.",
        responses={200: serializers.ArticleDetailSerializer},
    ),
    create=extend_schema(
        request=serializers.ArticleWriteSerializer,
        responses={201: serializers.ArticleDetailSerializer},
        summary="Create an article (editors)",
        description="A draft or an article in review (publishing needs the publish "
        "permission); `Location` is its address.",
    ),
    update=extend_schema(
        request=serializers.ArticleWriteSerializer,
        responses={200: serializers.ArticleDetailSerializer},
        summary="Replace an article (editors); send If-Match",
        description="Send the `ETag` you read in `If-Match`: a stale one is a 412.",
    ),
    partial_update=extend_schema(
        request=serializers.ArticleWriteSerializer,
        responses={200: serializers.ArticleDetailSerializer},
        summary="Change some fields of an article (editors); send If-Match",
        description="Send the `ETag` you read in `If-Match`: a stale one is a 412.",
    ),
    destroy=extend_schema(
        responses={204: None},
        summary="Move an article to the trash",
        description="Restorable in the admin, purged only there. Send the `ETag` you read in "
        "`If-Match`: a stale one is a 412.",
    ),
)
class ArticleViewSet(PrivateToStaffMixin, CachedReadMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    permission_classes = [IsStaffEditorOrReadOnly]
    # JSON only: a form has no null and cannot carry the list of figures (others are a 415).
    parser_classes = [JSONParser]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ArticleFilter
    pagination_class = Pagination

    def get_queryset(self):
        queryset = Article.objects.visible_to(self.request.user).with_listing_relations()
        if self.action in ("list", "related"):
            return queryset.prefetch_related("figures").defer("body")  # lists show no body
        # The detail shows the body (and, to staff, the raw text), never the search columns.
        return queryset.prefetch_related("figures").defer(None).defer(*SEARCH_COLUMNS)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return serializers.ArticleWriteSerializer
        if self.action in ("list", "related"):
            return serializers.ArticleListSerializer
        return serializers.ArticleDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["fields"] = self.requested_fields()
        return context

    def requested_fields(self):
        raw = self.request.query_params.get("fields")
        if not raw:
            return None
        wanted = {name.strip() for name in raw.split(",") if name.strip()}
        if not wanted:
            raise exceptions.ValidationError(
                {"fields": [_("Hãy nêu ít nhất một trường, ví dụ fields=slug,title.")]}
            )
        serializer_class = (
            serializers.ArticleListSerializer
            if self.action in ("list", "related")
            else serializers.ArticleDetailSerializer
        )
        available = set(serializer_class.Meta.fields)
        if not is_staff(self.request.user):
            available -= set(serializers.STAFF_ONLY)
        unknown = sorted(wanted - available)
        if unknown:
            raise exceptions.ValidationError(
                {
                    "fields": [
                        _("Không có trường: %(unknown)s. Các trường có: %(available)s.")
                        % {"unknown": ", ".join(unknown), "available": ", ".join(sorted(available))}
                    ]
                }
            )
        return wanted

    def get_object(self):
        """Find the article by slug, or by id when the lookup is a number no slug matches.
        A read (the detail, its related list) by a former slug of an article this user may
        see raises ``redirects.Moved``; a write by one finds nothing."""
        queryset = self.get_queryset()
        value = self.kwargs[self.lookup_field]
        article = queryset.filter(slug=value).first()
        if article is None and self.action in ("retrieve", "related"):
            visible = Article.objects.visible_to(self.request.user).only("slug")
            moved = redirects.article_for_old_slug(value, visible)
            if moved is not None:
                raise redirects.Moved(moved.slug)
        if article is None and value.isdigit() and not value.startswith("0"):
            # The id as written by the API only: "0001" is not the article 1.
            article = queryset.filter(pk=int(value)).first()
        if article is None:
            raise Http404
        self.check_object_permissions(self.request, article)
        return article

    # -- ETags ---------------------------------------------------------------------

    def etag(self, article):
        """Return the article's entity tag: it changes whenever anything the API shows does."""
        # The tags and outlet as the response shows them (from the prefetch, no query):
        # renaming a meeting or an outlet changes what a client sees, so it changes the tag.
        shown = {
            "meetings": serializers.MeetingRefSerializer(article.meetings.all(), many=True).data,
            "themes": serializers.ThemeRefSerializer(article.themes.all(), many=True).data,
            "figures": serializers.FigureSerializer(article.figures.all(), many=True).data,
            "outlet": serializers.OutletRefSerializer(article.outlet).data
            if article.outlet
            else None,
        }
        parts = [
            str(article.pk),
            str(article.version),
            article.status,
            "staff" if is_staff(self.request.user) else "public",
            json.dumps(shown, sort_keys=True, ensure_ascii=False),
        ]
        digest = hashlib.sha256("\x1e".join(parts).encode()).hexdigest()[:32]
        return f'"{digest}"'

    @staticmethod
    def etag_matches(header, etag):
        tags = [tag.strip() for tag in header.split(",")]
        weak_free = [tag.removeprefix("W/") for tag in tags]
        return "*" in tags or etag in weak_free

    def with_etag(self, response, article):
        response["ETag"] = self.etag(article)
        patch_vary_headers(response, ["Cookie", "Authorization"])
        if not article.is_public():
            patch_cache_control(response, private=True, no_store=True)  # staff only
        return response

    def check_if_match(self, article):
        header = self.request.headers.get("If-Match")
        if header and not self.etag_matches(header, self.etag(article)):
            raise PreconditionFailed()

    # -- actions ---------------------------------------------------------------------

    def retrieve(self, request, *args, **kwargs):
        self.requested_fields()  # a bad fields= is a 400 even when the copy is fresh
        try:
            article = self.get_object()
        except redirects.Moved as moved:
            return moved.response(request)  # a permanent redirect, never cached here
        etag = self.etag(article)
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match and self.etag_matches(if_none_match, etag):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            return self.with_etag(response, article)
        serializer = self.get_serializer(article)
        return self.with_etag(Response(serializer.data), article)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article = self.save(None, serializer.validated_data)
        return self.respond(article, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            article = self.locked_object()
            self.check_if_match(article)
            serializer = self.get_serializer(article, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            article = self.save(article, serializer.validated_data)
        return self.respond(article, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        """Move the article to the trash (restorable in the admin; purged only there)."""
        with transaction.atomic():
            article = self.locked_object()
            self.check_if_match(article)
            self.write(services.article_trash, article=article, via=services.Via.API)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def locked_object(self):
        """Return the article locked for this transaction, read after the lock: two
        editors holding the same ETag cannot both pass If-Match."""
        article = self.get_object()
        list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk"))
        return self.get_queryset().get(pk=article.pk)

    def save(self, article, data):
        return self.write(services.article_save, article=article, data=data, via=services.Via.API)

    def write(self, service, **kwargs):
        """Call a write service as the request's user; its refusals become 403 and 400."""
        try:
            return service(user=self.request.user, **kwargs)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            detail = (
                exc.message_dict
                if hasattr(exc, "error_dict")
                else {"non_field_errors": exc.messages}
            )
            raise exceptions.ValidationError(detail) from exc

    def respond(self, article, code):
        article = self.get_queryset().get(pk=article.pk)
        context = {"request": self.request, "view": self}
        data = serializers.ArticleDetailSerializer(article, context=context).data
        response = Response(data, status=code)
        response["Location"] = data["api_url"]
        return self.with_etag(response, article)

    @extend_schema(
        parameters=[LIST_FIELDS],
        responses=serializers.ArticleListSerializer(many=True),
        summary="Published articles sharing meetings or themes, most shared first",
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=Pagination)
    def related(self, request, slug=None):
        # A bad parameter is a 400 even on a former slug (not redirected to another 400).
        self.requested_fields()
        self.paginator.check_parameters(request)
        try:
            article = self.get_object()
        except redirects.Moved as moved:
            return moved.response(request)
        related = Article.objects.published().related_to(article).with_listing_relations()
        page = self.paginate_queryset(related.prefetch_related("figures"))
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _lazy(
        "Bài viết đã thay đổi từ khi bạn đọc nó (If-Match không khớp ETag). Hãy đọc lại bài."
    )
    default_code = "precondition_failed"


class TagFilter(filters.FilterSet):
    series = filters.ChoiceFilter(choices=MeetingTag._meta.get_field("series").choices)
    # Whole numbers within what the columns hold ("0.5" is refused, not matched to nothing).
    number = YearFilter(min_value=0, max_value=32767)
    year = YearFilter(min_value=1967, max_value=2100)

    class Meta:
        model = MeetingTag
        fields = ["series", "number", "year"]


class VocabularyViewSet(
    PrivateToStaffMixin,
    CachedReadMixin,
    viewsets.GenericViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
):
    """A read-only vocabulary: readers see the entries with published articles; staff all.
    ``article_count`` counts published articles only."""

    lookup_field = "slug"
    permission_classes = [permissions.AllowAny]
    pagination_class = Pagination
    model = None

    def get_queryset(self):
        queryset = self.model.objects.all()
        if not is_staff(self.request.user):
            queryset = queryset.in_use()
        return queryset.order_by(*self.ordering)

    def get_object(self):
        """Return the entry by slug; raise ``redirects.Moved`` for a former slug of one
        this user may see (renamed, or merged into it)."""
        queryset = self.filter_queryset(self.get_queryset())
        kind = redirects.kind_of(self.model)
        entry = redirects.tag_or_moved(kind, self.kwargs[self.lookup_field], queryset)
        self.check_object_permissions(self.request, entry)
        return entry

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except redirects.Moved as moved:
            return moved.response(request)


class MeetingViewSet(VocabularyViewSet):
    model = MeetingTag
    serializer_class = serializers.MeetingSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = TagFilter
    ordering = ["-year", "series", "number", "slug"]


class ThemeViewSet(VocabularyViewSet):
    model = ThemeTag
    serializer_class = serializers.ThemeSerializer
    ordering = ["name"]


class OutletViewSet(VocabularyViewSet):
    model = Outlet
    serializer_class = serializers.OutletSerializer
    ordering = ["name"]
