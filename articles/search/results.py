"""Ranked search results, fetched one page at a time without scoring every hit.

Readers get the articles holding the whole query as one phrase first, then those whose
title holds every term, then the newest. A common word ("ASEAN") matches most of the
archive, so the ranking is never computed over every match: one query reads the newest
``window`` + 1 matches from the index (in the list's own order, with two flags: phrase,
title), which gives both the count ("more than 1,000" when that last row exists) and the
pool that is ranked in Python. Every match of a query matching up to ``window`` articles is
ranked; a query matching more is ranked over its newest ``window`` matches, which are all
that the pages can show (narrowing by date reaches the older ones).
"""

from django.db.models import BooleanField, Case, Value, When
from django.utils.functional import cached_property

from ..models import NEWEST_FIRST
from ..pagination import SEARCH_WINDOW
from .index import match_q, phrase_q, title_q
from .query import Term, phrase_of


class SearchResults:
    """A lazy, sliceable sequence of the articles of ``queryset`` matching ``terms``,
    for Django's (and DRF's) paginators: ``count_up_to`` for bounded counts, a slice is the
    pool query (once) and one fetch of the page's articles with their relations."""

    # Paginators count and open pages of search results no further than this.
    window = SEARCH_WINDOW

    def __init__(self, queryset, terms: list[str], *, ranked: bool = True):
        self.model = queryset.model
        self.queryset = queryset
        self.terms = [term for term in map(Term.of, terms) if term]
        self.phrase = phrase_of(terms) if len(self.terms) > 1 else None
        self.matches = queryset.filter(match_q(self.terms)) if self.terms else queryset
        self.ranked = ranked and bool(self.terms)

    @cached_property
    def pool(self) -> list[tuple[int, bool, bool]]:
        """The newest ``window`` + 1 matches: (id, holds the phrase, title holds every term)."""
        return list(
            self.matches.prefetch_related(None)
            .order_by(*NEWEST_FIRST)
            .annotate(in_phrase=self._flag(self.phrase), in_title=self._flag(self.terms))
            .values_list("pk", "in_phrase", "in_title")[: self.window + 1]
        )

    def _flag(self, what):
        if what is None:  # one term: it is the whole query as a phrase
            return Value(True)
        condition = phrase_q(what) if isinstance(what, Term) else title_q(what)
        return Case(
            When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )

    @cached_property
    def ranked_ids(self) -> list[int]:
        """The pool's ids, best first: phrase, then title, then newest (a stable sort keeps
        the pool's newest-first order within each tier)."""
        best_first = sorted(self.pool[: self.window], key=lambda row: (not row[1], not row[2]))
        return [pk for pk, _phrase, _title in best_first]

    def count_up_to(self, limit: int) -> int:
        """Return the number of matches, counting no further than ``limit``."""
        if self.ranked and limit <= self.window + 1:
            return min(len(self.pool), limit)
        return self.matches.order_by().values("pk")[:limit].count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        if not self.ranked:
            return list(self.matches[key])
        ids = self.ranked_ids[key]
        found = {article.pk: article for article in self.queryset.filter(pk__in=ids).order_by()}
        return [found[pk] for pk in ids if pk in found]
