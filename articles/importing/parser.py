"""Raw scraped article text -> a structured article, with the site furniture gone.

The parser reads the page top to bottom the way an editor does: skip breadcrumbs
and date lines, take the headline, the byline and the lead, then the body, where
photo captions (a line printed twice, or one carrying "(Ảnh: …)") become figures,
repeated lines are kept once, and lists of other headlines, share buttons and
source lines are dropped. What counts as furniture is data (rules.json and
outlets.json), so a new outlet is a data change.
"""

import datetime
import re
from dataclasses import dataclass, field

from ..tagging import MeetingCatalogue, meeting_catalogue
from ..text import normalise, normalise_inline, normalise_tones, title_case_name
from . import dates
from .errors import ImportFailure
from .rules import OutletInfo, Rules, load_rules


@dataclass
class ParsedFigure:
    caption: str
    credit: str = ""

    def as_dict(self):
        return {"caption": self.caption, "credit": self.credit}


@dataclass
class ParsedArticle:
    title: str
    lead: str
    paragraphs: list[str]
    author: str = ""
    outlet: OutletInfo | None = None
    source_url: str = ""
    published_on: datetime.date | None = None
    figures: list[ParsedFigure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    def own_text(self) -> str:
        """Return the article's own words, where tags are looked for."""
        captions = [figure.caption for figure in self.figures]
        return "\n".join([self.title, self.lead, *self.paragraphs, *captions])


QUESTION_PREFIX = "PV: "
_QUESTION_MARKERS = re.compile(r"^(?:PV|Phóng viên|Hỏi|Q)\s*:\s*", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"')]+", re.IGNORECASE)
_DOMAIN_IN_TEXT = re.compile(r"\b((?:[a-z0-9-]+\.)+(?:vn|net|com|org))\b", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "»", ")", ":", ";", "'", "’")
_NAME_WORD = r"[^\W\d_][^\W\d_'’.-]*(?:-[^\W\d_]+)?"
_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}$")
_CREDITS_LINE = re.compile(
    r"^(?:Nội dung|Bài|Bài viết|Thực hiện|Tác giả|Bài và ảnh|Bài, ảnh|Bài & ảnh|Bài/ảnh)\s*:\s*"
)
_CREDITS_PART = re.compile(r"^\s*([^:|]{2,30}?)\s*:\s*(.+?)\s*$")
_SOURCE_LINE = re.compile(
    r"^\(?\s*(?:Theo|Nguồn)\s*(?P<site>[^:()]{0,40}?)\s*:?\s*(?P<rest>[^()]*?)\s*\)?\.?$",
    re.IGNORECASE,
)
_AGENCY_DATELINE = re.compile(
    r"^(?:[^\W\d][^,()\n]{1,30},\s*(?:\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?\s*)?)?"
    r"\((?P<agency>[^()]{2,30})\)\s*[-–—]\s*"
)
_BREADCRUMB = re.compile(r"^[^.!?]{2,60}(?:\s*(?:>|»|/|\|)\s*[^.!?]{2,60})+$")
_SIGNATURE_IN_PARENS = re.compile(r"^\(\s*([^()]{2,40})\s*\)$")


def _looks_like_headline(line: str) -> bool:
    """Return True for a line shaped like another article's headline."""
    stripped = line.rstrip("?")
    return len(line) <= 200 and len(line.split()) >= 3 and not stripped.endswith(_SENTENCE_END)


def parse_article(
    text: str, *, rules: Rules | None = None, catalogue: MeetingCatalogue | None = None
) -> ParsedArticle:
    """Parse raw article text. Raise ImportFailure when it is not an article."""
    return _Parser(rules or load_rules(), catalogue or meeting_catalogue()).parse(text)


def decode_input(data: bytes) -> str:
    """Return the text of an input file, or raise ImportFailure saying what is wrong."""
    if not data:
        raise ImportFailure("empty file")
    if b"\x00" in data[:8192]:
        raise ImportFailure("binary file, not text (expected UTF-8 text)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    if not text.strip():
        raise ImportFailure("empty file (only whitespace)")
    return text


def _key(line: str) -> str:
    """Return what two lines must share to be the same line printed twice."""
    return "".join(ch for ch in line.casefold() if ch.isalnum())


class _Parser:
    def __init__(self, rules: Rules, catalogue: MeetingCatalogue):
        self.rules = rules
        self.catalogue = catalogue
        labels = "|".join(
            re.escape(label) for label in sorted(rules.credit_labels, key=len, reverse=True)
        )
        # "… (Ảnh: Duy Quang)", "… - Ảnh: BNG", "…. Ảnh: Reuters", "(Ảnh do X cung cấp)".
        self.credit_suffix = re.compile(
            rf"(?:^|\s+[-–—|]\s*|\s*\(\s*|(?<=[.!?…])\s+|\s+)"
            rf"(?:(?:{labels})\s*:\s*(?P<credit>[^()]{{1,80}}?)"
            rf"|Ảnh do (?P<giver>[^()]{{1,80}}?) cung cấp)"
            rf"\s*\)?\s*\.?$",
            re.IGNORECASE,
        )

    # -- top level ---------------------------------------------------------------

    def parse(self, text: str) -> ParsedArticle:
        lines = normalise(text).split("\n")
        self.outlet_votes: list[tuple[int, OutletInfo]] = []
        self.header_date = None
        self.author = ""
        self.source_url = ""
        self.default_credit = ""
        self.printed_lead = ""  # the lead with its dateline, which may carry the date
        lines = self._cut_related_lists(lines)
        title, rest = self._take_title(lines)
        lead, rest = self._take_lead(title, rest)
        paragraphs, figures = self._take_body(title, lead, rest)
        if not paragraphs and len(lead) < 200:
            raise ImportFailure("not an article: no body paragraphs after the headline")
        paragraphs = self._mark_interview(paragraphs)
        for figure in figures:
            if not figure.credit:
                figure.credit = self.default_credit
        article = ParsedArticle(
            title=title,
            lead=lead,
            paragraphs=paragraphs,
            author=self.author,
            outlet=self._outlet(),
            source_url=self.source_url,
            figures=figures,
        )
        article.published_on = self._published_on(article)
        if article.published_on is None:
            article.warnings.append("no publication date found")
        if article.outlet is None:
            article.warnings.append("outlet not recognised")
        return article

    # -- furniture ---------------------------------------------------------------

    def _is_furniture(self, line: str) -> bool:
        for pattern, outlet in self.rules.signature_patterns:
            if pattern.fullmatch(line):
                self.outlet_votes.append((1, outlet))
        for signature, outlet in self.rules.signatures:
            if signature in line.casefold():
                self.outlet_votes.append((2, outlet))
                return len(line) <= len(signature) + 40
        folded = line.casefold().rstrip(":").strip()
        if folded in self.rules.drop_lines:
            return True
        if any(p.fullmatch(line) for p in self.rules.drop_patterns):
            return True
        return line.startswith(self.rules.inline_links)

    def _is_stop_heading(self, line: str) -> bool:
        head, _, tail = line.partition(":")
        head = head.strip().casefold()
        if head not in self.rules.stop_headings:
            return False
        # "Tin liên quan" alone, or a tag list "Từ khóa: ASEAN, Biển Đông".
        return not tail.strip() or (
            len(tail) < 200 and head in {"từ khóa", "từ khoá", "tags", "tag", "chủ đề"}
        )

    def _cut_related_lists(self, lines: list[str]) -> list[str]:
        """Remove lists of other headlines; they are not the article.

        A list runs to the end of the page, unless it is a box of a few headlines in
        the middle of the article, after which the body plainly goes on.
        """
        kept: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            if sum(1 for k in kept if k) >= 2 and self._is_stop_heading(line):
                resume = self._body_after_related_box(lines, index)
                if resume is None:
                    break
                index = resume
                continue
            kept.append(line)
            index += 1
        return kept

    def _body_after_related_box(self, lines: list[str], heading: int) -> int | None:
        """Return where the body resumes after a related-headlines box, or None."""
        if lines[heading].partition(":")[2].strip():
            return None  # "Từ khóa: …" tag lists end the page.
        index, headlines = heading + 1, 0
        while index < len(lines):
            line = lines[index]
            if not line:
                index += 1
            elif self._is_stop_heading(line):
                return None
            elif _looks_like_headline(line) and headlines < 6:
                headlines += 1
                index += 1
            else:
                break
        rest = [line for line in lines[index:] if line and not self._is_furniture(line)]
        if not headlines or not rest or len(rest[0]) < 80:
            return None
        if any(_looks_like_headline(line) for line in rest):
            return None  # teaser cards: headline, summary, headline, summary…
        return index

    # -- header --------------------------------------------------------------------

    def _header_line(self, line: str) -> bool:
        """Consume a line of page header (date, breadcrumb, furniture). True if it was one."""
        if not line or self._is_furniture(line):
            return True
        date = dates.date_from_header_line(line)
        if date:
            self.header_date = self.header_date or date
            return True
        if line.casefold() in self.rules.section_labels:
            return True
        return bool(_BREADCRUMB.match(line) and len(line) < 80 and not _NAME.match(line))

    def _take_title(self, lines: list[str]) -> tuple[str, list[str]]:
        for index, line in enumerate(lines):
            if self._header_line(line):
                continue
            if len(line) > 300 or len(line.split()) < 2:
                raise ImportFailure("not an article: no headline found at the top")
            return line, lines[index + 1 :]
        raise ImportFailure("not an article: no text left after removing site furniture")

    def _byline(self, line: str) -> str:
        """Return the author named by a byline line, or ''."""
        line = line.strip()
        if _CREDITS_LINE.match(line) or ("|" in line and ":" in line):
            return self._credits(line)
        line = re.sub(r"^(?:Bài và ảnh|Bài, ảnh|Bài|Tác giả|Theo)\s*:?\s+", "", line)
        # "Thu Hằng/VOV.VN", "Hoàng Linh (TTXVN/Vietnam+)", "Như Tâm (Theo Reuters)".
        name, _, tail = line.partition("/")
        if tail and self.rules.outlet_for_name(tail):
            self.outlet_votes.append((1, self.rules.outlet_for_name(tail)))
            line = name.strip()
        paren = re.match(r"^(.*?)\s*\(([^()]{2,40})\)$", line)
        if paren:
            self._vote_signature(paren.group(2))
            line = paren.group(1).strip()
        names = [part.strip() for part in re.split(r"\s+[-–]\s+|\s*,\s*|\s+và\s+", line)]
        if names and all(_NAME.match(n) and len(n) <= 40 for n in names):
            if any(n.casefold() in self.rules.section_labels for n in names):
                return ""
            if any(self.rules.outlet_for_name(n) for n in names):
                return ""
            return ", ".join(title_case_name(n) for n in names)
        return ""

    def _credits(self, line: str) -> str:
        """Read "Nội dung: Hà Phương | Thiết kế: Anh Tuấn | Ảnh: TTXVN" credits."""
        author = ""
        for part in line.split("|"):
            match = _CREDITS_PART.match(part)
            if not match:
                continue
            label, value = match.group(1).casefold(), match.group(2).strip()
            if (
                label
                in {
                    "nội dung",
                    "bài",
                    "bài viết",
                    "thực hiện",
                    "tác giả",
                    "bài và ảnh",
                    "bài, ảnh",
                    "bài & ảnh",
                    "bài/ảnh",
                }
                and not author
            ):
                author = ", ".join(
                    title_case_name(n.strip()) for n in re.split(r"\s*[,-]\s*", value)
                )
            if label in {"ảnh", "bài và ảnh", "bài, ảnh", "bài & ảnh", "bài/ảnh"}:
                self.default_credit = self.default_credit or value
        return author

    def _vote_signature(self, text: str):
        for part in re.split(r"[/,]", text):
            outlet = self.rules.outlet_for_name(part.strip())
            if outlet:
                self.outlet_votes.append((1, outlet))

    def _strip_lead_marker(self, line: str) -> str:
        for marker, outlet in self.rules.lead_markers:
            if line.startswith(marker):
                self.outlet_votes.append((2, outlet))
                return line[len(marker) :].lstrip(" -–—")
        match = _AGENCY_DATELINE.match(line)
        if match:
            self._vote_signature(match.group("agency"))
            return line[match.end() :]
        return line

    def _take_lead(self, title: str, lines: list[str]) -> tuple[str, list[str]]:
        pending_marker = ""
        for index, line in enumerate(lines):
            if self._header_line(line) or _key(line) == _key(title):
                continue
            if self._is_lead_marker_only(line):
                pending_marker = line
                continue
            if not self.author and len(line) <= 80:
                author = self._byline(line)
                if author:
                    self.author = author
                    continue
            if self._caption(line):
                continue
            self.printed_lead = f"{pending_marker} {line}".strip()
            lead = self._strip_lead_marker(self.printed_lead)
            return lead, lines[index + 1 :]
        return "", []

    def _is_lead_marker_only(self, line: str) -> bool:
        stripped = self._strip_lead_marker(line + " x")
        return stripped == "x"

    # -- body ----------------------------------------------------------------------

    def _caption(self, line: str) -> ParsedFigure | None:
        """Return the figure when ``line`` is a photo caption carrying its credit."""
        match = self.credit_suffix.search(line)
        if not match:
            return None
        caption = line[: match.start()].strip()
        credit = (match.group("credit") or match.group("giver") or "").strip(" .")
        if len(caption) > 400:
            return None
        return ParsedFigure(caption=caption, credit=credit)

    def _source_line(self, line: str) -> bool:
        """Consume a source line ("Nguồn VietnamNet: url", "(theo baodientu.chinhphu.vn)")."""
        urls = _URL.findall(line)
        if urls and len(_URL.sub("", line).strip(" .:()")) <= 30:
            self.source_url = self.source_url or urls[0].rstrip(".,;")
            domain = re.sub(r"^https?://", "", urls[0], flags=re.IGNORECASE).split("/")[0]
            outlet = self.rules.outlet_for_domain(domain)
            if outlet:
                self.outlet_votes.append((3, outlet))
            rest = _URL.sub("", line)
            self._vote_signature(re.sub(r"(?i)\b(?:nguồn|theo)\b", "", rest).strip(" .:()"))
            return True
        match = _SOURCE_LINE.match(line)
        if not match or len(line) > 80:
            return False
        who = f"{match.group('site')} {match.group('rest')}".strip(" .:")
        if not who or len(who.split()) > 6 or "," in who:
            return False
        outlet = self.rules.outlet_for_name(who) or self._outlet_in(who)
        if outlet:
            self.outlet_votes.append((3, outlet))
        return True

    def _outlet_in(self, text: str) -> OutletInfo | None:
        for domain in _DOMAIN_IN_TEXT.findall(text):
            outlet = self.rules.outlet_for_domain(domain)
            if outlet:
                return outlet
        return None

    def _take_body(self, title: str, lead: str, lines: list[str]):
        items: list[tuple[str, object]] = []  # ("p", text) or ("fig", ParsedFigure)
        seen = {_key(title), _key(lead)}
        content = [line for line in lines if line]
        title_key = _key(title)
        placeholders = sum(1 for line in content if _key(line) == title_key)
        after_placeholder = False
        index = 0
        while index < len(content):
            line = content[index]
            index += 1
            nxt = content[index] if index < len(content) else ""
            if self._source_line(line) or self._is_furniture(line):
                continue
            date = dates.date_from_header_line(line)
            if date:
                self.header_date = self.header_date or date
                continue
            if _CREDITS_LINE.match(line) or (
                "|" in line and re.search(r"\b(?:Ảnh|Thiết kế)\s*:", line)
            ):
                self.author = self.author or self._credits(line)
                continue
            if _key(line) == title_key:
                after_placeholder = placeholders >= 2
                continue
            figure = self._caption(line)
            if figure is not None:
                self._add_figure(items, figure)
                if _key(nxt) == _key(line):
                    index += 1
                after_placeholder = False
                continue
            if _key(nxt) == _key(line) and len(line) <= 400 and _key(line) not in seen:
                # A caption printed twice: under the photo, then again as its alt text.
                self._add_figure(items, ParsedFigure(caption=line))
                seen.add(_key(line))
                index += 1
                continue
            if after_placeholder and self._looks_like_caption(line):
                self._add_figure(items, ParsedFigure(caption=line))
                after_placeholder = False
                continue
            after_placeholder = False
            if _key(line) in seen:
                continue
            seen.add(_key(line))
            items.append(("p", line))
        self._take_trailing_furniture(items)
        paragraphs = [value for kind, value in items if kind == "p"]
        figures = [value for kind, value in items if kind == "fig"]
        return paragraphs, figures

    @staticmethod
    def _looks_like_caption(line: str) -> bool:
        return len(line) <= 220 and not line.endswith(("?", "!", ":")) and len(line.split()) >= 4

    @staticmethod
    def _add_figure(items, figure: ParsedFigure):
        # "(Ảnh: Duy Quang)" alone, then the caption with the same credit: one photo.
        if items and items[-1][0] == "fig":
            previous = items[-1][1]
            if not previous.caption and (previous.credit == figure.credit or not figure.credit):
                figure.credit = figure.credit or previous.credit
                items[-1] = ("fig", figure)
                return
            if figure.caption == "" and previous.caption and not previous.credit:
                previous.credit = figure.credit
                return
        items.append(("fig", figure))

    def _take_trailing_furniture(self, items):
        """Drop bylines and unlabelled headlines of other articles at the page's end."""
        while items and items[-1][0] == "p":
            line = items[-1][1]
            author = self._byline(line) if len(line) <= 80 else ""
            if author:
                self.author = self.author or author
                items.pop()
                continue
            if _SIGNATURE_IN_PARENS.match(line):
                self._vote_signature(_SIGNATURE_IN_PARENS.match(line).group(1))
                items.pop()
                continue
            if self._is_unlabelled_headline(line) and len(items) > 1:
                items.pop()
                continue
            break

    @staticmethod
    def _is_unlabelled_headline(line: str) -> bool:
        return _looks_like_headline(line) and not line.endswith("?")

    def _mark_interview(self, paragraphs: list[str]) -> list[str]:
        """Prefix an interview's questions with "PV: " so they stay told apart."""
        marked = [_QUESTION_MARKERS.sub(QUESTION_PREFIX, p) for p in paragraphs]
        questions = [
            i
            for i, p in enumerate(marked[:-1])
            if p.endswith("?") and len(p) <= 400 and not marked[i + 1].endswith("?")
        ]
        if len(questions) < 2 and not any(p.startswith(QUESTION_PREFIX) for p in marked):
            return marked
        for i in questions:
            if not marked[i].startswith(QUESTION_PREFIX):
                marked[i] = QUESTION_PREFIX + marked[i]
        if re.match(
            r"^(?:Xin\s+)?(?:chân thành\s+)?(?:cảm ơn|cám ơn)\b.{0,60}[!.]$",
            marked[-1],
            re.IGNORECASE,
        ):
            marked[-1] = QUESTION_PREFIX + marked[-1]
        return marked

    # -- derived fields ------------------------------------------------------------

    def _outlet(self) -> OutletInfo | None:
        if not self.outlet_votes:
            return None
        scores: dict[OutletInfo, int] = {}
        for weight, outlet in self.outlet_votes:
            scores[outlet] = scores.get(outlet, 0) + weight
        return max(scores.items(), key=lambda item: item[1])[0]

    def _published_on(self, article: ParsedArticle) -> datetime.date | None:
        if self.header_date:
            return self.header_date
        found = dates.day_month_in(self.printed_lead)
        if not found:
            for paragraph in article.paragraphs[:2]:
                found = dates.day_month_in(paragraph)
                if found:
                    break
        if not found:
            return None
        day, month, year = found
        if year is None:
            year = self._infer_year(article, month)
        if year is None:
            return None
        return dates.valid_date(year, month, day)

    def _infer_year(self, article: ParsedArticle, month: int) -> int | None:
        text = normalise_tones(article.own_text())
        head = normalise_tones(f"{article.title}\n{article.lead}")
        weights = []
        for part, weight in ((head, 5), (text, 2)):
            for mention in self.catalogue.mentions(part):
                year = self.catalogue.known_year(mention.series, mention.number, mention.partner)
                if year:
                    weights.append((year, weight))
        return dates.infer_year(text, month, weights)


def clean_single_line(value: str) -> str:
    return normalise_inline(value)
