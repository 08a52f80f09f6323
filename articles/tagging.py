"""An article's words -> the meetings and themes it is about, each with its evidence.

Pure functions over text and the vocabulary (``articles.vocabulary``): nothing here touches
the database, and nothing here imports the importer. Every proposed tag carries the alias
that matched and the sentence it stands in, so an editor sees why it was proposed.

The rules (their thresholds are data, fixtures/vocabulary/tagging.json):

- A theme is tagged when the article is about it: named in the title or lead, or discussed
  in a body sentence. A mention that is one item of an enumeration of many areas ("hợp tác
  y tế, giáo dục, năng lượng, chuyển đổi số…") counts only a fraction, and so does a photo
  caption: such passing mentions alone do not make a tag.
- A meeting is tagged when the article reports on it: named in the title or lead, or in the
  body or a caption unless it was held in an earlier year than the article's (a background
  sentence, an archive photo). A job title ("Trưởng SOM ASEAN Việt Nam") is not a meeting.
"""

import bisect
import datetime
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .text import normalise_tones, slugify_vi
from .vocabulary import vocabulary

PLACES = ("title", "lead", "body", "caption")
HEAD_PLACES = ("title", "lead")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n")
_SENTENCE_YEAR = re.compile(r"(?<![\d/])(?:\d{1,2}\s*[-–]\s*)?\d{1,2}\s*/\s*((?:19|20)\d{2})(?!\d)")
_LIST_SPLIT = re.compile(r"\s*[,;]\s*|\s+(?:và|hay|hoặc|cùng)\s+|…|\.\.\.")
_LIST_OPENER = re.compile(
    r"\s*(?:như|gồm|bao gồm|nhất là|đặc biệt là|trong đó có|cụ thể là)(?!\w)", re.I
)
# An enumeration's items are short; a clause of more words is running text.
MAX_LIST_ITEM_WORDS = 6
_WORDS_WINDOW = 400  # characters enough to count MAX_LIST_ITEM_WORDS + 1 words
MAX_EVIDENCE = 240
MAX_EVIDENCE_ITEMS = 3
MAX_EVIDENCE_KEPT = 30  # per tag: enough to choose the best few from, bounded on huge pages
_WORD = re.compile(r"\w+")
# What may stand between two words of an alias: spaces, hyphens, dashes, commas.
_JOINERS = " \t-–—,"


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

    @property
    def identity(self) -> tuple:
        """Return what makes a meeting itself, whatever its name or slug."""
        if self.number is None:
            return (self.series, None, self.partner, self.year)
        return (self.series, self.number, self.partner, None)


@dataclass(frozen=True)
class ThemeRef:
    slug: str
    name: str

    def as_dict(self):
        return {"name": self.name, "slug": self.slug}


@dataclass(frozen=True)
class Evidence:
    """The alias that matched, the sentence it is in, and where that sentence stands."""

    alias: str
    sentence: str
    place: str

    def as_dict(self):
        return {"alias": self.alias, "sentence": self.sentence, "place": self.place}


@dataclass
class Proposal:
    """A tag the tagger proposes, with the evidence for it."""

    ref: MeetingRef | ThemeRef
    evidence: list[Evidence] = field(default_factory=list)
    score: float = 0.0

    def evidence_dicts(self) -> list[dict]:
        """Return the first few pieces of evidence, as stored beside the tag."""
        chosen, sentences = [], set()
        for evidence in self.evidence:
            if evidence.sentence not in sentences:  # one sentence shown once
                sentences.add(evidence.sentence)
                chosen.append(evidence.as_dict())
            if len(chosen) == MAX_EVIDENCE_ITEMS:
                break
        return chosen

    def as_dict(self):
        return {**self.ref.as_dict(), "evidence": self.evidence_dicts()}


@dataclass(frozen=True)
class Mention:
    series: str
    number: int | None
    partner: str
    start: int
    end: int


class Sentences:
    """The sentences of a text, found once; each lookup is a binary search (no rescans)."""

    def __init__(self, text: str):
        self.text = text
        self.ends = [m.end() for m in _SENTENCE_END.finditer(text)]

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.ends, start)
        lo = self.ends[i - 1] if i else 0
        j = bisect.bisect_left(self.ends, end)
        hi = self.ends[j] if j < len(self.ends) else len(self.text)
        return lo, hi


class MeetingCatalogue:
    """The meeting series, the phrases naming them and the meetings of known date."""

    def __init__(self, data: dict, rules: dict | None = None):
        rules = rules or {}
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
            triggers = tuple(normalise_tones(t).casefold() for t in entry.get("triggers", []))
            for pattern in entry["patterns"]:
                pattern = normalise_tones(pattern).replace("{partner}", alternation)
                self.patterns.append((entry["code"], re.compile(pattern, re.IGNORECASE), triggers))
        self.known = {}
        for meeting in data["meetings"]:
            key = (meeting["series"], meeting.get("number"), meeting.get("partner", ""))
            self.known[key] = meeting
        titles = rules.get("job_titles", [])
        self._job_title = (
            re.compile(
                r"(?:^|[^\w])(?:"
                + "|".join(re.escape(normalise_tones(t)) for t in sorted(titles, key=len)[::-1])
                + r")\s+$"
            )
            if titles
            else None
        )
        self.earlier_is_background = rules.get("earlier_year_is_background", True)

    def mentions(self, text: str) -> list[Mention]:
        """Return every meeting named in ``text`` (tone-normalised), in order of appearance."""
        found = []
        folded = text.casefold()
        if len(folded) != len(text):  # casefolding changed a length: offsets would not agree
            folded = None
        windows: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        for code, pattern, triggers in self.patterns:
            if triggers and folded is not None:
                if triggers not in windows:
                    windows[triggers] = _windows(folded, triggers)
                spans = windows[triggers]  # run the patterns only around their key words
            else:
                spans = [(0, len(text))]
            matches = (m for lo, hi in spans for m in pattern.finditer(text, lo, hi))
            for match in matches:
                if self._after_job_title(text, match.start()):
                    continue
                groups = match.groupdict()
                partner = ""
                if groups.get("partner"):
                    partner = self._partner_of.get(groups["partner"].casefold(), groups["partner"])
                numbers = [n for n in re.findall(r"\d+", groups.get("numbers") or "") if int(n) > 0]
                if groups.get("numbers") and not numbers:
                    continue  # "lần thứ 0" names no meeting
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

    def _after_job_title(self, text: str, start: int) -> bool:
        return bool(self._job_title and self._job_title.search(text, max(0, start - 30), start))

    def known_year(self, series: str, number: int | None, partner: str = "") -> int | None:
        """Return the year of a numbered meeting from the catalogue or the series' rule."""
        if number is None or series not in self.series:
            return None
        known = self.known.get((series, number, partner))
        if known:
            return known["year"]
        rule = self.series[series].get("year_rule")
        if rule and number >= rule.get("from", 1):
            return rule["base"] + number // rule.get("per_year", 1)
        return None

    def resolve(
        self, mention: Mention, sentence: str, article_year: int | None
    ) -> MeetingRef | None:
        """Return the meeting a mention names, or None when its year cannot be told.

        A numbered meeting whose sentence dates it to another year than the catalogue
        does ("EAS lần thứ 11 … tháng 8/2021", a ministers' meeting, not the 2016
        summit) is left out rather than tagged wrongly.
        """
        series = self.series[mention.series]
        year = self.known_year(mention.series, mention.number, mention.partner)
        sentence_years = _sentence_years(sentence)
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


# A meeting's phrase reaches at most this far from its key word.
TRIGGER_REACH = 160


def _windows(folded: str, triggers: tuple[str, ...]) -> list[tuple[int, int]]:
    """Return the merged spans of ``folded`` within reach of any trigger word."""
    spans = []
    for trigger in triggers:
        at = folded.find(trigger)
        while at != -1:
            spans.append((max(0, at - TRIGGER_REACH), at + len(trigger) + TRIGGER_REACH))
            at = folded.find(trigger, at + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


@cache
def meeting_catalogue() -> MeetingCatalogue:
    vocab = vocabulary()
    return MeetingCatalogue(vocab.meetings, vocab.tagging.get("meetings"))


def theme_vocabulary_from_fixtures() -> list[dict]:
    return vocabulary().themes


class ThemeMatcher:
    """Find themes by their aliases, in one pass over the text.

    An alias in capitals ("COC") matches only capitals; others ignore case. Hyphens and
    spaces match loosely, old and new tone placement alike.
    """

    def __init__(self, themes: list[dict], rules: dict | None = None):
        self.rules = {**_default_theme_rules(), **(rules or {})}
        self.refs: list[ThemeRef] = []
        # Aliases as word sequences, indexed by their first word: matching walks the text's
        # words once, whatever the number of aliases. Hyphens and spaces between words are
        # alike ("Timor-Leste", "Timor – Leste"); an alias in capitals matches capitals only.
        self._by_first: dict[str, list[tuple]] = {}  # first word -> (words, exact, theme, joiners)
        for index, theme in enumerate(themes):
            self.refs.append(ThemeRef(slug=theme["slug"], name=theme["name"]))
            for alias in [*theme.get("aliases", []), theme["name"]]:
                words = tuple(_WORD.findall(normalise_tones(alias.strip())))
                if not words:
                    continue
                exact = words if _is_acronym(alias) else None
                folded = tuple(w.casefold() for w in words)
                # A comma may stand between the words only if the alias has one.
                joiners = _JOINERS if "," in alias else _JOINERS.replace(",", "")
                self._by_first.setdefault(folded[0], []).append((folded, exact, index, joiners))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))

    def mentions(self, text: str):
        """Yield (theme index, alias, start, end) for every alias found in ``text``."""
        words = list(_WORD.finditer(text))
        folded = _WORD.findall(text.casefold())
        if len(folded) != len(words):  # casefolding changed a word's letters ("ß")
            folded = [m.group().casefold() for m in words]
        by_first = self._by_first
        n = len(words)
        after = 0  # matches do not overlap
        for i in [i for i, word in enumerate(folded) if word in by_first]:
            if i < after:
                continue
            for alias, exact, index, joiners in by_first[folded[i]]:
                k = len(alias)
                if i + k > n or (k > 1 and tuple(folded[i : i + k]) != alias):
                    continue
                if exact is not None and tuple(m.group() for m in words[i : i + k]) != exact:
                    continue
                if any(
                    text[words[j].end() : words[j + 1].start()].strip(joiners)
                    for j in range(i, i + k - 1)
                ):
                    continue  # the words are not next to each other
                start, end = words[i].start(), words[i + k - 1].end()
                yield index, text[start:end], start, end
                after = i + k
                break

    def find(self, text: str) -> list[ThemeRef]:
        """Return every theme any of whose aliases ``text`` names (no weighing)."""
        text = normalise_tones(text)
        found = {index for index, _, _, _ in self.mentions(text)}
        return [ref for index, ref in enumerate(self.refs) if index in found]


def _default_theme_rules() -> dict:
    return dict(vocabulary().tagging.get("themes", {}))


def _is_acronym(alias: str) -> bool:
    return alias.upper() == alias and any(c.isalpha() for c in alias)


@lru_cache(maxsize=256)
def _segments(sentence: str) -> tuple[list[tuple[int, int, int]], list[int]]:
    """Return the sentence's comma-, "và"-separated segments (start, end, words), and their
    starts (for a binary search). Cached: every mention in one sentence shares them."""
    bounds = []
    position = 0
    for match in _LIST_SPLIT.finditer(sentence):
        bounds.append((position, match.start()))
        position = match.end()
    bounds.append((position, len(sentence)))
    segments = [(a, b, len(sentence[a:b].split())) for a, b in bounds if sentence[a:b].strip()]
    return segments, [a for a, _, _ in segments]


@lru_cache(maxsize=256)
def _sentence_years(sentence: str) -> frozenset[int]:
    return frozenset(int(y) for y in _SENTENCE_YEAR.findall(sentence))


def in_enumeration(sentence: str, offset: int, min_items: int) -> bool:
    """Return True when the word at ``offset`` is one item of a list of ``min_items`` or more
    short items ("hợp tác y tế, giáo dục, năng lượng, chuyển đổi số…")."""
    segments, starts = _segments(sentence)
    if len(segments) < min_items:
        return False
    here = bisect.bisect_right(starts, offset) - 1
    if here < 0 or not segments[here][0] <= offset < segments[here][1]:
        return False

    def short(i):
        return segments[i][2] <= MAX_LIST_ITEM_WORDS

    if not short(here):
        # A long clause holds a list's first item only at its end ("… như ứng phó dịch bệnh").
        end = min(segments[here][1], offset + _WORDS_WINDOW)
        if len(sentence[offset:end].split()) > MAX_LIST_ITEM_WORDS:
            return False
    # Count at most what the rule needs, so a list of thousands costs no more than one of ten.
    low = here
    while low > 0 and short(low - 1) and short(low) and here - low < min_items:
        low -= 1
    high = here
    while high + 1 < len(segments) and short(high + 1) and high - here < min_items:
        high += 1
    items = high - low + 1
    if low > 0 and short(low) and not _LIST_OPENER.match(sentence, segments[low][0]):
        # "… đầu tư vào hạ tầng, chuyển đổi số, …": the clause before ends with the first
        # item. Not when the list opens itself ("…, nhất là về thương mại, đầu tư").
        items += 1
    return items >= min_items


@dataclass
class Tags:
    meetings: list[Proposal] = field(default_factory=list)
    themes: list[Proposal] = field(default_factory=list)


def tag_article(
    parts: dict[str, list[str]],
    *,
    article_year: int | None,
    themes: ThemeMatcher,
    catalogue: MeetingCatalogue | None = None,
) -> Tags:
    """Return the meetings and themes an article is about, with their evidence.

    ``parts`` holds the article's words by place: "title", "lead", "body" (paragraphs) and
    "caption" (photo captions).
    """
    catalogue = catalogue or meeting_catalogue()
    rules = themes.rules
    # All parts in one text, a line each (a line end ends a sentence): the patterns run once.
    raws, places = [], []
    for place in PLACES:
        for raw in parts.get(place, []):
            if raw:
                raws.append(raw.replace("\n", " "))
                places.append(place)
    chunks = normalise_tones("\n".join(raws)).split("\n")
    starts = []
    position = 0
    for chunk in chunks:
        starts.append(position)
        position += len(chunk) + 1
    text = "\n".join(chunks)
    sentences = Sentences(text)

    def place_of(offset: int) -> str:
        return places[bisect.bisect_right(starts, offset) - 1]

    cut: dict[tuple[int, int], str] = {}

    def sentence_at(lo: int, hi: int) -> str:
        # One string per sentence: its hash and the caches above are computed once.
        if (lo, hi) not in cut:
            cut[(lo, hi)] = text[lo:hi]
        return cut[(lo, hi)]

    meetings: dict[tuple, Proposal] = {}
    for mention in catalogue.mentions(text):
        place = place_of(mention.start)
        lo, hi = sentences.bounds(mention.start, mention.end)
        ref = catalogue.resolve(mention, sentence_at(lo, hi), article_year)
        if ref is None:
            continue
        background = (
            place not in HEAD_PLACES
            and catalogue.earlier_is_background
            and article_year is not None
            and ref.year < article_year
        )
        if background:
            continue
        proposal = meetings.setdefault(ref.identity, Proposal(ref))
        if len(proposal.evidence) < MAX_EVIDENCE_KEPT:
            excerpt = _excerpt(text, lo, hi, mention.start, mention.end)
            proposal.evidence.append(Evidence(text[mention.start : mention.end], excerpt, place))
    theme_scores: dict[int, Proposal] = {}
    for index, _alias, start, end in themes.mentions(text):
        place = place_of(start)
        lo, hi = sentences.bounds(start, end)
        weight = _theme_weight(place, sentence_at(lo, hi), start - lo, rules)
        proposal = theme_scores.setdefault(index, Proposal(themes.refs[index]))
        proposal.score += weight
        if len(proposal.evidence) < MAX_EVIDENCE_KEPT:
            excerpt = _excerpt(text, lo, hi, start, end)
            proposal.evidence.append(Evidence(text[start:end], excerpt, place))
    needed = rules.get("threshold", 1)
    chosen_themes = [
        proposal
        for index, proposal in sorted(theme_scores.items())
        if proposal.score >= needed - 1e-9
    ]
    for proposal in chosen_themes:
        proposal.evidence.sort(key=lambda e: PLACES.index(e.place))
    return Tags(meetings=list(meetings.values()), themes=chosen_themes)


def _theme_weight(place: str, sentence: str, offset: int, rules: dict) -> float:
    if place in HEAD_PLACES:
        return float(rules.get("title_lead_weight", 1))  # named in the title or lead: about it
    if place == "caption":
        return float(rules.get("caption_weight", 0.5))
    if in_enumeration(sentence, offset, rules.get("list_min_items", 4)):
        return float(rules.get("list_mention_weight", 0.25))
    return float(rules.get("body_sentence_weight", 1))


def _excerpt(text: str, lo: int, hi: int, start: int, end: int) -> str:
    """Return the sentence [lo, hi) of ``text``, cut around the match when it is long."""
    if hi - lo > MAX_EVIDENCE:
        margin = max(0, (MAX_EVIDENCE - (end - start)) // 2)
        new_lo, new_hi = max(lo, start - margin), min(hi, end + margin)
        head = "…" if new_lo > lo else ""
        tail = "…" if new_hi < hi else ""
        return head + text[new_lo:new_hi].strip() + tail
    return text[lo:hi].strip()


def tag_text(
    text: str,
    *,
    article_year: int | None,
    themes: ThemeMatcher,
    catalogue: MeetingCatalogue | None = None,
) -> tuple[list[MeetingRef], list[ThemeRef]]:
    """Return the meetings and themes named in ``text``, read as an article's lead.

    A shortcut for a single passage (the lead's rule: every named meeting and theme counts).
    """
    tags = tag_article(
        {"lead": [text]}, article_year=article_year, themes=themes, catalogue=catalogue
    )
    return [p.ref for p in tags.meetings], [p.ref for p in tags.themes]
