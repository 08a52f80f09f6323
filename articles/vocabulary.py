"""The one loader of every rule and vocabulary file in ``fixtures/``.

The importer, the tagger, the models' meeting series and ``load_vocabulary`` all read
their data through :func:`vocabulary`, so a new outlet, a new heading for lists of other
headlines or a new meeting series is an edit to a JSON file, read in one place:

- ``importing/outlets.json``    outlets: names, domains, lead markers, page signatures
- ``importing/furniture.json``  site furniture, headings of lists of other headlines, menus
- ``importing/labels.json``     byline, credit, interview and source labels
- ``importing/dates.json``      date-line words and the cues a year is inferred from
- ``vocabulary/meetings.json``  meeting series (the single source of truth) and catalogue
- ``vocabulary/themes.json``    themes and their aliases
- ``vocabulary/tagging.json``   when a mention becomes a tag

This module depends on nothing but :mod:`articles.text`, so every other module may import it.
"""

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from django.conf import settings

from .text import normalise_inline


def fixtures_dir() -> Path:
    return Path(settings.ARCHIVE_FIXTURES_DIR)


def read_json(relative: str, root: Path | None = None) -> dict:
    path = (root or fixtures_dir()) / relative
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def alternation(words, *, escape=True) -> str:
    """Return a regex alternation of ``words``, longest first (so "Bài và ảnh" beats "Bài")."""
    items = sorted({w for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in items)


def word_set(words) -> frozenset[str]:
    return frozenset(normalise_inline(w).casefold() for w in words)


# -- outlets -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutletInfo:
    name: str
    domain: str


_DOMAIN = re.compile(r"\b((?:[a-z0-9-]+\.)+(?:vn|net|com|org|info|gov\.vn))\b", re.IGNORECASE)


def _marker_pattern(marker: str) -> str:
    body = re.escape(marker.rstrip(" -–—")).replace(r"\ ", r"\s*")
    dash = r"\s*[-–—]+\s*" if marker.rstrip().endswith(("-", "–", "—")) else r"\s+"
    return "^" + body + dash


class OutletDirectory:
    """The outlets the importer knows, looked up by name, domain, marker or signature."""

    def __init__(self, entries: list[dict]):
        self.entries = entries
        self.by_name: dict[str, OutletInfo] = {}
        self.by_domain: dict[str, OutletInfo] = {}
        self.lead_markers: list[tuple[str, OutletInfo]] = []
        self.signatures: list[tuple[str, OutletInfo]] = []
        self.signature_patterns: list[tuple[re.Pattern, OutletInfo]] = []
        names_in_text: list[str] = []
        for entry in entries:
            info = OutletInfo(name=entry["name"], domain=entry["domain"])
            self.by_domain[info.domain] = info
            for domain in entry.get("domains", []):
                self.by_domain[domain] = info
            for name in [*entry.get("names", []), info.name, info.domain]:
                self.by_name[normalise_inline(name).casefold()] = info
                names_in_text.append(normalise_inline(name))
            for marker in entry.get("lead_markers", []):
                self.lead_markers.append((marker, info))
            for signature in entry.get("signatures", []):
                self.signatures.append((signature.casefold(), info))
            for pattern in entry.get("signature_patterns", []):
                self.signature_patterns.append((re.compile(pattern, re.IGNORECASE), info))
        # Longest marker first, so "QĐND Online -" wins over "QĐND -".
        self.lead_markers.sort(key=lambda item: -len(item[0]))
        # One pattern per marker, a " -" in it matching any dash: "TPO -", "TPO –", "TPO-".
        self._marker_res = [
            (re.compile(_marker_pattern(marker)), info) for marker, info in self.lead_markers
        ]
        self.marker_re = re.compile(
            "^(?:" + "|".join(_marker_pattern(m)[1:] for m, _ in self.lead_markers) + ")"
        )
        self._names_re = re.compile(
            r"(?<![\w.])(?:" + alternation(names_in_text) + r")(?![\w])", re.IGNORECASE
        )

    def for_domain(self, domain: str) -> OutletInfo | None:
        domain = domain.lower().strip(" ./").removeprefix("www.").removeprefix("m.")
        while domain:
            if domain in self.by_domain:
                return self.by_domain[domain]
            domain = domain.partition(".")[2]
        return None

    def for_name(self, name: str) -> OutletInfo | None:
        key = " ".join(name.split()).casefold().strip(" .:-–()")  # the text is normalised
        if key in self.by_name:
            return self.by_name[key]
        short = re.sub(r"\s+(?:điện tử|online|news|\.vn)$", "", key)
        for candidate in (short, re.sub(r"^(?:báo điện tử|báo|tạp chí|trang)\s+", "", short)):
            if candidate in self.by_name:
                return self.by_name[candidate]
        found = self.for_domain(key) if "." in key else None
        if found is None and re.fullmatch(r"[a-z0-9]{4,30}", key):
            found = self.by_domain.get(key + ".vn") or self.by_domain.get(key + ".com.vn")
        return found

    def for_marker(self, line: str) -> tuple[OutletInfo, int] | None:
        """Return the outlet whose lead marker opens ``line`` and where the lead begins."""
        if not self.marker_re.match(line):
            return None
        for pattern, info in self._marker_res:
            match = pattern.match(line)
            if match:
                return info, match.end()
        return None

    def named_in(self, text: str) -> OutletInfo | None:
        """Return the first known outlet named (by name or domain) anywhere in ``text``."""
        for match in self._names_re.finditer(text):
            info = self.for_name(match.group(0))
            if info:
                return info
        for domain in _DOMAIN.findall(text):
            info = self.for_domain(domain)
            if info:
                return info
        return None

    @staticmethod
    def domain_in(text: str) -> str | None:
        match = _DOMAIN.search(text)
        return match.group(1).lower().removeprefix("www.") if match else None


# -- furniture and labels --------------------------------------------------------------


@dataclass(frozen=True)
class Furniture:
    drop_lines: frozenset[str]
    drop_re: re.Pattern
    notice_re: re.Pattern
    page_re: re.Pattern
    inline_links: tuple[str, ...]
    stop_headings: frozenset[str]
    stop_heading_words: re.Pattern
    tag_list_headings: frozenset[str]
    section_labels: frozenset[str]
    section_words: frozenset[str]
    section_re: re.Pattern


@dataclass(frozen=True)
class Labels:
    photo_credit_labels: tuple[str, ...]
    byline_prefix_re: re.Pattern
    byline_suffix_re: re.Pattern
    agency_credit_re: re.Pattern
    author_labels: frozenset[str]
    photo_labels: frozenset[str]
    credit_labels: frozenset[str]
    credits_line_re: re.Pattern
    interview_re: re.Pattern
    interview_thanks_re: re.Pattern
    source_re: re.Pattern
    reporter_words: frozenset[str]
    archive_photo_labels: frozenset[str]


@dataclass(frozen=True, eq=False)  # hashed by identity: the date rules cache per vocabulary
class DateCues:
    lead_words: str
    line_words: frozenset[str]
    chair_year_re: re.Pattern
    not_now_re: re.Pattern
    weights: dict


@dataclass(frozen=True)
class Vocabulary:
    outlets: OutletDirectory
    furniture: Furniture
    labels: Labels
    dates: DateCues
    meetings: dict
    themes: list[dict]
    tagging: dict

    @property
    def series(self) -> list[dict]:
        """Return the meeting series (meetings.json: the one place they are defined)."""
        return self.meetings["series"]

    @cached_property
    def partnered_series(self) -> frozenset[str]:
        """The series of dialogues with a partner (every meeting's ``code`` asks: once)."""
        return frozenset(s["code"] for s in self.series if s.get("partnered"))


def _furniture(data: dict) -> Furniture:
    sections = [normalise_inline(s) for s in data["section_labels"]]
    section = alternation(sections)
    return Furniture(
        drop_lines=word_set(data["drop_lines"]),
        drop_re=re.compile("(?:" + "|".join(data["drop_patterns"]) + ")", re.IGNORECASE),
        notice_re=re.compile("(?:" + "|".join(data["notice_patterns"]) + ")", re.IGNORECASE),
        page_re=re.compile("(?:" + "|".join(data["page_patterns"]) + ")", re.IGNORECASE),
        inline_links=tuple(data["inline_links"]),
        stop_headings=word_set(data["stop_headings"]),
        stop_heading_words=re.compile(
            r"(?<!\w)(?:" + alternation(data["stop_heading_words"]) + r")(?!\w)", re.IGNORECASE
        ),
        tag_list_headings=word_set(data["tag_list_headings"]),
        section_labels=word_set(sections),
        section_words=frozenset(w for s in word_set(sections) for w in s.split()),
        # A menu: section names only, separated by spaces, bars, bullets or slashes.
        section_re=re.compile(
            # Atomic and possessive: a menu is never re-split, so a near-miss line fails fast
            # (labels made of other labels, "Thời sự quốc tế", made it exponential).
            rf"(?<!\w)(?>{section})(?:\s*[|•·/>»,\-–&]?\s*(?>{section}))*+(?!\w)\s*[|>»]?",
            re.IGNORECASE,
        ),
    )


def _labels(data: dict) -> Labels:
    credit_labels = [*data["author_labels"], *data["photo_labels"], *data["other_credit_labels"]]
    return Labels(
        photo_credit_labels=tuple(data["photo_credit_labels"]),
        byline_prefix_re=re.compile(
            r"^(?:" + alternation(data["byline_prefixes"]) + r")\s*[:.\-–]?\s+", re.IGNORECASE
        ),
        byline_suffix_re=re.compile(
            r"\s*[(\[]\s*(?:" + alternation(data["byline_suffixes"]) + r")\b[^()\[\]]{0,40}[)\]]$",
            re.IGNORECASE,
        ),
        agency_credit_re=re.compile(
            r"^\(?\s*(?:" + alternation(data["agency_credit_prefixes"]) + r")\s*:?\s+",
            re.IGNORECASE,
        ),
        author_labels=word_set(data["author_labels"]),
        photo_labels=word_set(data["photo_labels"]),
        credit_labels=word_set(credit_labels),
        credits_line_re=re.compile(
            r"^(?:" + alternation(credit_labels) + r")\s*:\s*\S", re.IGNORECASE
        ),
        interview_re=re.compile(
            r"^(?:" + alternation(data["interview_markers"]) + r")\s*[:.\-–]\s*", re.IGNORECASE
        ),
        interview_thanks_re=re.compile(data["interview_thanks"], re.IGNORECASE),
        source_re=re.compile(
            r"^\(?\s*(?:" + alternation(data["source_words"]) + r")\b\s*:?\s*", re.IGNORECASE
        ),
        reporter_words=word_set(data["reporter_words"]),
        archive_photo_labels=word_set(data["archive_photo_labels"]),
    )


def _date_cues(data: dict) -> DateCues:
    not_now = alternation(data["not_now"])
    within = alternation(data["not_now_within"])
    return DateCues(
        lead_words=alternation(data["lead_date_words"]),
        line_words=word_set(data["date_line_words"]),
        chair_year_re=re.compile(
            r"(?:" + alternation(data["chair_year"]) + r")\s+((?:19|20)\d{2})(?![\d-])",
            re.IGNORECASE,
        ),
        not_now_re=re.compile(
            rf"(?:(?<!\w)(?:{not_now})\s*(?:năm\s+)?|(?<!\w)(?:{within})\b[^.\n]{{0,40}}?)$",
            re.IGNORECASE,
        ),
        weights=data["weights"],
    )


def load_vocabulary_files(root: Path | None = None) -> Vocabulary:
    """Read every rule and vocabulary file under ``root`` (the project's fixtures/)."""
    meetings = read_json("vocabulary/meetings.json", root)
    return Vocabulary(
        outlets=OutletDirectory(read_json("importing/outlets.json", root)["outlets"]),
        furniture=_furniture(read_json("importing/furniture.json", root)),
        labels=_labels(read_json("importing/labels.json", root)),
        dates=_date_cues(read_json("importing/dates.json", root)),
        meetings=meetings,
        themes=read_json("vocabulary/themes.json", root)["themes"],
        tagging=read_json("vocabulary/tagging.json", root),
    )


@cache
def vocabulary() -> Vocabulary:
    """Return the vocabulary, read once per process."""
    return load_vocabulary_files()


def series_choices() -> list[tuple[str, str]]:
    """Return the meeting series as model choices, labelled in the interface's language."""
    from django.utils.functional import lazy
    from django.utils.translation import get_language

    def label(entry):
        return entry["label_en"] if (get_language() or "").startswith("en") else entry["label"]

    lazy_label = lazy(label, str)
    return [(entry["code"], lazy_label(entry)) for entry in vocabulary().series]


def partnered_series() -> frozenset[str]:
    return vocabulary().partnered_series
