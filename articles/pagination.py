"""Pagination that never pays for the whole archive.

A list's count is exact up to a bound and "more than" that above it (counting a million
rows to print one number is most of a request's time), and only the pages within the
bound can be opened: no request pays for a huge OFFSET. Pages deeper than the window are
reached by narrowing the list (dates, meeting, theme), as readers do.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Lists (tag and outlet pages, the API): 50 pages of 20. A page deeper in a tag's list makes
# the database walk past every article before it, each tested for the tag.
LIST_WINDOW = 1_000
# A year's or a month's articles: the date range bounds the walk, so pages go deeper.
ARCHIVE_WINDOW = 10_000
# Search results: 25 pages of 20, then "more than 500 results". Ranking reads this many
# matches (one table row each), so it sets the cost of a search for a common word.
SEARCH_WINDOW = 500


def count_up_to(items, limit: int) -> int:
    """Return how many ``items`` there are, counting no further than ``limit``."""
    bounded = getattr(items, "count_up_to", None)
    if bounded is not None:
        return bounded(limit)
    if hasattr(items, "query"):  # a QuerySet: SELECT COUNT(*) FROM (... LIMIT limit)
        return items.order_by().values("pk")[:limit].count()
    return min(len(items), limit)


class WindowPaginator(Paginator):
    """A Paginator whose count stops at ``window`` (``count_exact`` tells which)."""

    window = LIST_WINDOW

    def __init__(self, object_list, per_page, *args, window=None, known_count=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if window is not None:
            self.window = window
        elif getattr(object_list, "window", None):
            self.window = object_list.window
        # A count the caller already holds (a tag's stored published_count): no query.
        self.known_count = known_count

    @cached_property
    def found(self) -> int:
        """The count, up to one past the window (so we know whether there are more)."""
        if self.known_count is not None:
            return min(self.known_count, self.window + 1)
        return count_up_to(self.object_list, self.window + 1)

    @property
    def count(self) -> int:
        return min(self.found, self.window)

    @property
    def count_exact(self) -> bool:
        """False when there are more items than the window shows."""
        return self.found <= self.window
