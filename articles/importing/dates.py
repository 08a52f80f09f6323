"""Find an article's publication date in Vietnamese news text (pure functions).

An explicit date line wins, in any of the forms outlets print: "20:37 | 29/07/2022",
"Thứ Tư, 07/04/2021 - 10:35", "07-04-2021", "07.04.2021 10:35", "Cập nhật: 10:35,
7/4/2021", "Thứ năm, 12/10/2023, 14:20 (GMT+7)", "2021-04-07", "ngày 12 tháng 10 năm 2023".
Otherwise the lead's "Ngày 7/4" / "Sáng 11-7" / "Trong hai ngày 21-22/8/2024" gives the
day (the last day of a range: the report follows the event), and when the year is
missing it is inferred from weighted cues: meetings of known year, "Chủ tịch ASEAN
2020", "tháng 4/2021", other years. The cue words are data (fixtures/importing/dates.json).
"""

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from functools import cache

from ..vocabulary import DateCues

_YEAR = r"((?:19|20)\d{2})"
FULL_DATE = re.compile(rf"(?<![\d/.])(\d{{1,2}})\s*([/.-])\s*(\d{{1,2}})\s*\2\s*{_YEAR}(?!\d)")
ISO_DATE = re.compile(rf"(?<!\d){_YEAR}-(\d{{2}})-(\d{{2}})(?!\d)")
WORDY_DATE = re.compile(
    rf"(?:ngày\s+)?(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s*(?:,|năm)\s*{_YEAR}", re.IGNORECASE
)
_TIME = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*(?:am|pm|sa|ch)\b)?", re.I)
_GMT = re.compile(r"\(?\s*(?:gmt|utc|ict)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\)?", re.I)
_PUNCT = re.compile(r"[|,:;–—\-()/•·\[\]]+")
_COUNTER = re.compile(r"\b(?:lượt xem|lượt đọc|views?)\s*:?\s*[\d.,]+", re.I)
_NUMBER = re.compile(r"^\d+$")

# "Hà Nội, 7/4 (TTXVN) -" and "Jakarta, 12-7 -" datelines.
DATELINE = re.compile(
    r"^[^\W\d][^,\n]{1,30},\s*(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\s*\2\s*((?:19|20)\d{2}))?"
    r"\s*(?:\(|[-–—])"
)
_THEN = re.compile(r"\s*[-–]\s*(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d{2}))?(?!\d)")
_MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*((?:19|20)\d{2})(?!\d)")
_NAMED_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d{2})(?![\d-])", re.IGNORECASE)
_ANY_YEAR = re.compile(r"(?<![\d/.,-])((?:19|20)\d{2})(?![\d/-])")
# A date line carries at most this many words besides the date, time and noise words.
MAX_OTHER_WORDS = 3


def valid_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date_match(line: str):
    for pattern in (FULL_DATE, ISO_DATE, WORDY_DATE):
        match = pattern.search(line)
        if match:
            return match
    return None


def _date_of(match) -> datetime.date | None:
    if match.re is FULL_DATE:
        day, month, year = match.group(1), match.group(3), match.group(4)
    elif match.re is ISO_DATE:
        year, month, day = match.group(1), match.group(2), match.group(3)
    else:
        day, month, year = match.group(1), match.group(2), match.group(3)
    return valid_date(int(year), int(month), int(day))


def date_line(line: str, cues: DateCues, *, strict: bool = False) -> datetime.date | None:
    """Return the date if ``line`` is a date line: a date with time, weekday, labels.

    ``strict`` allows nothing else; otherwise a few other words (a section name, a
    counter) may stand beside the date, as page headers print them.
    """
    if len(line) > 120:
        return None
    match = _date_match(line)
    if not match:
        return None
    rest = f"{line[: match.start()]} {line[match.end() :]}"
    rest = _COUNTER.sub(" ", _TIME.sub(" ", _GMT.sub(" ", rest)))
    rest = _PUNCT.sub(" ", rest).casefold()
    for phrase in _line_phrases(cues):
        if phrase in rest:
            rest = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", rest)
    others = [w for w in rest.split() if not _NUMBER.match(w)]
    limit = 0 if strict else MAX_OTHER_WORDS
    if len(others) > limit or (line.rstrip().endswith((".", "?", "!")) and others):
        return None
    return _date_of(match)


@cache
def _line_phrases(cues: DateCues) -> tuple[str, ...]:
    return tuple(sorted(cues.line_words, key=len, reverse=True))


@cache
def _lead_date_re(cues: DateCues) -> re.Pattern:
    return re.compile(
        rf"(?<!\w)(?:{cues.lead_words})\s*(?:nay\s*|qua\s*)?\(?\s*"
        r"(?:(\d{1,2})\s*[-–]\s*)?(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\s*\3\s*((?:19|20)\d{2}))?"
        r"(?![\d])"
        r"|(?<!\w)(?:" + cues.lead_words + r")\s+(\d{1,2})\s+tháng\s+(\d{1,2})"
        r"(?:\s*(?:,|năm)\s*((?:19|20)\d{2}))?",
        re.IGNORECASE,
    )


def day_month_in(text: str, cues: DateCues) -> tuple[int, int, int | None] | None:
    """Return (day, month, year or None) of the first news date in ``text``."""
    match = DATELINE.search(text)
    if match:
        return int(match.group(1)), int(match.group(3)), _int(match.group(4))
    for match in _lead_date_re(cues).finditer(text):
        if match.group(6):
            day, month, year = int(match.group(6)), int(match.group(7)), _int(match.group(8))
        else:
            day, month, year = int(match.group(2)), int(match.group(4)), _int(match.group(5))
            if match.group(3) == "." and year is None:
                continue  # "ngày 1.5 triệu" is no date; "Ngày 11.7.2023" is.
            then = _THEN.match(text, match.end())
            if then:  # "từ ngày 29/6-1/7": the range ends on the later day.
                day, month, year = int(then.group(1)), int(then.group(2)), _int(then.group(3))
        if 1 <= day <= 31 and 1 <= month <= 12:
            return day, month, year
    return None


def _int(value):
    return int(value) if value else None


def infer_year(
    text: str,
    month: int | None,
    cues: DateCues,
    meeting_years: Iterable[tuple[int, float]] = (),
    today: datetime.date | None = None,
) -> int | None:
    """Return the most likely year of writing for ``text``.

    ``meeting_years`` holds (year, weight) for meetings of known year named in the text.
    """
    today = today or datetime.date.today()
    weights = cues.weights
    scores: Counter[int] = Counter()
    for year, weight in meeting_years:
        scores[year] += weight
    for m in cues.chair_year_re.finditer(text):
        scores[int(m.group(1))] += weights["chair_year"]
    for m in _MONTH_YEAR.finditer(text):
        same = month and int(m.group(1)) == month
        scores[int(m.group(2))] += weights["month_year_same_month" if same else "month_year"]
    for m in FULL_DATE.finditer(text):
        scores[int(m.group(4))] += weights["full_date"]
    for pattern, weight in ((_NAMED_YEAR, "named_year"), (_ANY_YEAR, "any_year")):
        for m in pattern.finditer(text):
            if not cues.not_now_re.search(text[max(0, m.start() - 50) : m.start()]):
                scores[int(m.group(1))] += weights[weight]
    candidates = [(score, year) for year, score in scores.items() if 1967 <= year <= today.year]
    if not candidates:
        return None
    return max(candidates)[1]
