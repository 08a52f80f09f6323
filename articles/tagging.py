"""Text -> meetings and themes, from the vocabularies kept in fixtures/vocabulary/.

Pure functions: the caller passes the text and the vocabulary, nothing touches the
database. Meetings come from the catalogue's phrases ("Hội nghị Bộ trưởng Ngoại giao
ASEAN lần thứ 54", "AMM-54", "SOM ASEAN"); themes from their aliases.
"""

import datetime
import re
from dataclasses import dataclass
from functools import cache

from .importing.rules import read_json
from .text import normalise_tones, slugify_vi

_SENTENCE_END = re.compile(r"[.!?\n]")
_SENTENCE_YEAR = re.compile(r"(?<![\d/])(?:\d{1,2}\s*[-–]\s*)?\d{1,2}\s*/\s*((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class MeetingRef:
    series: str
    number: int | None
    year: int
    partner: str
    name: str
    slug: str
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    place: str = ""

    def as_dict(self):
        return {
            "name": self.name,
            "slug": self.slug,
            "series": self.series,
            "number": self.number,
            "year": self.year,
        }


@dataclass(frozen=True)
class ThemeRef:
    slug: str
    name: str

    def as_dict(self):
        return {"name": self.name, "slug": self.slug}


@dataclass(frozen=True)
class Mention:
    series: str
    number: int | None
    partner: str
    start: int
    end: int


class MeetingCatalogue:
    """The meeting series, the phrases naming them and the meetings of known date."""

    def __init__(self, data: dict):
        self.series = {}
        self.patterns = []
        self._partner_of = {}
        for entry in data["series"]:
            self.series[entry["code"]] = entry
            partners = entry.get("partners", {})
            for canonical, aliases in partners.items():
                for alias in aliases:
                    self._partner_of[normalise_tones(alias).casefold()] = canonical
            alternation = "|".join(
                sorted(
                    (re.escape(normalise_tones(a)) for al in partners.values() for a in al),
                    key=len,
                    reverse=True,
                )
            )
            for pattern in entry["patterns"]:
                pattern = normalise_tones(pattern).replace("{partner}", alternation)
                self.patterns.append((entry["code"], re.compile(pattern, re.IGNORECASE)))
        self.known = {}
        for meeting in data["meetings"]:
            key = (meeting["series"], meeting.get("number"), meeting.get("partner", ""))
            self.known[key] = meeting

    def mentions(self, text: str) -> list[Mention]:
        """Return every meeting named in ``text`` (tone-normalised), in order of appearance."""
        found = []
        for code, pattern in self.patterns:
            for match in pattern.finditer(text):
                groups = match.groupdict()
                partner = ""
                if groups.get("partner"):
                    partner = self._partner_of.get(groups["partner"].casefold(), groups["partner"])
                numbers = re.findall(r"\d+", groups.get("numbers") or "")
                for number in numbers or [None]:
                    found.append(
                        Mention(
                            code,
                            int(number) if number else None,
                            partner,
                            match.start(),
                            match.end(),
                        )
                    )
        found.sort(key=lambda m: m.start)
        return found

    def known_year(self, series: str, number: int | None, partner: str = "") -> int | None:
        """Return the year of a numbered meeting from the catalogue or the series' rule."""
        if number is None:
            return None
        known = self.known.get((series, number, partner))
        if known:
            return known["year"]
        rule = self.series[series].get("year_rule")
        if rule and number >= rule.get("from", 1):
            return rule["base"] + number // rule.get("per_year", 1)
        return None

    def resolve(self, mention: Mention, text: str, article_year: int | None) -> MeetingRef | None:
        """Return the meeting a mention names, or None when its year cannot be told.

        A numbered meeting whose sentence dates it to another year than the catalogue
        does ("EAS lần thứ 11 … tháng 8/2021", a ministers' meeting, not the 2016
        summit) is left out rather than tagged wrongly.
        """
        series = self.series[mention.series]
        year = self.known_year(mention.series, mention.number, mention.partner)
        sentence_years = set(self._sentence_years(text, mention))
        if year is not None and sentence_years and year not in sentence_years:
            return None
        if year is None:
            year = min(sentence_years) if len(sentence_years) == 1 else article_year
        if year is None:
            return None
        if series["numbered"] and mention.number is None:
            return None
        values = {"number": mention.number, "year": year, "partner": mention.partner}
        known = self.known.get((mention.series, mention.number, mention.partner), {})
        slug_values = {**values, "partner": slugify_vi(mention.partner)}
        return MeetingRef(
            series=mention.series,
            number=mention.number,
            year=year,
            partner=mention.partner,
            name=series["name_template"].format(**values),
            slug=series["slug_template"].format(**slug_values),
            start_date=_date(known.get("start_date")),
            end_date=_date(known.get("end_date")),
            place=known.get("place", ""),
        )

    def _sentence_years(self, text, mention):
        start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, mention.start)), default=0)
        end_match = _SENTENCE_END.search(text, mention.end)
        end = end_match.start() if end_match else len(text)
        # A full stop inside "8/2021." ends the sentence after the year, so include it.
        sentence = text[start : end + 1]
        return [int(y) for y in _SENTENCE_YEAR.findall(sentence)]


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


@cache
def meeting_catalogue() -> MeetingCatalogue:
    return MeetingCatalogue(read_json("vocabulary/meetings.json"))


def theme_vocabulary_from_fixtures() -> list[dict]:
    return read_json("vocabulary/themes.json")["themes"]


class ThemeMatcher:
    """Find themes by their aliases. An alias in capitals ("COC") matches only capitals."""

    def __init__(self, themes: list[dict]):
        self.themes = []
        for theme in themes:
            patterns = [_alias_pattern(alias) for alias in theme.get("aliases", [])]
            patterns.append(_alias_pattern(theme["name"]))
            self.themes.append((ThemeRef(slug=theme["slug"], name=theme["name"]), patterns))

    def find(self, text: str) -> list[ThemeRef]:
        return [ref for ref, patterns in self.themes if any(p.search(text) for p in patterns)]


def _alias_pattern(alias: str) -> re.Pattern:
    alias = normalise_tones(alias.strip())
    body = re.escape(re.sub(r"\s*[-–]\s*", "-", alias))
    body = body.replace(r"\ ", r"\s+").replace(r"\-", r"\s*[-–]\s*")
    # An alias in capitals is an acronym: "DOC" is not "doc".
    flags = 0 if alias.upper() == alias and any(c.isalpha() for c in alias) else re.IGNORECASE
    return re.compile(rf"(?<!\w){body}(?!\w)", flags)


def tag_text(
    text: str,
    *,
    article_year: int | None,
    themes: ThemeMatcher,
    catalogue: MeetingCatalogue | None = None,
) -> tuple[list[MeetingRef], list[ThemeRef]]:
    """Return the meetings and themes named in ``text`` (an article's own words only)."""
    catalogue = catalogue or meeting_catalogue()
    text = normalise_tones(text)
    meetings = {}
    for mention in catalogue.mentions(text):
        ref = catalogue.resolve(mention, text, article_year)
        if ref is not None and ref.slug not in meetings:
            meetings[ref.slug] = ref
    return list(meetings.values()), themes.find(text)
