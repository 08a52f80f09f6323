"""Vietnamese text rules shared by the models, the importer and search.

- ``normalise`` is applied to all text on the way in: NFC, LF line ends, no BOM,
  no zero-width or bidirectional control characters, no non-breaking spaces, one
  tone-mark placement.
- ``slugify_vi`` makes ASCII slugs where "đ/Đ" become "d" (Django's slugify drops them).
- ``fold`` removes every diacritic, for matching queries typed without them.
"""

import hashlib
import itertools
import re
import unicodedata

from django.utils.text import slugify

# Combining tone marks, in NFD: grave, acute, hook above, tilde, dot below.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
# Old-style tone placement ("hoà", "thuý") moved to the modern one ("hòa", "thúy") in
# open syllables, so one spelling of a word matches the other. Closed syllables
# ("hoàn", "thuyền") already agree in both styles and are left alone.
_OLD_STYLE_OA_OE = re.compile(rf"([oO])([aAeE])([{_TONES}])(?![^\W\d_])")
_OLD_STYLE_UY = re.compile(rf"(?<![qQ])([uU])([yY])([{_TONES}])(?![^\W\d_])")
# The same, composed: what an NFC text holds when an old-style placement may be in it.
_MAY_BE_OLD_STYLE = re.compile(
    r"(?:[oO][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ]|(?<![qQ])[uU][ỳýỷỹỵỲÝỶỸỴ])(?![^\W\d_])"
)
_MODERN = {
    first + unicodedata.normalize("NFC", vowel + tone): unicodedata.normalize("NFC", first + tone)
    + vowel
    for firsts, vowels in (("oO", "aAeE"), ("uU", "yY"))
    for first in firsts
    for vowel in vowels
    for tone in _TONES
}
# Zero-width characters, the soft hyphen, and the bidirectional marks, embeddings, overrides
# and isolates (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069): a title or byline
# holding U+202E would show reversed, and no Vietnamese text needs them.
_INVISIBLE_CHARS = (
    "\ufeff\u200b\u200c\u200d\u2060\u00ad"
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]+")
_ODD_SPACES = "\t\u00a0\u2007\u202f\u3000"
# Runs of white space other than a single plain space (those need no rewriting).
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u3000]{2,}|[\t\u00a0\u2007\u202f\u3000]")


def normalise_tones(text: str) -> str:
    """Return ``text`` with old-style tone placement rewritten to the modern style."""
    if unicodedata.is_normalized("NFC", text):
        # Composed text: swap the pairs directly ("oà" -> "òa"), no decomposing round trip.
        return _MAY_BE_OLD_STYLE.sub(lambda m: _MODERN[m.group(0)], text)
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _OLD_STYLE_OA_OE.sub(r"\1\3\2", decomposed)
    decomposed = _OLD_STYLE_UY.sub(r"\1\3\2", decomposed)
    return unicodedata.normalize("NFC", decomposed)


def normalise(text: str) -> str:
    """Return ``text`` as the archive stores it: NFC, LF, single spaces, stripped lines."""
    if any(ch in text for ch in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "  " in text or any(ch in text for ch in _ODD_SPACES):
        text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


def normalise_inline(text: str) -> str:
    """Return a one-line value (a title, a name) normalised and stripped."""
    return " ".join(normalise(text).split())


# The combining marks Vietnamese uses (and most Latin diacritics) are in this block.
_COMMON_MARKS = re.compile("[\u0300-\u036f]+")


def fold(text: str) -> str:
    """Return ``text`` lower-cased with every diacritic removed ("Biển Đông" -> "bien dong")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    if text.isascii():
        return text.lower()
    stripped = _COMMON_MARKS.sub("", unicodedata.normalize("NFD", text))
    for ch in {ch for ch in set(stripped) if ord(ch) > 0x7F and unicodedata.combining(ch)}:
        stripped = stripped.replace(ch, "")  # a rarer combining mark
    return unicodedata.normalize("NFC", stripped).lower()


def has_diacritics(text: str) -> bool:
    """Return True if ``text`` carries any Vietnamese diacritic (or đ)."""
    return fold(text) != text.lower()


def search_key(text: str) -> str:
    """Return ``text`` as compared by a search typed with diacritics: exact but case-free."""
    return normalise_tones(unicodedata.normalize("NFC", text)).lower()


_NON_WORD = re.compile(r"[^\w\n ]+|_+")  # spaces are collapsed by split() below


def search_words(text: str) -> str:
    """Return ``text`` as the search columns store it: ``search_key`` lower case, words
    separated by single spaces whatever punctuation stood between them, each line opened
    and closed by a space, so that " word" matches only at the start of a word."""
    lines = _NON_WORD.sub(" ", search_key(text)).split("\n")
    return "\n".join(f" {' '.join(line.split())} " for line in lines)


def search_columns(*parts: str) -> tuple[str, str, str, str]:
    """Return an article's derived search columns for its title, lead and body: the exact
    words, the folded words, the distinct words of both, and the distinct pairs of
    neighbouring folded words (what the indexes hold)."""
    words = search_words("\n".join(part for part in parts if part))
    folded = fold(words)
    return words, folded, index_words(words, folded), index_pairs(folded)


# Joins the two words of a pair: never part of a word (search_words keeps letters and digits
# only), and a letter to SQLite's ascii tokenizer, so a pair is one token on both databases.
PAIR_JOINER = "\u00b7"


def word_pairs(line: str) -> list[str]:
    """Return the pairs of neighbouring words of one line: "a b c" -> ["a·b", "b·c"]."""
    return [f"{a}{PAIR_JOINER}{b}" for a, b in itertools.pairwise(line.split())]


def index_pairs(folded: str) -> str:
    """Return every distinct pair of neighbouring folded words once, line by line (a phrase
    never runs across a line): the phrase index, which finds "an ninh hàng hải" by its
    pairs instead of reading every article holding the four words."""
    pairs = (pair for line in folded.split("\n") for pair in word_pairs(line))
    return index_tokens(pairs)


# What the indexes hold of an article, whatever its size: PostgreSQL refuses a word of more
# than 2,047 bytes and a tsvector of more than 1 MB. Words are cut to INDEX_WORD_LENGTH
# characters (a query word as long is looked up as a prefix and checked on the text), and
# an article keeps its first INDEX_TOKENS distinct words and pairs (a few hundred is usual).
INDEX_WORD_LENGTH = 100
INDEX_TOKENS = 20_000


def index_tokens(tokens) -> str:
    distinct = dict.fromkeys(token[:INDEX_WORD_LENGTH] for token in tokens)
    return " ".join(itertools.islice(distinct, INDEX_TOKENS))


def index_words(words: str, folded: str) -> str:
    """Return every distinct word of the search columns once, separated by spaces: the
    search index holds words without positions, so the database builds it from a few
    hundred words instead of splitting and sorting every word of the text. Line by line,
    exact and folded together, so an article cut at INDEX_TOKENS keeps its first lines."""
    lines = zip(words.split("\n"), folded.split("\n"), strict=False)
    return index_tokens(word for pair in lines for line in pair for word in line.split())


def slugify_vi(text: str, max_length: int = 0) -> str:
    """Return an ASCII slug: "Đối thoại ASEAN–Mỹ" -> "doi-thoai-asean-my".

    With ``max_length`` the slug is cut at a word boundary.
    """
    text = re.sub(r"[–—/]", " ", str(text).replace("đ", "d").replace("Đ", "D"))
    slug = slugify(text)
    if max_length and len(slug) > max_length:
        slug = (
            slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
        )
    return slug.strip("-")


def title_case_name(name: str) -> str:
    """Return a byline printed in capitals as a name: "HOÀNG LINH" -> "Hoàng Linh"."""
    if name.upper() != name:
        return name
    return " ".join(word.capitalize() for word in name.split())


def content_hash(text: str) -> str:
    """Return the hash that identifies an import: of the normalised text, so NFD, CRLF or
    BOM variants of one file are the same article."""
    return hash_normalised(normalise(text))


def hash_normalised(normalised: str) -> str:
    """Return ``content_hash`` of a text that ``normalise`` has already been through."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
