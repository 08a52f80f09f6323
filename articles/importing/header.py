"""Stage 2: the header: headline, date line, byline, outlet marker and lead.

The headline is found by what it is, not by where it stands: scrapes often begin with a
menu, a section name or a logo line, and may print the headline twice. The lead is the
first running text (or the first sentence-shaped line after the headline); the headline
is the headline-shaped line before it, the one printed twice if there is one.
"""

import datetime
import re
from dataclasses import dataclass, field

from ..vocabulary import Vocabulary
from . import dates
from . import lines as L
from .bylines import read_byline
from .errors import ImportFailure
from .figures import caption_of
from .model import Evidence, Line, OutletVote

WEIGHT_MARKER = 3
WEIGHT_AGENCY = 1
WEIGHT_BYLINE_OUTLET = 2
# How far into the page the lead is looked for.
MAX_HEADER_LINES = 60
MIN_TITLE_WORDS = 3

# "Hà Nội, 7/4 (TTXVN) -", "Jakarta (TTXVN) –", "(TTXVN) -".
_AGENCY_DATELINE = re.compile(
    r"^(?:[^\W\d][^,()\n]{1,30}(?:,\s*(?:\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{4})?)?)?\s*)?"
    r"\((?P<agency>[^()]{2,30})\)\s*[-–—:]\s*"
)
# An unknown outlet's marker: "TPO -", "(PLO) -", "(Baonghean.vn) -".
_GENERIC_MARKER = re.compile(
    r"^\(?(?P<who>[A-ZĐ][A-ZĐ0-9&+]{1,7}O?|[A-Za-z][\w-]{1,30}\.(?:vn|com|net|org)(?:\.vn)?"
    r"|[A-Z][a-z]{3,24})\)?\s*[-–—]\s+"
)
_NOT_MARKERS = frozenset({"ASEAN", "EU", "UN", "WHO", "APEC", "RCEP", "AMM", "SOM", "EAS", "ARF"})


@dataclass
class Header:
    title: str
    lead: str
    printed_lead: str
    body_start: int  # index into the lines where the body begins
    author: str = ""
    photo_credit: str = ""
    date: datetime.date | None = None
    votes: list[OutletVote] = field(default_factory=list)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)


def read_header(lines: list[Line], vocab: Vocabulary) -> Header:
    """Return the header of a page whose furniture is gone. Raise ImportFailure if none."""
    if not lines:
        raise ImportFailure("not an article: no text left after removing site furniture")
    window = lines[:MAX_HEADER_LINES]
    dated = [dates.date_line(line.text, vocab.dates) for line in window]
    bylines = [
        read_byline(line.text, vocab) if len(line.text) <= 200 and not d else None
        for line, d in zip(window, dated, strict=True)
    ]
    lead_at = _first_paragraph(window, dated)
    if lead_at is None and not any(L.looks_like_paragraph(line.text) for line in lines):
        raise ImportFailure(
            "not an article: no running text, only headlines and short lines "
            f"(first line: “{lines[0].text[:60]}”)"
        )
    title_at = _title_index(window, dated, bylines, lead_at, vocab)
    if title_at is None:
        raise ImportFailure(
            "not an article: no headline found before the first paragraph "
            f"(first line: “{lines[0].text[:60]}”)"
        )
    header = Header(title=window[title_at].text, lead="", printed_lead="", body_start=len(lines))
    header.evidence["title"] = [Evidence("headline", window[title_at].number, header.title)]
    # A date above the headline may be the site's "today"; one under it is the article's.
    for index in range(title_at - 1, -1, -1):
        if dated[index]:
            header.date = dated[index]
            header.evidence["published_on"] = [
                Evidence("date line above the headline", window[index].number, window[index].text)
            ]
            break
    date_seen = False
    pending_marker = ""
    title_key = L.key(header.title)
    for index in range(title_at + 1, len(lines)):
        line = lines[index]
        text = line.text
        date = dated[index] if index < len(dated) else dates.date_line(text, vocab.dates)
        if date:
            if not date_seen:
                date_seen = True
                header.date = date
                header.evidence["published_on"] = [Evidence("date line", line.number, text)]
            continue
        if L.key(text) == title_key:
            continue
        if _is_marker_only(text, vocab):
            pending_marker = text
            continue
        byline = bylines[index] if index < len(bylines) else None
        if byline is None and len(text) <= 200:
            byline = read_byline(text, vocab)
        if byline and byline.is_byline and not L.looks_like_paragraph(text):
            _take_byline(header, byline, line)
            continue
        if caption_of(text, vocab) is not None and not L.looks_like_paragraph(text):
            continue
        if lead_at is not None and index < lead_at and not _is_sentence(text):
            header.evidence.setdefault("skipped", []).append(Evidence("kicker", line.number, text))
            continue
        header.printed_lead = f"{pending_marker} {text}".strip()
        header.lead = _strip_marker(header, header.printed_lead, line.number, vocab)
        header.evidence["lead"] = [Evidence("first paragraph", line.number, text[:80])]
        header.body_start = index + 1
        break
    return header


def _first_paragraph(window: list[Line], dated: list) -> int | None:
    for index, line in enumerate(window):
        if not dated[index] and L.looks_like_paragraph(line.text):
            return index
    return None


def _title_index(window, dated, bylines, lead_at, vocab) -> int | None:
    """Return the index of the headline: the headline-shaped line nearest above the lead.

    Between the two stand only date lines, bylines, captions, markers and page furniture;
    a line right under a byline is the author's affiliation, not the headline. Above the
    headline is the site's own matter (menus, section names, slogans), never read.
    """
    if lead_at is None:
        candidates = [
            i
            for i in range(len(window))
            if _could_be_title(window[i].text, dated[i], bylines[i], vocab)
        ]
        return candidates[0] if candidates else None
    for index in range(lead_at - 1, -1, -1):
        if not _could_be_title(window[index].text, dated[index], bylines[index], vocab):
            continue
        above = bylines[index - 1] if index > 0 else None
        adjacent = index > 0 and window[index - 1].number == window[index].number - 1
        if adjacent and above is not None and above.is_byline and above.author:
            continue  # "NGUYỄN THỊ MINH HÀ" / "Viện Nghiên cứu Đông Nam Á, …"
        return index
    return None


def _could_be_title(text: str, date, byline, vocab: Vocabulary) -> bool:
    if date or (byline and byline.is_byline):
        return False
    if len(text) > 300 or L.word_count(text) < MIN_TITLE_WORDS:
        return False
    if sum(ch.isalpha() for ch in text) < len(text) / 2:
        return False  # "00:00 / 03:12", counters, codes
    if text.rstrip().endswith((".", ":", ";", ",")) and not text.endswith("..."):
        return False
    if L.is_stop_heading(text, vocab) or L.urls_in(text) or L.is_menu(text, vocab):
        return False
    return caption_of(text, vocab) is None


def _is_sentence(text: str) -> bool:
    return L.word_count(text) >= 8 and text.endswith((".", "…", "”", '"', "!", ")"))


def _take_byline(header: Header, byline, line: Line):
    if byline.author and not header.author:
        header.author = byline.author
        header.evidence["author"] = [Evidence("byline", line.number, line.text)]
    header.photo_credit = header.photo_credit or byline.photo_credit
    evidence = Evidence("byline", line.number, line.text)
    header.votes.extend(OutletVote(o, WEIGHT_BYLINE_OUTLET, evidence) for o in byline.outlets)
    header.votes.extend(OutletVote(o, WEIGHT_AGENCY, evidence) for o in byline.credited)


def _is_marker_only(text: str, vocab: Vocabulary) -> bool:
    probe = text + " x"
    found = vocab.outlets.for_marker(probe)
    if found and probe[found[1] :] == "x":
        return True
    match = _AGENCY_DATELINE.match(probe)
    return bool(match and probe[match.end() :] == "x")


def _strip_marker(header: Header, lead: str, number: int, vocab: Vocabulary) -> str:
    """Return the lead without its outlet marker or agency dateline, voting for the outlet."""
    found = vocab.outlets.for_marker(lead)
    if found:
        outlet, end = found
        header.votes.append(
            OutletVote(outlet, WEIGHT_MARKER, Evidence("lead marker", number, lead[:end]))
        )
        return lead[end:].lstrip(" -–—")
    match = _AGENCY_DATELINE.match(lead)
    if match:
        for part in re.split(r"[/,]", match.group("agency")):
            outlet = vocab.outlets.for_name(part.strip())
            if outlet:
                evidence = Evidence("agency dateline", number, lead[: match.end()])
                header.votes.append(OutletVote(outlet, WEIGHT_AGENCY, evidence))
        return lead[match.end() :]
    match = _GENERIC_MARKER.match(lead)
    if match and match.group("who") not in _NOT_MARKERS:
        who = match.group("who")
        outlet = vocab.outlets.for_name(who)
        if outlet:
            evidence = Evidence("lead marker", number, lead[: match.end()])
            header.votes.append(OutletVote(outlet, WEIGHT_MARKER, evidence))
        if outlet or not who[1:].islower():
            # "TPO -", "(PLO) -": a marker even when the outlet is unknown. A capitalised
            # word ("Kinhtedothi -") only when it names a known outlet.
            return lead[match.end() :]
    return lead
