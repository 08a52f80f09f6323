"""The search index of each database behind one condition: ``IndexMatch(terms)``.

Migration 0009 builds the index: on PostgreSQL a ``tsvector`` column of every word of the
exact and of the folded search columns (GIN-indexed), on SQLite an FTS5 table of the same
words. Both hold words exactly as ``articles.text.search_words`` splits them, so asking
the index for "every word of every term, the last word of each as a prefix" narrows the
articles to candidates without reading any text. A term of one word needs nothing more; a
term of several words is then checked as a phrase on the candidate rows (``phrase_q``).

A phrase's pairs of neighbouring words are also looked up, in the phrase index (migration
0011), so only the articles holding the phrase, or very nearly, are checked.

Why one index of both kinds of words is enough: a folded term's words are plain ASCII, and
an exact word starts with a plain ASCII prefix only if its folded form does too; an exact
term's words carry diacritics, which no folded word has.
"""

from django.db.models import BooleanField, Expression, F, Q

from ..text import fold, word_pairs
from .query import Term


def pg_tsquery(terms: list[Term]) -> str:
    """Return the ``tsquery`` literal: every word, the last of each term as a prefix."""
    return " & ".join(_operands(terms, lambda word: f"'{word}'", lambda word: f"'{word}':*"))


def fts5_query(terms: list[Term]) -> str:
    """Return the FTS5 query: the same words, quoted, the last of each term a prefix."""
    return " AND ".join(_operands(terms, lambda word: f'"{word}"', lambda word: f'"{word}"*'))


def _operands(terms, whole, prefix) -> list[str]:
    # The words come from search_words: letters and digits only, never a quote mark.
    operands = []
    for term in terms:
        operands.extend(whole(word) for word in term.words[:-1])
        operands.append(prefix(term.words[-1]))
    return operands


def term_pairs(term: Term) -> list[str]:
    """Return the pairs of a term of several words, folded (the phrase index holds folded
    pairs: an exact phrase's articles are among its folded phrase's)."""
    return word_pairs(" ".join(fold(word) for word in term.words))


def pg_pair_tsquery(terms: list[Term]) -> str:
    """Return the ``tsquery`` of the terms' pairs, the last pair of each a prefix."""
    return " & ".join(_pair_operands(terms, lambda pair: f"'{pair}'", lambda pair: f"'{pair}':*"))


def fts5_pair_query(terms: list[Term]) -> str:
    return " AND ".join(_pair_operands(terms, lambda pair: f'"{pair}"', lambda pair: f'"{pair}"*'))


def _pair_operands(terms, whole, prefix) -> list[str]:
    operands = []
    for term in terms:
        pairs = term_pairs(term)
        operands.extend(whole(pair) for pair in pairs[:-1])
        operands.append(prefix(pairs[-1]))
    return operands


class IndexMatch(Expression):
    """True for the articles whose indexed words hold every word of ``terms`` (or, with
    ``pairs``, whose phrase index holds every pair of the terms, all of several words)."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, terms: list[Term], pk=None, *, pairs=False):
        super().__init__()
        self.terms = terms
        self.pairs = pairs
        self.pk = pk if pk is not None else F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        if connection.vendor == "postgresql":
            # "alias"."id" -> "alias"."search_vector": the column of the same table.
            table = pk_sql.rsplit(".", 1)[0]
            column, query = (
                ("search_pair_vector", pg_pair_tsquery(self.terms))
                if self.pairs
                else ("search_vector", pg_tsquery(self.terms))
            )
            return f"{table}.{column} @@ %s::tsquery", [*pk_params, query]
        if connection.vendor == "sqlite":
            table, query = (
                ("article_search_pairs", fts5_pair_query(self.terms))
                if self.pairs
                else ("article_search", fts5_query(self.terms))
            )
            sql = f"{pk_sql} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)"
            return sql, [*pk_params, query]
        raise NotImplementedError(f"no search index on {connection.vendor}")


def phrase_q(term: Term) -> Q:
    """Return the condition that ``term`` stands in the text as written: at a word start,
    its words in order (what the index cannot tell for a term of several words)."""
    return Q(**{f"{term.column}__contains": term.needle})


def match_q(terms: list[Term]) -> Q:
    """Return the condition that every term matches: the index, then the phrases."""
    q = Q(IndexMatch(terms))
    phrases = [term for term in terms if len(term.words) > 1]
    if phrases:
        q &= Q(IndexMatch(phrases, pairs=True))
    for term in phrases:
        q &= phrase_q(term)
    return q


def title_q(terms: list[Term]) -> Q:
    """Return the condition that the title holds every term (its own short column)."""
    q = Q()
    for term in terms:
        q &= Q(**{f"{term.title_column}__contains": term.needle})
    return q
