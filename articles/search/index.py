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

from ..text import INDEX_WORD_LENGTH, fold, word_pairs
from .query import Term


def term_pairs(term: Term) -> list[str]:
    """Return the pairs of a term of several words, folded (the phrase index holds folded
    pairs: an exact phrase's articles are among its folded phrase's)."""
    return word_pairs(" ".join(fold(word) for word in term.words))


def pg_tsquery(token_lists: list[list[str]]) -> str:
    """Return the ``tsquery`` literal: every token, the last of each list as a prefix."""
    return " & ".join(_operands(token_lists, "'{}'", "'{}':*"))


def fts5_query(token_lists: list[list[str]]) -> str:
    """Return the FTS5 query: the same tokens, quoted, the last of each list a prefix."""
    return " AND ".join(_operands(token_lists, '"{}"', '"{}"*'))


def _operands(token_lists, whole, prefix) -> list[str]:
    # Tokens are words of search_words (letters and digits) or pairs of them joined by
    # PAIR_JOINER: never a quote mark or an operator of either query language.
    operands = []
    for tokens in token_lists:
        tokens = [token[:INDEX_WORD_LENGTH] for token in tokens]  # as the index cut them
        operands.extend(whole.format(token) for token in tokens[:-1])
        operands.append(prefix.format(tokens[-1]))
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
        tokens = [term_pairs(t) if self.pairs else list(t.words) for t in self.terms]
        if connection.vendor == "postgresql":
            # "alias"."id" -> "alias"."search_vector": a column of the same table.
            table = pk_sql.rsplit(".", 1)[0]
            column = "search_pair_vector" if self.pairs else "search_vector"
            return f"{table}.{column} @@ %s::tsquery", [*pk_params, pg_tsquery(tokens)]
        if connection.vendor == "sqlite":
            table = "article_search_pairs" if self.pairs else "article_search"
            sql = f"{pk_sql} IN (SELECT rowid FROM {table} WHERE {table} MATCH %s)"
            return sql, [*pk_params, fts5_query(tokens)]
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
    for term in terms:
        # A word longer than the index keeps was looked up by its start: check it too.
        if term in phrases or any(len(word) > INDEX_WORD_LENGTH for word in term.words):
            q &= phrase_q(term)
    return q


def title_q(terms: list[Term]) -> Q:
    """Return the condition that the title holds every term (its own short column)."""
    q = Q()
    for term in terms:
        q &= Q(**{f"{term.title_column}__contains": term.needle})
    return q
