"""The one search function over articles, used by the admin (and later pages and API).

Rules: a word typed without diacritics matches with or without them ("bien dong"
finds "Biển Đông"); a word typed with diacritics matches them exactly ("Biển Đông"
does not find "biến động"). Words must all match; "quoted words" form a phrase.
Matching uses the article's derived ``search_text`` / ``search_folded`` columns,
so it behaves the same on SQLite and PostgreSQL.
"""

import re

from django.db.models import Q

from .text import fold, has_diacritics, search_key

_TERMS = re.compile(r'"([^"]+)"|(\S+)')


def parse_query(query: str) -> list[str]:
    """Split a query into terms: quoted phrases stay whole, other words stand alone."""
    terms = []
    for phrase, word in _TERMS.findall(query or ""):
        term = " ".join((phrase or word).split()).strip(".,;:!?()[]“”\"'")
        if term:
            terms.append(term)
    return terms


def term_q(term: str) -> Q:
    """Return the filter for one term (a word or a phrase)."""
    if has_diacritics(term):
        return Q(search_text__contains=search_key(term))
    return Q(search_folded__contains=fold(term))


def search_articles(queryset, query: str):
    """Return ``queryset`` narrowed to the articles matching every term of ``query``."""
    terms = parse_query(query)
    for term in terms:
        queryset = queryset.filter(term_q(term))
    return queryset
