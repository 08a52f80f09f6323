"""Highlighting and snippets: the words a query matched, marked in a bounded piece of text.

A result's snippet is cut from the neighbourhood of its first match, found paragraph by
paragraph with the cheap whole-string folding; only that window is marked character by
character. A search page of 20 results never works over each result's whole text.
"""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..text import fold, has_diacritics, search_key, search_words
from .query import parse_query

# The snippet's window is looked for in this much text at most: a match further on is
# rare (the title matched), and the start of the text is shown instead.
SCAN_LIMIT = 20_000
# A text longer than this many snippet widths is cut to a window before marking.
WINDOW_WIDTHS = 6


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    return (fold(ch) or ch)[:1] if ch.strip() else ch


@lru_cache(maxsize=8192)
def _key_char(ch: str) -> str:
    return (search_key(ch) or ch)[:1]


def _fold_chars(text: str) -> str:
    """Fold ``text`` one character at a time, so offsets in the result are offsets in
    ``text`` (whole-string folding may merge or split characters)."""
    return "".join(map(_fold_char, text))


def _match_spans(text: str, terms) -> list[tuple[int, int]]:
    """Return the (start, end) spans of ``text`` that the terms match, by the search rules:
    at the start of a word, any punctuation between the words of a phrase."""
    exact = "".join(map(_key_char, text))
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


def _holds(line: str, terms) -> bool:
    """Return True if one of ``terms`` matches in ``line`` (whole-string operations only)."""
    words = search_words(line)
    folded = None
    for term in terms:
        needle = search_words(term).rstrip("\n").rstrip()
        if has_diacritics(term):
            if needle in words:
                return True
        else:
            folded = folded if folded is not None else fold(words)
            if fold(needle) in folded:
                return True
    return False


def _first_match_window(text: str, terms, width: int) -> tuple[int, int] | None:
    """Return the bounds of a window of ``text`` around the first paragraph matching."""
    offset = 0
    for line in text[:SCAN_LIMIT].split("\n"):
        if line.strip() and _holds(line, terms):
            if len(line) > WINDOW_WIDTHS * width:  # a long paragraph: find the match in it
                spans = _match_spans(line, terms)
                offset += spans[0][0] if spans else 0
            lo = max(0, offset - width)
            return lo, min(len(text), offset + len(line) + width, lo + WINDOW_WIDTHS * width)
        offset += len(line) + 1
    return None


def snippet(text: str, query: str, width: int = 240) -> str:
    """Return about ``width`` characters of ``text`` around the first match, highlighted."""
    terms = parse_query(query)
    # Centre on the whole query as a phrase where the text has it, else on any word.
    wanted = [" ".join(terms)] if len(terms) > 1 else []
    lo, hi = 0, len(text)
    if len(text) > WINDOW_WIDTHS * width:
        window = (wanted and _first_match_window(text, wanted, width)) or _first_match_window(
            text, terms, width
        )
        lo, hi = window or (0, 2 * width)
    window = " ".join(text[lo:hi].split())
    spans = (wanted and _match_spans(window, wanted)) or _match_spans(window, terms)
    if not spans or len(window) <= width:
        start = 0
    else:
        start = max(0, spans[0][0] - width // 3)
        space = window.rfind(" ", 0, start)
        start = space + 1 if space != -1 else start
    end = min(len(window), start + width)
    if end < len(window):
        space = window.rfind(" ", start, end)
        end = space if space > start else end
    piece = highlight(window[start:end], query)
    prefix = "… " if start > 0 or lo > 0 else ""
    suffix = " …" if end < len(window) or hi < len(text) else ""
    return mark_safe(f"{prefix}{piece}{suffix}")
