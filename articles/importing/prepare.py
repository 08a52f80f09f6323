"""One input file -> everything the archive needs to save it, without the database.

``prepare`` decodes, parses and tags a file and hashes its text. It is pure (no ORM), so
the import command runs it in worker processes and writes the results in batches.
"""

from dataclasses import dataclass, field

from ..tagging import Proposal, ThemeMatcher, tag_article
from ..text import hash_normalised, normalise, search_columns
from .decode import decode_input
from .errors import ImportFailure
from .model import ParsedArticle
from .pipeline import parse_article


@dataclass
class Prepared:
    """A parsed and tagged input, or the reason it cannot be imported."""

    source_file: str
    text: str = ""
    content_hash: str = ""
    parsed: ParsedArticle | None = None
    meetings: list[Proposal] = field(default_factory=list)
    themes: list[Proposal] = field(default_factory=list)
    error: str = ""
    search_columns: tuple[str, str, str, str] = ("", "", "", "")


def prepare(
    data: bytes, source_file: str, *, themes: ThemeMatcher, max_bytes: int | None = None
) -> Prepared:
    """Decode, parse and tag one file. Errors come back in ``error``, never raised."""
    result = Prepared(source_file=source_file)
    try:
        text = decode_input(data, max_bytes=max_bytes)
        normalised = normalise(text)  # once, for the parser and the hash
        parsed = parse_article(normalised)
    except ImportFailure as exc:
        result.error = str(exc)
        return result
    year = parsed.published_on.year if parsed.published_on else None
    tags = tag_article(parsed.parts(), article_year=year, themes=themes)
    result.text = text
    result.content_hash = hash_normalised(normalised)
    result.parsed = parsed
    result.meetings, result.themes = tags.meetings, tags.themes
    # Computed here, in the worker, not in the process that writes to the database.
    result.search_columns = search_columns(parsed.title, parsed.lead, parsed.body)
    return result
