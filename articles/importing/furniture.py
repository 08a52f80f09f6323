"""Stage 1: strip site furniture and lists of other headlines from a page's lines.

Furniture is what every page of an outlet carries: menus and section names, logo lines,
share bars, counters, app prompts, comment boxes, copyright lines. Lists of other
headlines come under a heading ("Tin liên quan", "Đọc thêm"): at the end of the page, or
as a box in the middle of the article, after which the article goes on. Lines that name
the outlet (its logo, its copyright line, its "follow us" prompt) are kept as evidence.
"""

import re
from dataclasses import dataclass, field

from ..vocabulary import OutletInfo, Vocabulary
from . import lines as L
from .model import Evidence, Line, OutletVote

_LOGO_SPLIT = re.compile(r"\s+[-–|•]\s+")
# How much each kind of furniture line tells about whose page it is.
WEIGHT_SIGNATURE = 3
WEIGHT_LOGO = 4
WEIGHT_PAGE_LINE = 4
WEIGHT_SIGNATURE_PATTERN = 1
WEIGHT_UNKNOWN_DOMAIN = 2
# A box of other headlines in the middle of an article holds at most this many.
MAX_BOX_HEADLINES = 6


@dataclass
class Stripped:
    lines: list[Line]
    votes: list[OutletVote] = field(default_factory=list)
    removed: list[Evidence] = field(default_factory=list)


def strip_furniture(raw_lines: list[str], vocab: Vocabulary) -> Stripped:
    """Return the page's non-empty lines without furniture, then without lists of headlines."""
    result = Stripped(lines=[])
    for number, text in enumerate(raw_lines, start=1):
        if not text:
            continue
        rule = _furniture_rule(text, number, vocab, result.votes)
        if rule:
            result.removed.append(Evidence(rule, number, text))
        else:
            result.lines.append(Line(number, text))
    result.lines = cut_headline_lists(result.lines, vocab, result.removed)
    return result


def _furniture_rule(text: str, number: int, vocab: Vocabulary, votes: list) -> str:
    """Return the furniture rule ``text`` falls under ('' when it is not furniture)."""
    outlets = vocab.outlets
    folded = text.casefold()
    for signature, outlet in outlets.signatures:
        if signature in folded:
            votes.append(_vote(outlet, WEIGHT_SIGNATURE, "signature", number, text))
            if len(text) <= len(signature) + 40:
                return "signature"
    if len(text) > 300:
        return ""
    for pattern, outlet in outlets.signature_patterns:
        if pattern.fullmatch(text):
            votes.append(_vote(outlet, WEIGHT_SIGNATURE_PATTERN, "signature line", number, text))
    if L.is_page_line(text, vocab):
        outlet = outlets.named_in(text)
        if outlet:
            votes.append(_vote(outlet, WEIGHT_PAGE_LINE, "page line", number, text))
        else:
            domain = outlets.domain_in(text)
            if domain:
                unknown = OutletInfo(name=domain, domain=domain)
                votes.append(_vote(unknown, WEIGHT_UNKNOWN_DOMAIN, "page line", number, text))
        return "page line"
    if L.is_furniture(text, vocab):
        return "furniture"
    if len(text) <= 80 and L.word_count(text) <= 10:
        outlet = outlets.for_name(text) or outlets.for_name(_LOGO_SPLIT.split(text)[0])
        if outlet and not text.casefold().startswith(("theo", "nguồn")):
            votes.append(_vote(outlet, WEIGHT_LOGO, "logo line", number, text))
            return "logo"
    if L.is_menu(text, vocab):
        return "menu"
    if L.is_breadcrumb(text):
        return "breadcrumb"
    return ""


def _vote(outlet: OutletInfo, weight: int, rule: str, number: int, text: str) -> OutletVote:
    return OutletVote(outlet, weight, Evidence(rule, number, text))


def cut_headline_lists(lines: list[Line], vocab: Vocabulary, removed: list) -> list[Line]:
    """Remove lists of other headlines once the article has begun.

    A list runs to the end of the page, unless it is a box of a few headlines in the middle
    of the article, after which two paragraphs of running text show the article going on.
    """
    kept: list[Line] = []
    started = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if started and L.tag_list_heading(line.text, vocab):
            removed.extend(Evidence("tag list", x.number, x.text) for x in lines[index:])
            break
        if started and L.is_stop_heading(line.text, vocab):
            following = lines[index + 1].text if index + 1 < len(lines) else ""
            if L.looks_like_paragraph(following):
                # Running text right under it: a subheading ("Kết quả nổi bật nhất"), or a
                # lone heading whose list the scrape lost; no list to cut.
                if line.text.strip(" :").casefold() in vocab.furniture.stop_headings:
                    removed.append(Evidence("heading without a list", line.number, line.text))
                else:
                    kept.append(line)
                index += 1
                continue
            resume = _body_after_box(lines, index, vocab)
            end = len(lines) if resume is None else resume
            removed.extend(Evidence("headline list", x.number, x.text) for x in lines[index:end])
            if resume is None:
                break
            index = resume
            continue
        started = started or L.looks_like_paragraph(line.text)
        kept.append(line)
        index += 1
    return kept


def _body_after_box(lines: list[Line], heading: int, vocab: Vocabulary) -> int | None:
    """Return where the article resumes after a box of headlines, or None (the page ended)."""
    index, headlines = heading + 1, 0
    while index < len(lines) and headlines <= MAX_BOX_HEADLINES:
        text = lines[index].text
        if L.looks_like_paragraph(text):
            break
        if L.is_stop_heading(text, vocab) or not L.looks_like_headline(text):
            return None
        headlines += 1
        index += 1
    if not headlines or headlines > MAX_BOX_HEADLINES or index >= len(lines):
        return None
    # Teaser cards alternate headline and summary; an article goes on paragraph after
    # paragraph, or with its last paragraphs and nothing headline-shaped after them.
    rest = [line.text for line in lines[index:]]
    if not L.looks_like_paragraph(rest[0]):
        return None
    # Up to the next heading, an article has several paragraphs to a subheading; teaser
    # cards have a summary to each headline.
    paragraphs = headlines = 0
    for text in rest:
        if L.is_stop_heading(text, vocab) or L.tag_list_heading(text, vocab):
            break
        if L.looks_like_paragraph(text):
            paragraphs += 1
        elif L.looks_like_headline(text):
            headlines += 1
    return index if paragraphs >= 2 * headlines else None
