"""Context every public page needs: the language switch and the current search."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request):
    """Return the other languages' URLs of this page and the query in the search box."""
    current = get_language()
    path = request.get_full_path()
    languages = [
        {"code": code, "name": name, "url": translate_url(path, code), "current": code == current}
        for code, name in settings.LANGUAGES
    ]
    return {"language_links": languages, "search_query": request.GET.get("q", "")}
