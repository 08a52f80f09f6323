"""Refuse a request whose address holds a NUL character, before any view sees it.

No slug, query or parameter of the archive can hold one, and PostgreSQL refuses it in any
text it is sent (a ``DataError``, so a 500, wherever a view forgot to check). One guard
here answers every such address instead, on the site, the admin and the API alike: a path
holding one names no page (404), a query string holding one is a bad request (400). JSON
bodies are checked by the API's write serializer (``forbidden_text``).
"""

from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

API_PREFIX = "/api/"
UNESCAPED = {"json_dumps_params": {"ensure_ascii": False}}


def query_holds_nul(request) -> bool:
    """Return True if any query parameter (name or value) holds a NUL."""
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists()
    )


class RefuseNulMiddleware:
    """Answer 404 to a path holding a NUL (``%00``), 400 to a query string holding one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith(API_PREFIX)
        if "\x00" in request.path_info:
            if api:
                detail = str(NotFound.default_detail)  # as the API's own 404
                return JsonResponse({"detail": detail}, status=404, **UNESCAPED)
            raise Http404  # the site's own 404 page
        if query_holds_nul(request):
            message = _("Tham số có ký tự NUL (U+0000): không giá trị nào chứa được ký tự này.")
            if api:
                return JsonResponse({"detail": message}, status=400, **UNESCAPED)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
