"""The one search function over articles, used by the admin (and later pages and API).

Rules: a word typed without diacritics matches with or without them ("bien dong"
finds "Biển Đông"); a word typed with diacritics matches them exactly ("Biển Đông"
does not find "biến động"). Words must all match; "quoted words" form a phrase.
Words match at their start ("an" finds "an ninh", not "ASEAN"). Matching uses the
article's derived ``search_text`` / ``search_folded`` columns, whose words are separated
by single spaces, with plain LIKE lookups, so it behaves the same on SQLite and
PostgreSQL.
"""

import re

from django.db.models import Case, Q, Value, When
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import NEWEST_FIRST
from .text import fold, has_diacritics, search_key, search_words

_TERMS = re.compile(r'"([^"]+)"|(\S+)')
# A query is cut to this many terms and characters: each term is one more scan of the
# text columns, and nobody types more.
MAX_TERMS = 12
MAX_QUERY_LENGTH = 300


def parse_query(query: str) -> list[str]:
    """Split a query into terms: quoted phrases stay whole, other words stand alone."""
    terms = []
    for phrase, word in _TERMS.findall((query or "")[:MAX_QUERY_LENGTH]):
        term = " ".join((phrase or word).split()).strip(".,;:!?()[]“”\"'")
        if search_words(term).strip():  # a lone dash or quote mark searches nothing
            terms.append(term)
    return terms[:MAX_TERMS]


def _needle(term: str) -> tuple[str, str]:
    """Return the column a term is looked up in and the text to look for there: " word"
    (the start of a word) in the exact column if it has diacritics, else in the folded one."""
    words = search_words(term).strip()
    if has_diacritics(term):
        return "search_text", " " + words
    return "search_folded", " " + fold(words)


def term_q(term: str) -> Q:
    """Return the filter for one term (a word or a phrase): it must start a word."""
    column, needle = _needle(term)
    return Q(**{f"{column}__contains": needle})


def search_articles(queryset, query: str):
    """Return ``queryset`` narrowed to the articles matching every term of ``query``."""
    terms = parse_query(query)
    for term in terms:
        queryset = queryset.filter(term_q(term))
    return queryset


def search_ranked(queryset, query: str):
    """Return ``search_articles`` ordered for readers: articles holding the whole query as one
    phrase first, then those with a title match, then newest first."""
    terms = parse_query(query)
    queryset = search_articles(queryset, query)
    if not terms:
        return queryset
    phrase = " ".join(terms)
    return queryset.annotate(
        phrase_rank=Case(When(term_q(phrase), then=Value(2)), default=Value(0)),
        title_rank=Case(When(_title_q(terms), then=Value(1)), default=Value(0)),
    ).order_by("-phrase_rank", "-title_rank", *NEWEST_FIRST)


def _title_q(terms):
    """Return the filter for a title holding every term, by the same rules: the title is
    the first line of the search columns."""
    q = Q()
    for term in terms:
        column, needle = _needle(term)
        q &= Q(**{f"{column}__regex": r"^[^\n]*" + re.escape(needle)})
    return q


def _fold_chars(text: str) -> str:
    """Fold ``text`` one character at a time, so offsets in the result are offsets in
    ``text`` (whole-string folding may merge or split characters)."""
    return "".join((fold(ch) or ch)[:1] if ch.strip() else ch for ch in text)


def _match_spans(text: str, terms) -> list[tuple[int, int]]:
    """Return the (start, end) spans of ``text`` that the terms match, by the search rules:
    at the start of a word, any punctuation between the words of a phrase."""
    exact = "".join((search_key(ch) or ch)[:1] for ch in text)
    folded = _fold_chars(text)
    spans = []
    for term in terms:
        words = search_words(term).split()
        if not words:
            continue
        haystack = exact if has_diacritics(term) else folded
        if not has_diacritics(term):
            words = [fold(word) for word in words]
        pattern = r"(?<!\w)" + r"[\W_]+".join(re.escape(word) for word in words)
        spans.extend(match.span() for match in re.finditer(pattern, haystack))
    spans.sort()
    merged = []
    for start, end in spans:
        # Overlapping spans, or words only a space apart, are marked as one.
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, query: str) -> str:
    """Return ``text`` HTML-escaped with the words the query matched wrapped in <mark>."""
    terms = parse_query(query)
    out, last = [], 0
    for start, end in _match_spans(text, terms):
        out.append(escape(text[last:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(text: str, query: str, width: int = 240) -> str:
    """Return about ``width`` characters of ``text`` around the first match, highlighted."""
    text = " ".join(text.split())
    terms = parse_query(query)
    # Centre on the whole query as a phrase where the text has it, else on any word.
    spans = (len(terms) > 1 and _match_spans(text, [" ".join(terms)])) or _match_spans(text, terms)
    if not spans or len(text) <= width:
        start = 0
    else:
        start = max(0, spans[0][0] - width // 3)
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = highlight(text[start:end], query)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{piece}{suffix}")
