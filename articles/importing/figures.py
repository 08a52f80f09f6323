"""Photo captions and credits: "… (Ảnh: Duy Quang)", "… - Ảnh: BNG", "…. Ảnh: Reuters",
"(Ảnh do … cung cấp)", or a caption line followed by a lone credit line "Ảnh: TTXVN"."""

import re
from functools import cache

from ..vocabulary import Vocabulary
from .model import ParsedFigure

MAX_CAPTION = 400


@cache
def _credit_suffix(labels: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(
        rf"(?:^|\s+[-–—|]\s*|\s*[(\[]\s*|(?<=[.!?…])\s+|\s+)"
        rf"(?:(?P<label>{alternatives})\s*:\s*(?P<credit>[^()\[\]]{{1,80}}?)"
        rf"|Ảnh do (?P<giver>[^()]{{1,80}}?) cung cấp)"
        rf"\s*[)\]]?\s*\.?$",
        re.IGNORECASE,
    )


def caption_of(line: str, vocab: Vocabulary) -> ParsedFigure | None:
    """Return the figure when ``line`` is a photo caption carrying its credit (or a credit)."""
    if len(line) > MAX_CAPTION + 90 or (":" not in line and "Ảnh do" not in line):
        return None
    match = _credit_suffix(vocab.labels.photo_credit_labels).search(line)
    if not match:
        return None
    caption = line[: match.start()].strip()
    credit = (match.group("credit") or match.group("giver") or "").strip(" .")
    if len(caption) > MAX_CAPTION or len(credit.split()) > 8:
        return None
    label = (match.group("label") or "").casefold()
    archive_words = vocab.labels.archive_photo_labels
    archive = label in archive_words or credit.casefold() in archive_words
    return ParsedFigure(caption=caption, credit=credit, archive=archive)


def is_lone_credit(figure: ParsedFigure | None) -> bool:
    return figure is not None and not figure.caption and bool(figure.credit)


def looks_like_caption(line: str) -> bool:
    """Return True for a short descriptive line, as captions are."""
    return len(line) <= 220 and not line.endswith(("?", "!", ":")) and len(line.split()) >= 4
