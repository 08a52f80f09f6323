"""Find an article's publication date in Vietnamese news text.

An explicit date line ("20:37 | 29/07/2022", "Thứ Tư, 07/04/2021 - 10:35") wins.
Otherwise the lead's "Ngày 7/4" / "Sáng 2/8" / "Trong hai ngày 21-22/8/2024" gives
the day (the last day of a range: the report follows the event), and when the year
is missing it is inferred from the text: meetings of known year, "Chủ tịch ASEAN
2020", "tháng 4/2021", other years, weighted.
"""

import datetime
import re
from collections import Counter
from collections.abc import Iterable

FULL_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d{2})(?!\d)")
WORDY_DATE = re.compile(
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})", re.IGNORECASE
)
_HEADER_NOISE = re.compile(
    r"""
    \b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cn)\b
    | \d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*(?:am|pm|sa|ch))?
    | \(?gmt\s*[+-]\s*\d{1,2}\)?
    | \b(?:cập\s+nhật|đăng|ngày\s+đăng|xuất\s+bản|lúc|ngày|giờ|update[d]?|published)\b
    | [|,:;–—\-()]
    """,
    re.IGNORECASE | re.VERBOSE,
)

# A day or day range with month, optionally year, introduced as news leads do.
LEAD_DATE = re.compile(
    r"(?:\b(?:ngày|sáng|chiều|tối|trưa|đêm|hôm|rạng sáng|sáng sớm)\s+(?:nay\s+)?(?:\()?)"
    r"(?:(\d{1,2})\s*[-–]\s*)?(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d{2}))?(?![\d/])",
    re.IGNORECASE,
)
# "Hà Nội, 7/4 (TTXVN) -" and "Jakarta, 12/7 -" datelines.
DATELINE = re.compile(
    r"^[^\W\d][^,\n]{1,30},\s*(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*((?:19|20)\d{2}))?\s*(?:\(|[-–])"
)

_CHAIR_YEAR = re.compile(r"(?:Chủ tịch ASEAN|[Nn]ăm ASEAN)\s+((?:19|20)\d{2})(?![\d-])")
_MONTH_YEAR = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*((?:19|20)\d{2})(?!\d)")
_NAMED_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d{2})(?![\d-])", re.IGNORECASE)
_ANY_YEAR = re.compile(r"(?<![\d/.,-])((?:19|20)\d{2})(?![\d/-])")
# Years that name something else than the time of writing.
_NOT_NOW = re.compile(
    r"(?:sau|đến|tới|trước|vào|Luật Biển|UNCLOS|Tầm nhìn(?: Cộng đồng)?(?: ASEAN)?"
    r"|Kế hoạch(?: tổng thể)?[^.\n]{0,40}|từ năm|từ)\s*(?:năm\s+)?$",
    re.IGNORECASE,
)


def valid_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def date_from_header_line(line: str) -> datetime.date | None:
    """Return the date if ``line`` is a date line and nothing else (time and weekday allowed)."""
    if len(line) > 90:
        return None
    match = FULL_DATE.search(line) or WORDY_DATE.search(line)
    if not match:
        return None
    rest = (line[: match.start()] + " " + line[match.end() :]).strip()
    if _HEADER_NOISE.sub(" ", rest).strip():
        return None
    if match.re is WORDY_DATE:
        day, month, year = match.group(1), match.group(2), match.group(3)
    else:
        day, month, year = match.group(1), match.group(3), match.group(4)
    return valid_date(int(year), int(month), int(day))


def day_month_in(text: str) -> tuple[int, int, int | None] | None:
    """Return (day, month, year or None) of the first news date in ``text``."""
    match = DATELINE.search(text)
    if match:
        return int(match.group(1)), int(match.group(2)), _int(match.group(3))
    match = LEAD_DATE.search(text)
    if match:
        day, month = int(match.group(2)), int(match.group(3))
        if 1 <= day <= 31 and 1 <= month <= 12:
            return day, month, _int(match.group(4))
    return None


def _int(value):
    return int(value) if value else None


def infer_year(
    text: str,
    month: int | None,
    meeting_years: Iterable[tuple[int, int]] = (),
    today: datetime.date | None = None,
) -> int | None:
    """Return the most likely year of writing for ``text``.

    ``meeting_years`` holds (year, weight) for meetings of known year named in the text.
    """
    today = today or datetime.date.today()
    scores: Counter[int] = Counter()
    for year, weight in meeting_years:
        scores[year] += weight
    for m in _CHAIR_YEAR.finditer(text):
        scores[int(m.group(1))] += 4
    for m in _MONTH_YEAR.finditer(text):
        scores[int(m.group(2))] += 4 if month and int(m.group(1)) == month else 2
    for m in FULL_DATE.finditer(text):
        scores[int(m.group(4))] += 2
    for m in _NAMED_YEAR.finditer(text):
        if not _NOT_NOW.search(text[max(0, m.start() - 50) : m.start()]):
            scores[int(m.group(1))] += 1
    for m in _ANY_YEAR.finditer(text):
        if not _NOT_NOW.search(text[max(0, m.start() - 50) : m.start()]):
            scores[int(m.group(1))] += 0.5
    candidates = [(score, year) for year, score in scores.items() if 1967 <= year <= today.year]
    if not candidates:
        return None
    return max(candidates)[1]
