"""What a reader typed, as terms the search engines look up.

A query is split into terms: "quoted words" form one phrase, other words stand alone.
A term typed without diacritics is looked up in the folded words ("bien dong" finds
"Biển Đông"); one typed with them in the exact words ("Biển Đông" never finds "biến
động"). Every word of a term but the last must be a whole word; the last one a word
start ("an" finds "an ninh", not "ASEAN").
"""

import re
from dataclasses import dataclass

from ..text import fold, has_diacritics, search_words

_TERMS = re.compile(r'"([^"]+)"|(\S+)')
# A query is cut to this many terms and characters: each term is one more condition on
# every candidate row, and nobody types more.
MAX_TERMS = 12
MAX_QUERY_LENGTH = 300


@dataclass(frozen=True)
class Term:
    """One term of a query: its words as the search columns store them."""

    words: tuple[str, ...]
    exact: bool  # typed with diacritics: matched against the exact words

    @classmethod
    def of(cls, text: str) -> "Term | None":
        words = search_words(text).split()
        if not words:
            return None
        exact = has_diacritics(text)
        return cls(tuple(words if exact else [fold(word) for word in words]), exact)

    @property
    def column(self) -> str:
        """The article column that holds words of this kind."""
        return "search_text" if self.exact else "search_folded"

    @property
    def title_column(self) -> str:
        """The column that holds the title's words of this kind."""
        return "search_title" if self.exact else "search_title_folded"

    @property
    def needle(self) -> str:
        """The text a matching column contains: " word" starts a word in the columns."""
        return " " + " ".join(self.words)


def parse_query(query: str) -> list[str]:
    """Split a query into terms: quoted phrases stay whole, other words stand alone."""
    terms = []
    for phrase, word in _TERMS.findall((query or "")[:MAX_QUERY_LENGTH]):
        term = " ".join((phrase or word).split()).strip(".,;:!?()[]“”\"'")
        if search_words(term).strip():  # a lone dash or quote mark searches nothing
            terms.append(term)
    return terms[:MAX_TERMS]


def query_terms(query: str) -> list[Term]:
    """Return the terms of ``query`` ready for the engines."""
    return [term for term in map(Term.of, parse_query(query)) if term]


def searchable(query: str) -> bool:
    """Return True if ``query`` holds a term to look up: one made only of punctuation or
    spaces (``%``, ``-``, ``...``) searches nothing, and is refused rather than read as
    "every article"."""
    return bool(parse_query(query))


def phrase_of(terms: list[str]) -> Term | None:
    """Return the whole query read as one phrase (the terms in the order typed)."""
    return Term.of(" ".join(terms))
