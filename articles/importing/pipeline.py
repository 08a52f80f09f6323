"""Raw scraped text -> a structured article: the importer's stages, composed.

normalise → strip furniture and lists of other headlines → header (headline, date line,
byline, outlet marker, lead) → body (paragraphs, figures, interview questions, source
lines, end bylines) → outlet (from the evidence every stage collected) → date. Each stage
is a pure function in its own module and returns what it found with its evidence.
"""

from ..tagging import MeetingCatalogue, meeting_catalogue
from ..text import normalise, normalise_tones
from ..vocabulary import Vocabulary, vocabulary
from . import dates
from .body import read_body
from .errors import ImportFailure
from .furniture import strip_furniture
from .header import read_header
from .model import Evidence, ParsedArticle
from .outlet import choose_outlet, credit_votes

# An article whose lead is this long may have no further paragraph.
MIN_LEAD_WITHOUT_BODY = 200


def parse_article(
    text: str, *, vocab: Vocabulary | None = None, catalogue: MeetingCatalogue | None = None
) -> ParsedArticle:
    """Parse raw article text. Raise ImportFailure when it is not an article."""
    vocab = vocab or vocabulary()
    catalogue = catalogue or meeting_catalogue()
    stripped = strip_furniture(normalise(text).split("\n"), vocab)
    header = read_header(stripped.lines, vocab)
    body = read_body(
        stripped.lines[header.body_start :], title=header.title, lead=header.lead, vocab=vocab
    )
    if not body.paragraphs and len(header.lead) < MIN_LEAD_WITHOUT_BODY:
        raise ImportFailure("not an article: no body paragraphs after the headline")
    credit = header.photo_credit or body.photo_credit
    for figure in body.figures:
        figure.credit = figure.credit or credit
    votes = [*stripped.votes, *header.votes, *body.votes, *credit_votes(body.figures, vocab)]
    outlet, outlet_evidence = choose_outlet(votes)
    article = ParsedArticle(
        title=header.title,
        lead=header.lead,
        paragraphs=body.paragraphs,
        author=header.author or body.author,
        outlet=outlet,
        source_url=body.source_url,
        figures=body.figures,
        printed_lead=header.printed_lead,
        evidence={**body.evidence, **header.evidence, "outlet": outlet_evidence},
    )
    if not header.author and body.author:
        article.evidence["author"] = body.evidence.get("author", [])
    article.published_on = header.date or body.date
    if article.published_on is None:
        article.published_on = _date_from_text(article, vocab, catalogue)
    if article.published_on is None:
        article.warnings.append("no publication date found")
    if article.outlet is None:
        article.warnings.append("outlet not recognised: no source line, marker or signature")
    return article


def _date_from_text(article: ParsedArticle, vocab: Vocabulary, catalogue: MeetingCatalogue):
    cues = vocab.dates
    found = dates.day_month_in(article.printed_lead, cues)
    where = "lead"
    if not found:
        for paragraph in article.paragraphs[:2]:
            found = dates.day_month_in(paragraph, cues)
            if found:
                where = "body"
                break
    if not found:
        return None
    day, month, year = found
    if year is None:
        year = _infer_year(article, month, vocab, catalogue)
    if year is None:
        return None
    date = dates.valid_date(year, month, day)
    if date:
        article.evidence["published_on"] = [Evidence(f"day in the {where}, year inferred", 0, "")]
    return date


def _infer_year(article, month, vocab, catalogue) -> int | None:
    text = normalise_tones(article.own_text())
    head = normalise_tones(f"{article.title}\n{article.lead}")
    weights = vocab.dates.weights
    found = []
    for part, weight in ((head, weights["meeting_in_head"]), (text, weights["meeting_in_text"])):
        for mention in catalogue.mentions(part):
            year = catalogue.known_year(mention.series, mention.number, mention.partner)
            if year:
                found.append((year, weight))
    return dates.infer_year(text, month, vocab.dates, found)
