"""Stage 3: the body: paragraphs, figures, interview questions, source lines, end bylines.

- A photo caption is a line carrying a credit, a line followed by a lone credit line, or a
  line printed twice (under the photo, then as its alt text); it becomes a figure.
- Every other repeated line is kept once.
- Source lines give the source URL and outlet and leave the body.
- Bylines, an outlet's signature and unlabelled headlines of other articles at the very
  end are dropped (the byline kept as the author).
- An interview keeps its questions apart: each starts with "PV: ".
"""

import re
from dataclasses import dataclass, field

from .. import source_url
from ..vocabulary import Vocabulary
from . import dates
from . import lines as L
from .bylines import read_byline, read_credits
from .figures import caption_of, is_lone_credit, looks_like_caption
from .model import QUESTION_PREFIX, Evidence, Line, OutletVote, ParsedFigure
from .source import read_source_line

WEIGHT_SOURCE_URL = 3
WEIGHT_SOURCE_NAME = 2
WEIGHT_END_SIGNATURE = 1
MAX_QUESTION = 400
MAX_TWO_LINE_CAPTION = 250
_SIGNATURE_IN_PARENS = re.compile(r"^\(\s*([^()]{2,40})\s*\)$")


@dataclass
class Body:
    paragraphs: list[str] = field(default_factory=list)
    figures: list[ParsedFigure] = field(default_factory=list)
    author: str = ""
    photo_credit: str = ""
    source_url: str = ""
    date: object = None
    votes: list[OutletVote] = field(default_factory=list)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)


def read_body(lines: list[Line], *, title: str, lead: str, vocab: Vocabulary) -> Body:
    """Return the body of the lines after the lead."""
    body = Body()
    items: list[tuple[str, object, Line]] = []  # ("p", text, line) or ("fig", figure, line)
    title_key = L.key(title)
    seen = {title_key, L.key(lead)}
    placeholders = sum(1 for line in lines if L.key(line.text) == title_key)
    after_placeholder = False
    # A bare link to an unknown site is the source only after the last paragraph.
    last_paragraph = max(
        (i for i, line in enumerate(lines) if L.looks_like_paragraph(line.text)), default=-1
    )
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text
        index += 1
        nxt = lines[index].text if index < len(lines) else ""
        if _source(body, line, vocab, at_end=index > last_paragraph):
            continue
        if len(text) <= 120:
            date = dates.date_line(text, vocab.dates, strict=True)
            if date:
                body.date = body.date or date
                continue
            if vocab.labels.credits_line_re.match(text) and "|" in text:
                credits = read_credits(text, vocab)
                if credits.is_byline:
                    body.author = body.author or credits.author
                    body.photo_credit = body.photo_credit or credits.photo_credit
                    continue
        text_key = L.key(text)
        if text_key == title_key:
            after_placeholder = placeholders >= 2
            continue
        figure = caption_of(text, vocab)
        if figure is not None:
            _add_figure(items, figure, line)
            if L.key(nxt) == text_key:
                index += 1
            after_placeholder = False
            continue
        if nxt and len(text) <= MAX_TWO_LINE_CAPTION and len(text.split()) >= 4:
            credit = caption_of(nxt, vocab)
            if is_lone_credit(credit) and text_key not in seen:
                # A caption, then its credit on a line of its own.
                _add_figure(items, ParsedFigure(caption=text, credit=credit.credit), line)
                seen.add(text_key)
                index += 1
                continue
        if L.key(nxt) == text_key and len(text) <= 400 and text_key not in seen:
            # A caption printed twice: under the photo, then again as its alt text.
            _add_figure(items, ParsedFigure(caption=text), line)
            seen.add(text_key)
            index += 1
            continue
        if after_placeholder and looks_like_caption(text):
            _add_figure(items, ParsedFigure(caption=text), line)
            after_placeholder = False
            continue
        after_placeholder = False
        if text_key in seen:
            continue
        seen.add(text_key)
        items.append(("p", text, line))
    _drop_trailing_furniture(body, items, vocab)
    body.paragraphs = mark_interview([value for kind, value, _ in items if kind == "p"], vocab)
    body.figures = [value for kind, value, _ in items if kind == "fig"]
    return body


def _source(body: Body, line: Line, vocab: Vocabulary, *, at_end: bool) -> bool:
    source = read_source_line(line.text, vocab)
    if source is None or not (source.certain or at_end):
        return False  # a link in the text ("Toàn văn Tuyên bố: https://asean.org/…") stays
    evidence = Evidence("source line", line.number, line.text)
    # Stored as a URI, mended where it can be ("a|b" → "a%7Cb"); one that cannot (no host,
    # too long) is not kept, the line still says who the source is.
    url = source_url.lenient(source.url)
    if url and not body.source_url:
        body.source_url = url
        body.evidence["source_url"] = [evidence]
    if source.url_outlet:
        body.votes.append(OutletVote(source.url_outlet, WEIGHT_SOURCE_URL, evidence))
    for outlet in source.outlets:
        body.votes.append(OutletVote(outlet, WEIGHT_SOURCE_NAME, evidence))
    return True


def _add_figure(items, figure: ParsedFigure, line: Line):
    # "(Ảnh: Duy Quang)" alone, then the caption with the same credit: one photo.
    if items and items[-1][0] == "fig":
        previous = items[-1][1]
        if not previous.caption and (previous.credit == figure.credit or not figure.credit):
            figure.credit = figure.credit or previous.credit
            items[-1] = ("fig", figure, line)
            return
        if figure.caption == "" and previous.caption and not previous.credit:
            previous.credit = figure.credit
            return
    items.append(("fig", figure, line))


def _drop_trailing_furniture(body: Body, items, vocab: Vocabulary):
    """Drop bylines, signatures and unlabelled headlines of other articles at the end."""
    while items and items[-1][0] == "p":
        text, line = items[-1][1], items[-1][2]
        byline = read_byline(text, vocab) if len(text) <= 200 else None
        if byline and byline.is_byline:
            if byline.author and not body.author:
                body.author = byline.author
                body.evidence["author"] = [Evidence("end byline", line.number, text)]
            body.photo_credit = body.photo_credit or byline.photo_credit
            evidence = Evidence("end byline", line.number, text)
            body.votes.extend(OutletVote(o, WEIGHT_SOURCE_NAME, evidence) for o in byline.outlets)
            body.votes.extend(
                OutletVote(o, WEIGHT_END_SIGNATURE, evidence) for o in byline.credited
            )
            items.pop()
            continue
        signature = _SIGNATURE_IN_PARENS.match(text)
        if signature:
            outlet = vocab.outlets.for_name(signature.group(1))
            if outlet:
                evidence = Evidence("end signature", line.number, text)
                body.votes.append(OutletVote(outlet, WEIGHT_END_SIGNATURE, evidence))
            items.pop()
            continue
        paragraphs = sum(1 for kind, _, _ in items if kind == "p")
        if L.looks_like_headline(text) and not text.endswith(("?", "!")) and paragraphs > 1:
            items.pop()
            continue
        break


def mark_interview(paragraphs: list[str], vocab: Vocabulary) -> list[str]:
    """Prefix an interview's questions with "PV: " so they stay told apart."""
    labels = vocab.labels
    marked = [labels.interview_re.sub(QUESTION_PREFIX, p, count=1) for p in paragraphs]
    questions = [
        i
        for i, p in enumerate(marked[:-1])
        if p.endswith("?") and len(p) <= MAX_QUESTION and not marked[i + 1].endswith("?")
    ]
    if len(questions) < 2 and not any(p.startswith(QUESTION_PREFIX) for p in marked):
        return marked
    for i in questions:
        if not marked[i].startswith(QUESTION_PREFIX):
            marked[i] = QUESTION_PREFIX + marked[i]
    if marked and labels.interview_thanks_re.match(marked[-1]):
        marked[-1] = QUESTION_PREFIX + marked[-1]
    return marked
