"""Small pure predicates over one line of a page, shared by the stages."""

import re
from functools import lru_cache

from ..text import title_case_name
from ..vocabulary import Vocabulary

# A line this much made of section names (letters counted) is a menu.
MENU_COVERAGE = 0.6
# A line of at least this many words ending in a full stop is running text, not furniture.
NEWS_SENTENCE_WORDS = 9
SENTENCE_END = (".", "!", "?", "…", '"', "”", "»", ")", ":", ";", "'", "’")
_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")
_BREADCRUMB_SEP = re.compile(r"\s*(?:>|»|›|\||→)\s*|\s+/\s+")
_URL = re.compile(r"https?://[^\s<>\"')]+|www\.[^\s<>\"')]+", re.IGNORECASE)


_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)
def key(line: str) -> str:
    """Return what two lines must share to be the same line printed twice."""
    return _NOT_ALNUM.sub("", line.casefold())


def word_count(line: str) -> int:
    return len(line.split())


def is_name(text: str) -> bool:
    """Return True if ``text`` reads as a person's name ("Thu Hằng", "HOÀNG LINH")."""
    # Two to five words, each opening with a capital ("Thu Hằng", "HOÀNG LINH", "Nguyễn Thị
    # Minh Khai"); hyphenated names ("Hà-Phương") allowed. str.isupper, not a character
    # range: "À-Ỹ" would take in lower-case letters too.
    words = text.split()
    if len(text) > 40 or not 2 <= len(words) <= 5:
        return False
    return all(
        part[:1].isupper() and _LETTERS.fullmatch(part)
        for word in words
        for part in word.split("-")
    )


def as_name(text: str) -> str:
    return title_case_name(text)


def looks_like_headline(line: str) -> bool:
    """Return True for a line shaped like a headline: a few words, no closing full stop."""
    return (
        len(line) <= 250
        and 3 <= word_count(line) <= 40
        and not line.rstrip("?!").endswith(SENTENCE_END)
    )


def looks_like_paragraph(line: str) -> bool:
    """Return True for a line shaped like running text: long, or a sentence of many words."""
    if len(line) >= 160:
        return True
    return len(line) >= 90 and word_count(line) >= 15 and line.endswith((".", "…", "”", '"', "»"))


def is_breadcrumb(line: str) -> bool:
    """Return True for "Thế giới > ASEAN" or "Trang chủ / Thời sự" lines."""
    if len(line) > 120 or ":" in line or any(ch.isdigit() for ch in line):
        return False
    parts = _BREADCRUMB_SEP.split(line)
    return len(parts) >= 2 and all(0 < word_count(p) <= 6 for p in parts) and not line.endswith(".")


def is_menu(line: str, vocab: Vocabulary) -> bool:
    """Return True for a line made only of section names (a menu, a section label)."""
    if len(line) > 200:
        return False
    folded = line.casefold().strip(" :|•·>»")
    if folded in vocab.furniture.section_labels:
        return True
    words = folded.split()
    known = sum(1 for word in words if word in vocab.furniture.section_words)
    if known < len(words) / 2:
        return False  # most words are no section name's: running text, cheaply told
    if vocab.furniture.section_re.fullmatch(line.strip()):
        return True
    # Mostly section names ("Thế giới: Vấn đề & Sự kiện", a menu with a name we lack).
    found = [m.group(0) for m in vocab.furniture.section_re.finditer(line)]
    if not found:
        return False
    letters = len(_NOT_ALNUM.sub("", line))
    covered = len(_NOT_ALNUM.sub("", "".join(found)))
    return letters > 0 and covered / letters >= MENU_COVERAGE and not line.endswith((".", "?", "!"))


def is_furniture(line: str, vocab: Vocabulary) -> bool:
    """Return True for a line that is only site furniture (share bars, counters, prompts)."""
    furniture = vocab.furniture
    folded = line.casefold().strip(" :|•·")
    if folded in furniture.drop_lines:
        return True
    if len(line) <= 240 and not _is_news_sentence(line) and furniture.drop_re.fullmatch(line):
        return True
    if len(line) <= 300 and furniture.notice_re.fullmatch(line):
        return True
    return line.startswith(furniture.inline_links)


def _is_news_sentence(line: str) -> bool:
    """Return True for a line shaped like a sentence of the article: many words, a full stop.

    The furniture patterns end in open tails ("Theo dõi … trên …", "Quảng cáo …"); a real
    sentence that happens to begin like them ("Theo dõi diễn biến trên Biển Đông, các
    nước …") is not furniture.
    """
    return word_count(line) >= NEWS_SENTENCE_WORDS and line.rstrip().endswith((".", "…", "!"))


def is_page_line(line: str, vocab: Vocabulary) -> bool:
    """Return True for a copyright, licence, follow-us or app line (it may name the outlet)."""
    if len(line) > 300 or not vocab.furniture.page_re.fullmatch(line):
        return False
    # A copyright or licence line is short or names its outlet; a sentence is not furniture.
    return not _is_news_sentence(line) or vocab.outlets.named_in(line) is not None


def is_stop_heading(line: str, vocab: Vocabulary) -> bool:
    """Return True for a heading that opens a list of other articles ("Tin liên quan")."""
    if len(line) > 80:
        return False
    head = line.strip(" :>»-–—").casefold()
    if head in vocab.furniture.stop_headings:
        return True
    return (
        word_count(head) <= 7
        and bool(vocab.furniture.stop_heading_words.search(head))
        and (not head.endswith((".", "?", "!", ",")))
    )


def tag_list_heading(line: str, vocab: Vocabulary) -> bool:
    """Return True for "Từ khóa: ASEAN, Biển Đông" (a page's tags: the page ends there)."""
    head, sep, tail = line.partition(":")
    return (
        bool(sep)
        and head.strip().casefold() in vocab.furniture.tag_list_headings
        and (len(tail) < 300)
    )


def urls_in(line: str) -> list[str]:
    return _URL.findall(line)


def without_urls(line: str) -> str:
    return _URL.sub("", line)
