"""The OpenAPI contract (drf-spectacular): every status an operation can answer, with the
body and the headers it carries, added here once for all the views instead of on each.

Which statuses an operation documents follows from what its view does:

| status | operations |
|---|---|
| 200 / 201 / 204 | the operation's success (201 creates, 204 trashes) |
| 301 | reads of one resource by a former slug (``articles/redirects.py``) |
| 304 | reads of a resource with an ``ETag``, sent its ``If-None-Match`` |
| 400 | a request body, a filter, a page number or a ``fields=`` to validate |
| 401 | all: a write without credentials, any request with an unknown token |
| 403 | writes: the account may not make this change (or a session without CSRF) |
| 404 | one resource by slug; a page past the list's end or window |
| 406 | all: ``Accept`` names nothing the API answers in |
| 412 | writes to a resource with an ``ETag``, sent a stale ``If-Match`` |
| 414 | all: answered by gunicorn before the application (request line > 4094 bytes) |
| 415 | requests with a body: a ``Content-Type`` the API does not read |
| 429 | all: the client's rate is spent (``Retry-After``) |

Errors are DRF's: ``{"detail": "..."}`` (``Error``), and for invalid input an object of
field names to lists of messages (``ValidationError``).
"""

import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from articles.api.serializers import MOMENT_PATTERN, MomentField
from articles.models import Article

STAFF_ONLY_NOTE = "Staff only: readers never receive it, and may not name it in `fields=`."

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: what went wrong, in the request's language.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
MESSAGES = {"type": "array", "items": {"type": "string"}}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Invalid input: each field (or query parameter) named with its messages; "
        "`non_field_errors` for the request as a whole. A list of objects (`figures`) "
        "answers item by item, an object by its keys."
    ),
    "additionalProperties": {
        "anyOf": [
            MESSAGES,
            {"type": "array", "items": {"type": "object"}},
            {"type": "object"},
        ]
    },
    "minProperties": 1,
}

HEADERS = {
    "ETag": {
        "description": (
            "The version of the article as this client sees it. Send it back in `If-Match` "
            "to write, in `If-None-Match` to read again."
        ),
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "The resource's address in the API (absolute URL).",
        "schema": {"type": "string", "format": "uri"},
    },
    # A redirect's Location: the path on this host (RFC 9110 allows a relative reference).
    "Redirect": {
        "description": "The resource's address now: its path on this host, query kept.",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "WWW-Authenticate": {
        "description": "The scheme to authenticate with: `Token`.",
        "schema": {"type": "string"},
    },
}

# Responses shared by many operations: (description, body schema component or None,
# media type, headers).
SHARED_RESPONSES = {
    "Unauthorized": (
        "Not authenticated: a write without credentials, or any request with an unknown or "
        "inactive token (`Authorization: Token …`).",
        "Error",
        "application/json",
        ["WWW-Authenticate"],
    ),
    "Forbidden": (
        "Authenticated, but this account may not make this change: it needs staff status "
        "and the model permission, publishing needs the publish permission, an editor may "
        "not change a published article; a session (cookie) write needs its CSRF token.",
        "Error",
        "application/json",
        [],
    ),
    "NotAcceptable": (
        "`Accept` names no media type the API answers in (`application/json`).",
        "Error",
        "application/json",
        [],
    ),
    "URITooLong": (
        "The request line (path and query) is longer than gunicorn's `limit_request_line` "
        "(4094 bytes): answered by the server, before the application, in HTML.",
        None,
        "text/html",
        [],
    ),
    "UnsupportedMediaType": (
        "The body's `Content-Type` is not `application/json` (the only one the API reads).",
        "Error",
        "application/json",
        [],
    ),
    "PreconditionFailed": (
        "`If-Match` names none of the article's current ETags: it changed since you read "
        "it. Read it again (the new `ETag`), then write.",
        "Error",
        "application/json",
        [],
    ),
    "TooManyRequests": (
        "Too many requests: this client's rate (per address for anonymous clients, per "
        "account otherwise) is spent. Wait `Retry-After` seconds.",
        "Error",
        "application/json",
        ["Retry-After"],
    ),
}

# What an article written can be followed by (OpenAPI links), by operation id suffix.
ARTICLE_LINKS = {
    "GetArticle": "retrieve",
    "ReplaceArticle": "update",
    "ChangeArticle": "partial_update",
    "TrashArticle": "destroy",
    "RelatedArticles": "related_list",
}

PATH_PARAMETER = re.compile(r"{\w+}")

# The statuses an editor may write (``ENUM_NAME_OVERRIDES``): the trash is reached by DELETE.
WRITABLE_STATUSES = [
    (value, label) for value, label in Article.Status.choices if value != Article.Status.TRASH
]


def fields_parameter(serializer_class, *, staff_only=()) -> OpenApiParameter:
    """The ``fields=`` query parameter of a view whose serializer is ``serializer_class``:
    a comma-separated list of its fields (``fields=slug,title``). The staff-only fields are
    named in the description, not in the list: a reader naming one is answered 400."""
    names = [name for name in serializer_class.Meta.fields if name not in staff_only]
    staff = [name for name in serializer_class.Meta.fields if name in staff_only]
    note = f" Staff may also name {', '.join(f'`{n}`' for n in staff)}." if staff else ""
    return OpenApiParameter(
        "fields",
        {"type": "array", "items": {"type": "string", "enum": names}, "minItems": 1},
        style="form",
        explode=False,
        description=(
            "Comma-separated fields to return, e.g. `fields=slug,title,published_on`; "
            f"any other name is a 400.{note}"
        ),
    )


# A slug of a meeting, a theme or an outlet, as the filters look them up (Django's unicode
# slug: letters, digits, "_" and "-").
SLUG_PATTERN = r"^[-\w]+$"
# A character that trimming (Python's white space) and articles.text.normalise (zero-width and
# bidirectional controls, the soft hyphen) keep: a required text must hold one.
VISIBLE_PATTERN = (
    r"[^\t-\r\x1c-\x20\x85\xa0\xad\u061c\u1680\u2000-\u200f\u2028-\u202f\u205f\u2060"
    r"\u2066-\u2069\u3000\ufeff]"
)

# What a parameter's schema cannot say: one parameter bounding another.
RANGE_NOTES = {
    "published_after": "YYYY-MM-DD; on or before `published_before`, or the request is a 400",
    "published_before": "YYYY-MM-DD; on or after `published_after`, or the request is a 400",
}

# An http(s) URL as the API stores one (Django's URLValidator, then articles.api.serializers'
# source_uri): a host name (labels, a top-level domain of letters), localhost or an IPv4
# address, of 253 characters at most; no user; a port; then printable ASCII only, "%" only
# as an escape, no space, quote, "<>[\\]^`{|}" nor a second "#" (RFC 3986's URI).
_IPV4_PART = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_LABEL = r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
_HOST = (
    rf"(?:(?:{_LABEL}\.)+[a-zA-Z]{{2,63}}\.?|[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]"
    rf"|{_IPV4_PART}(?:\.{_IPV4_PART}){{3}})"
)
_URL_CHARACTER = r"(?:[!$&-;=?-Z_a-z~]|%[0-9A-Fa-f]{2})"
HTTP_URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://(?=[^/?#]{{1,253}}(?:[/?#]|$)){_HOST}(?::[0-9]{{1,4}})?"
    rf"(?:[/?]{_URL_CHARACTER}*)?(?:#{_URL_CHARACTER}*)?$"
)
# A search query holds a letter or a digit to look up (``%`` or ``...`` alone is a 400)
# within the 300 characters read.
QUERY_PATTERN = r"^[^\p{L}\p{N}]{0,299}[\p{L}\p{N}]"


def filter_schema(filter_field, schema: dict) -> dict:
    """Return the schema of the query parameter of ``filter_field`` (a django-filter
    filter), narrowed to what it accepts: drf-spectacular reads a ``NumberFilter`` as any
    number and a slug as any string."""
    from django import forms

    from articles.filters import QueryField

    field_class = filter_field.field_class
    extra = filter_field.extra
    if issubclass(field_class, forms.IntegerField):
        schema = {"type": "integer"}
        for key, bound in (("min_value", "minimum"), ("max_value", "maximum")):
            if extra.get(key) is not None:
                schema[bound] = extra[key]
    elif issubclass(field_class, QueryField):
        schema = {**schema, "pattern": QUERY_PATTERN}
    elif extra.get("to_field_name") == "slug":
        if schema.get("type") == "array":
            schema = {**schema, "items": {**schema["items"], "pattern": SLUG_PATTERN}}
        else:
            schema = {**schema, "pattern": SLUG_PATTERN}
    return schema


class ArchiveAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the statuses, headers and error bodies each
    operation can answer with, reads open to anonymous clients, staff-only fields described,
    and descriptions taken only from this project's views."""

    def get_auth(self):
        """Document reads as open to anonymous clients: every GET of the API is."""
        auths = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def get_description(self):
        """The action's docstring, or the view's own; never a mixin's or DRF's (a caching
        mixin's docstring says nothing to an API client)."""
        action = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        doc = (getattr(action, "__doc__", None) or "").strip()
        if doc and getattr(action, "__module__", "").startswith("articles.api"):
            return _clean(doc)
        for cls in type(self.view).__mro__:
            if cls.__module__.startswith("articles.api") and cls.__dict__.get("__doc__"):
                return _clean(cls.__doc__)
        return ""

    # -- the operation's traits ----------------------------------------------------------

    @property
    def is_write(self) -> bool:
        return self.method not in SAFE_METHODS

    @property
    def is_detail(self) -> bool:
        return bool(PATH_PARAMETER.search(self.path))

    @property
    def has_etag(self) -> bool:
        """True for operations on one article (they answer with, and check, its ETag)."""
        action = getattr(self.view, "action", None)
        return hasattr(self.view, "etag") and action not in ("list", "related")

    @property
    def has_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH")

    def has_query_validation(self) -> bool:
        """True when a query parameter's value is checked (filters, pages, ``fields=``)."""
        if self._get_filter_parameters() or self._get_pagination_parameters():
            return True
        return any(
            isinstance(p, OpenApiParameter) and p.location == OpenApiParameter.QUERY
            for p in self.get_override_parameters()
            if getattr(p, "name", None) == "fields"
        )

    # -- query parameters ----------------------------------------------------------------

    def _get_parameters(self):
        """Every query parameter may be sent empty (``?year=`` is "not given"); each one's
        schema says what the view accepts, no more: whole numbers within their bounds,
        slugs, a query holding a word."""
        parameters = super()._get_parameters()
        filterset = getattr(self.view, "filterset_class", None) if self._is_list_view() else None
        filters = filterset.base_filters if filterset is not None else {}
        for parameter in parameters:
            if parameter["in"] == OpenApiParameter.PATH and "pattern" not in parameter["schema"]:
                # A tag's slug (the articles' lookup has its own pattern).
                parameter["schema"] = {**parameter["schema"], "pattern": SLUG_PATTERN}
            if parameter["in"] != OpenApiParameter.QUERY:
                continue
            parameter["allowEmptyValue"] = True
            name = parameter["name"]
            if name == "page":
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
                parameter["description"] = (
                    "A page number (1, 2…; `last` for the last page). A page past the list's "
                    "end or window is a 404."
                )
            elif name == "page_size":
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
                parameter["description"] = "Items per page: 20 by default; more than 100 gives 100."
            elif name in filters:
                parameter["schema"] = filter_schema(filters[name], parameter["schema"])
            if name in RANGE_NOTES:
                described = parameter.get("description", "")
                parameter["description"] = f"{described} ({RANGE_NOTES[name]})".strip()
        return parameters

    # -- request headers -----------------------------------------------------------------

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.has_etag and self.method in ("PUT", "PATCH", "DELETE"):
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description=(
                        "The `ETag` you read: the write is refused (412) if the article "
                        "changed since. Without it the write is unconditional."
                    ),
                )
            )
        if self.has_etag and self.method == "GET":
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description="The `ETag` you hold: 304, with no body, if it is still current.",
                )
            )
        return parameters

    # -- responses -----------------------------------------------------------------------

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self.common_responses().items():
            responses.setdefault(code, response)
        for code, response in responses.items():
            headers = self.headers_for(code)
            if headers and "$ref" not in response:
                response.setdefault("headers", {}).update(headers)
            links = self.links_for(code)
            if links:
                response["links"] = links
        return dict(sorted(responses.items()))

    def links_for(self, code: str) -> dict:
        """An article written (201, or 200 to PUT/PATCH) links to what may be done with it
        next, by its slug (clients, and schemathesis' stateful tests, follow them)."""
        action = getattr(self.view, "action", None)
        if not self.has_etag or (code, action) not in (
            ("201", "create"),
            ("200", "update"),
            ("200", "partial_update"),
        ):
            return {}
        base = self.get_operation_id().rsplit("_" + action, 1)[0]
        slug = {"slug": "$response.body#/slug"}
        return {
            name: {"operationId": f"{base}_{operation}", "parameters": slug}
            for name, operation in ARTICLE_LINKS.items()
        }

    def common_responses(self) -> dict:
        """The statuses this operation can answer besides the ones its view declares."""
        ref = self.shared_response
        responses = {"401": ref("Unauthorized"), "406": ref("NotAcceptable")}
        responses["414"] = ref("URITooLong")
        responses["429"] = ref("TooManyRequests")
        if self.is_write:
            responses["403"] = ref("Forbidden")
        if self.has_body:
            responses["415"] = ref("UnsupportedMediaType")
            responses["400"] = self.error_response(
                "Invalid input: the body (or its JSON) does not validate.",
                {"anyOf": [self.component("ValidationError"), self.component("Error")]},
            )
        elif self.has_query_validation():
            responses["400"] = self.error_response(
                "A query parameter's value is invalid (named, with the reason); a NUL in the "
                "query string is refused whole (`detail`).",
                {"anyOf": [self.component("ValidationError"), self.component("Error")]},
            )
        if self.has_etag and self.method in ("PUT", "PATCH", "DELETE"):
            responses["412"] = ref("PreconditionFailed")
        if self.is_detail:
            responses["404"] = self.error_response(
                "No such resource for this client: unknown, or not published (a draft is a "
                "404 for readers, never a 403)"
                + ("; or a page past the end of the list" if self._is_list_view() else "")
                + ". A slug holding a character no slug has (`.`, `%`…) matches no address: "
                "the site's HTML 404 page answers it.",
                self.component("Error"),
            )
            responses["404"]["content"]["text/html"] = {"schema": {"type": "string"}}
        elif self._is_list_view() and self._get_paginator():
            responses["404"] = self.error_response(
                "No such page: past the end of the list, or past its window (1,000 items; "
                "500 for a search): narrow the list to go further.",
                self.component("Error"),
            )
        if self.method == "GET" and self.is_detail:
            responses["301"] = {
                "description": (
                    "A former slug (the resource was renamed or merged): `Location` is its "
                    "address now, with the same query string."
                ),
            }
        if self.has_etag and self.method == "GET":
            responses["304"] = {"description": "Not modified: `If-None-Match` is current."}
        return responses

    def headers_for(self, code: str) -> dict:
        """The response headers ``code`` carries for this operation."""
        headers = {}
        if self.has_etag and self.method != "DELETE" and code in ("200", "201", "304"):
            headers["ETag"] = self.header("ETag", required=True)
        if code == "201" or (code == "200" and self.has_etag and self.has_body):
            headers["Location"] = self.header("Location", required=True)
        if code == "301":
            headers["Location"] = self.header("Redirect", required=True)
        return headers

    def error_response(self, description: str, schema: dict) -> dict:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    def shared_response(self, name: str) -> dict:
        description, body, media_type, headers = SHARED_RESPONSES[name]
        response = {"description": description}
        if body:
            response["content"] = {media_type: {"schema": self.component(body)}}
        else:
            response["content"] = {media_type: {"schema": {"type": "string"}}}
        if headers:
            # DRF always sends them: Retry-After is at least 1 (articles/throttling.py),
            # WWW-Authenticate names the first authentication class's scheme.
            response["headers"] = {header: self.header(header, required=True) for header in headers}
        return self.register(name, ResolvedComponent.RESPONSE, response)

    def header(self, name: str, *, required: bool = False) -> dict:
        """A reference to the header component ``name`` (a key of ``HEADERS``)."""
        header = {**HEADERS[name], **({"required": True} if required else {})}
        key = name.replace("-", "") + ("" if required else "Optional")
        return self.register(key, ResolvedComponent.HEADER, header)

    def component(self, name: str) -> dict:
        schema = {"Error": ERROR_SCHEMA, "ValidationError": VALIDATION_ERROR_SCHEMA}[name]
        return self.register(name, ResolvedComponent.SCHEMA, schema)

    def register(self, name: str, kind: str, schema: dict) -> dict:
        component = ResolvedComponent(name=name, type=kind, schema=schema, object=name)
        self.registry.register_on_missing(component)
        return component.ref

    # -- fields ----------------------------------------------------------------------------

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """A URL written to the API is an http(s) URL as ``HTTP_URL_PATTERN`` has it; a
        text that may not be blank holds a character that white space trimming and
        ``articles.text.normalise`` keep."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request":
            return schema
        if isinstance(field, MomentField):
            schema["pattern"] = MOMENT_PATTERN
        elif isinstance(field, serializers.URLField):
            for branch in [schema, *schema.get("oneOf", [])]:
                if branch.get("format") == "uri":
                    branch["pattern"] = HTTP_URL_PATTERN
        elif (
            type(field) is serializers.CharField
            and not field.allow_blank
            and field.trim_whitespace
            and "pattern" not in schema
        ):
            schema["pattern"] = VISIBLE_PATTERN
        return schema

    # -- staff-only fields ---------------------------------------------------------------

    def _map_basic_serializer(self, serializer, direction):
        """Map a serializer with every field it can show, the staff-only ones described
        as such: the schema is the same whoever asks for it."""
        from .serializers import STAFF_ONLY, SelectableFieldsMixin

        if not isinstance(serializer, SelectableFieldsMixin):
            return super()._map_basic_serializer(serializer, direction)
        full = type(serializer)(context={"schema": True})  # no request: no field dropped
        schema = super()._map_basic_serializer(full, direction)
        for name in STAFF_ONLY:
            if name in schema.get("properties", {}):
                prop = schema["properties"][name]
                described = prop.get("description")
                # First: a choice list ("* `draft` - …") is moved to the enum's component.
                prop["description"] = (
                    f"{STAFF_ONLY_NOTE}\n\n{described}" if described else STAFF_ONLY_NOTE
                )
        return schema


def _clean(doc: str) -> str:
    import inspect

    return "\n".join(line.rstrip() for line in inspect.cleandoc(doc).splitlines())
