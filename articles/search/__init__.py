"""The one search over articles, used by the search page, the admin and the API.

Rules: a word typed without diacritics matches with or without them ("bien dong" finds
"Biển Đông"); a word typed with diacritics matches them exactly ("Biển Đông" does not find
"biến động"). Words must all match; "quoted words" form a phrase. Words match at their
start ("an" finds "an ninh", not "ASEAN"). Readers see phrase matches first, then title
matches, then the newest.

Behind it, one real index per database (``index``): PostgreSQL's ``tsvector`` with a GIN
index, SQLite's FTS5, both holding the words of the derived ``search_text`` /
``search_folded`` columns, so the same query finds the same articles on both.
"""

from .index import match_q
from .query import MAX_QUERY_LENGTH, MAX_TERMS, parse_query, query_terms
from .results import SearchResults
from .snippets import highlight, snippet

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_TERMS",
    "SearchResults",
    "highlight",
    "parse_query",
    "search_articles",
    "search_ranked",
    "snippet",
]


def search_articles(queryset, query: str):
    """Return ``queryset`` narrowed to the articles matching every term of ``query`` (a
    queryset: the admin's changelist filters and counts it further)."""
    terms = query_terms(query)
    return queryset.filter(match_q(terms)) if terms else queryset


def search_ranked(queryset, query: str, *, ranked: bool = True):
    """Return the matches of ``query`` in ``queryset`` as ``SearchResults``: in the readers'
    order, or in ``queryset``'s own order when ``ranked`` is False."""
    return SearchResults(queryset, parse_query(query), ranked=ranked)
