"""Read a byline or a credits line: who wrote the article, who took the photos.

"Bảo Chi", "HOÀNG LINH" (→ "Hoàng Linh"), "Thu Hằng/VOV.VN", "Hoàng Linh (TTXVN/Vietnam+)",
"Bài và ảnh: Hà Phương", "Thu Hà (thực hiện)", "Minh Anh (theo Reuters)", "Theo TTXVN"
(an agency credit: no author, but a sign of the source), and credits lines such as
"Nội dung: Hà Phương | Thiết kế: Anh Tuấn | Ảnh: TTXVN". The labels are data
(fixtures/importing/labels.json).
"""

import re
from dataclasses import dataclass, field

from ..vocabulary import OutletInfo, Vocabulary
from . import lines as L

_PARTS = re.compile(r"\s+[-–]\s+|\s*,\s*|\s*;\s*|\s+và\s+|\s*&\s*")
_PAREN_TAIL = re.compile(r"^(.*?)\s*[(\[]([^()\[\]]{1,40})[)\]]$")
_CREDITS_PART = re.compile(r"^\s*([^:|]{2,40}?)\s*:\s*(.+?)\s*$")
MAX_BYLINE = 100


@dataclass
class Byline:
    """What a byline line says. ``is_byline`` is True even when it names no person (PV)."""

    is_byline: bool = False
    author: str = ""
    photo_credit: str = ""
    outlets: list[OutletInfo] = field(default_factory=list)  # "Thu Hằng/VOV.VN": its own
    credited: list[OutletInfo] = field(default_factory=list)  # "(TTXVN)", "Theo TTXVN": a source


NOT_A_BYLINE = Byline()


def read_byline(line: str, vocab: Vocabulary) -> Byline:
    """Return what ``line`` says if it is a byline or a credits line."""
    line = line.strip()
    if len(line) > MAX_BYLINE * 2:
        return NOT_A_BYLINE
    labels = vocab.labels
    if labels.credits_line_re.match(line) and ("|" in line or ":" in line):
        credits = read_credits(line, vocab)
        if credits.is_byline:
            return credits
    if len(line) > MAX_BYLINE or (line.endswith((".", "?", "!", ":")) and not line.endswith(".)")):
        return NOT_A_BYLINE
    result = Byline()
    agency = labels.agency_credit_re.match(line)
    if agency:
        # "Theo TTXVN", "(Theo Reuters)": the text's source, not its author.
        source = line[agency.end() :].strip(" ()")
        outlet = vocab.outlets.for_name(source)
        if outlet or _is_agency_name(source):
            result.is_byline = True
            if outlet:
                result.credited.append(outlet)
            return result
        return NOT_A_BYLINE
    line = labels.byline_prefix_re.sub("", line, count=1)
    line = labels.byline_suffix_re.sub("", line)
    # "Thu Hằng/VOV.VN", "Hoàng Linh (TTXVN/Vietnam+)", "Như Tâm (Theo Reuters)".
    paren = _PAREN_TAIL.match(line)
    if paren:
        result.credited.extend(_outlets_in(paren.group(2), vocab))
        line = paren.group(1).strip()
    name, slash, tail = line.partition("/")
    if slash:
        outlets = _outlets_in(tail, vocab)
        if not outlets and not _is_agency_name(tail.strip()):
            return NOT_A_BYLINE
        result.outlets.extend(outlets)
        line = name.strip()
    if line.casefold() in labels.reporter_words:
        result.is_byline = True
        return result
    names = [part.strip(" .") for part in _PARTS.split(line) if part.strip(" .")]
    if not names or not all(_is_person(n, vocab) for n in names):
        return NOT_A_BYLINE
    result.is_byline = True
    result.author = ", ".join(L.as_name(n) for n in names)
    return result


def read_credits(line: str, vocab: Vocabulary) -> Byline:
    """Read "Nội dung: Hà Phương | Thiết kế: Anh Tuấn | Ảnh: TTXVN"."""
    labels = vocab.labels
    result = Byline()
    for part in re.split(r"\s*[|•·]\s*", line):
        match = _CREDITS_PART.match(part)
        if not match:
            continue
        label, value = match.group(1).casefold(), match.group(2).strip(" .")
        if label not in labels.credit_labels:
            continue
        result.is_byline = True
        if label in labels.author_labels and not result.author:
            names = [n.strip() for n in _PARTS.split(value) if n.strip()]
            result.author = ", ".join(L.as_name(n) for n in names if _is_person(n, vocab))
        if label in labels.photo_labels and not result.photo_credit:
            result.photo_credit = value
    return result


def _is_person(name: str, vocab: Vocabulary) -> bool:
    folded = name.casefold()
    return (
        L.is_name(name)
        and folded not in vocab.furniture.section_labels
        and folded not in vocab.furniture.stop_headings
        and folded not in vocab.labels.reporter_words
        and vocab.outlets.for_name(name) is None
    )


def _outlets_in(text: str, vocab: Vocabulary) -> list[OutletInfo]:
    found = []
    for part in re.split(r"[/,]", text):
        outlet = vocab.outlets.for_name(part.strip(" ."))
        if outlet:
            found.append(outlet)
    return found


def _is_agency_name(text: str) -> bool:
    """Return True for a short source name such as "Reuters", "AFP", "TTXVN", "Kyodo"."""
    return (
        0 < len(text) <= 40
        and L.word_count(text) <= 5
        and text[:1].isupper()
        and not (text.endswith((".", "?", "!")))
    )
