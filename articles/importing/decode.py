"""Bytes of an input file -> its text, or an ImportFailure saying in one line what it is instead.

Every check runs in C (bytes.find, bytes.count, bytes.translate, str.decode, bounded regular
expressions over a fixed-size sample), so deciding a 50 MB input takes a fraction of a second.
The heuristics that name a wrong encoding only choose the wording of a refusal: a file is
accepted only when it decodes strictly as UTF-8 (or as UTF-16/32 behind a byte-order mark).
"""

import codecs
import re

from .errors import ImportFailure

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

# How much of a file the wording heuristics look at: enough to judge, bounded so they stay cheap.
SAMPLE_BYTES = 64 * KB
LEGACY_SAMPLE_BYTES = 1 * MB

# More control characters than this share of the sample (not counting tab, newlines, form
# feed) and the file is binary: text has next to none.
BINARY_MAX_CONTROL_SHARE = 0.05

# UTF-16 without a byte-order mark: ASCII and Latin letters have a zero high byte, so at least
# this share of the bytes at one parity are NUL, and at most the other share at the other.
# At least UTF16_MIN_NULS of them, so that a few bytes of binary are not taken for it.
UTF16_MIN_NULS = 4
UTF16_MIN_NUL_SHARE = 0.25
UTF16_MAX_OTHER_NUL_SHARE = 0.05

# "Mostly UTF-8 but damaged": at least this many valid non-ASCII characters per invalid one.
DAMAGED_UTF8_MIN_RATIO = 2

# Windows-1258 writes most Vietnamese tones as combining marks after the vowel, and has
# ă đ ơ ư where Latin-1 has ã ð õ ý. Text needs both to be called Vietnamese.
CP1258_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
CP1258_VIETNAMESE_LETTERS = "ĂăĐđƠơƯư"
CP1258_MIN_TONE_MARKS = 1
CP1258_MIN_LETTERS = 1

# HTML page source: see looks_like_html.
HTML_SAMPLE_CHARS = 64 * KB
HTML_MIN_TAGS = 5
HTML_MIN_TAG_LINE_SHARE = 0.3

HTML_MESSAGE = (
    "HTML page source, not article text: open the page in a browser and save the article's "
    "text (File > Save as text), or copy it"
)

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

# Signatures at offset 0, each unlikely to start a line of text.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive, or a Word .docx / OpenDocument file"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Microsoft Office document, .doc or .xls"),
    (b"{\\rtf", "RTF document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"BZh91AY&SY", "bzip2 archive"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable program"),
    (b"MZ\x90\x00", "Windows program"),
    (b"OggS\x00", "Ogg audio/video"),
    (b"ID3\x03", "MP3 audio"),
    (b"ID3\x04", "MP3 audio"),
)
_RIFF_KINDS = {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}

# Control characters that text does not contain: all C0 but NUL, tab, LF, VT, FF and CR; DEL.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x01-\x08\x0e-\x1f\x7f]")

_HTML_TAG_NAMES = (
    r"html|head|body|title|meta|link|script|style|noscript|iframe|div|span|p|a|br|hr|img|"
    r"picture|source|video|audio|svg|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|td|th|"
    r"h[1-6]|header|footer|nav|section|article|aside|main|figure|figcaption|form|input|"
    r"button|label|select|option|textarea|strong|em|b|i|u|small|blockquote|pre|code|time"
)
# A page: what it starts with (also Internet Explorer's "<!-- saved from url=… -->").
_HTML_START = re.compile(r"[\s\ufeff]*<(?:!doctype\s+html|html|\?xml|head|body|!--)", re.I)
# A tag: a known element name, then attributes bounded so matching stays linear.
_HTML_TAG = re.compile(rf"</?(?:{_HTML_TAG_NAMES})(?=[\s/>])[^<>]{{0,1000}}>", re.I)
_HTML_TAG_LINE = re.compile(rf"^[ \t]*<(?:/?(?:{_HTML_TAG_NAMES})(?=[\s/>])|!--)", re.I | re.M)
_NONBLANK_LINE = re.compile(r"^[ \t]*\S", re.M)


def decode_input(data: bytes, *, max_bytes: int | None = None) -> str:
    """Return the text of an input file, or raise ImportFailure saying what the file is."""
    if not data:
        raise ImportFailure("empty file")
    check_size(len(data), max_bytes)
    bom = _find_bom(data)
    if bom is not None and bom[1] != "utf-8":
        text = _decode_wide(data, *bom)
    else:
        text = _decode_utf8(data, skip=len(bom[0]) if bom else 0)
    if not text:
        raise ImportFailure("empty file (only a byte-order mark)")
    if text.isspace():  # stops at the first visible character
        raise ImportFailure("empty file (only whitespace)")
    if looks_like_html(text):
        raise ImportFailure(HTML_MESSAGE)
    return text


def check_size(size: int, max_bytes: int | None, *, at_least: bool = False) -> None:
    """Raise ImportFailure when size exceeds max_bytes (None: no limit).

    at_least says the size is a lower bound: the file was read only up to the limit.
    """
    if max_bytes is None or size <= max_bytes:
        return
    shown, limit = format_size(size), format_size(max_bytes)
    if at_least:
        shown = f"more than {limit}"
    elif shown == limit:  # rounding would print "10 MB (the limit is 10 MB)"
        shown, limit = f"{size:,} bytes", f"{max_bytes:,} bytes"
    raise ImportFailure(f"file too large: {shown} (the limit is {limit}; raise it with --max-size)")


def format_size(size: int) -> str:
    """Return a size for people: '900 bytes', '12.3 MB', '10 MB'."""
    for unit, name in ((GB, "GB"), (MB, "MB"), (KB, "KB")):
        if size >= unit:
            return f"{size / unit:.1f}".removesuffix(".0") + f" {name}"
    return f"{size} bytes"


def looks_like_html(text: str) -> bool:
    """Return True when the text is HTML page source rather than an article's words.

    A page starts with a doctype, <html>, <?xml>, <head>, <body> or a comment. A fragment has at
    least HTML_MIN_TAGS tags of known HTML elements and at least HTML_MIN_TAG_LINE_SHARE of its
    non-blank lines start with one. Article text that mentions "a < b" or "<<Hiệp định>>" has
    neither. Only the first HTML_SAMPLE_CHARS characters are looked at: a page shows it early.
    """
    sample = text[:HTML_SAMPLE_CHARS]
    if _HTML_START.match(sample):
        return True
    if len(_HTML_TAG.findall(sample)) < HTML_MIN_TAGS:
        return False
    tag_lines = len(_HTML_TAG_LINE.findall(sample))
    return tag_lines >= HTML_MIN_TAG_LINE_SHARE * len(_NONBLANK_LINE.findall(sample))


def _find_bom(data: bytes) -> tuple[bytes, str, str] | None:
    """Return (mark, codec, name) of the byte-order mark data starts with, if any."""
    for bom in _BOMS:
        if data.startswith(bom[0]):
            return bom
    return None


def _decode_wide(data: bytes, bom: bytes, codec: str, name: str) -> str:
    """Decode UTF-16 or UTF-32 text behind its byte-order mark; refuse NULs and binary."""
    try:
        text = data[len(bom) :].decode(codec)
    except UnicodeDecodeError as exc:
        raise ImportFailure(
            f"not valid {name} text despite its byte-order mark "
            f"(invalid data at offset {len(bom) + exc.start})"
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        offset = len(bom) + len(text[:nul].encode(codec))
        raise ImportFailure(f"binary file, not text: NUL character at offset {offset}")
    share = _control_share_text(text[: SAMPLE_BYTES // 2])
    if share > BINARY_MAX_CONTROL_SHARE:
        raise ImportFailure(_many_controls(share))
    return text


def _decode_utf8(data: bytes, *, skip: int) -> str:
    """Decode UTF-8 (skip: the length of its byte-order mark), or say what the data is instead."""
    if not skip:
        kind = binary_kind(data)
        if kind:
            raise ImportFailure(f"binary file ({kind}), not text")
    nul = data.find(b"\x00")  # anywhere: PostgreSQL cannot store NUL in text
    if nul >= 0:
        if not skip and _looks_like_utf16(data):
            raise ImportFailure(
                "not UTF-8 text: looks like UTF-16 without a byte-order mark; save it as UTF-8"
            )
        raise ImportFailure(f"binary file, not text: NUL byte at offset {nul}")
    share = _control_share(data[:SAMPLE_BYTES])
    if share > BINARY_MAX_CONTROL_SHARE:
        raise ImportFailure(_many_controls(share))
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ImportFailure(describe_not_utf8(data, skip + exc.start)) from None


def binary_kind(data: bytes) -> str:
    """Return what kind of binary file data starts like ('PNG image'), or ''."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"RIFF") and data[8:12] in _RIFF_KINDS:
        return _RIFF_KINDS[data[8:12]]
    if data[4:8] == b"ftyp":
        return "MP4 video or HEIC image"
    return ""


def describe_not_utf8(data: bytes, offset: int) -> str:
    """Return the refusal for data whose first invalid UTF-8 byte is at offset."""
    where = f"not UTF-8 text (invalid byte 0x{data[offset]:02x} at offset {offset})"
    sample = _window(data, offset, LEGACY_SAMPLE_BYTES)
    bad = _damaged_utf8(sample)
    if bad:
        return (
            f"{where}: mostly UTF-8 but with {bad} invalid sequence(s), so the file is damaged "
            "or mixes encodings; save it as UTF-8"
        )
    if _looks_like_cp1258(sample):
        return f"{where}: looks like Windows-1258 (Vietnamese legacy encoding); save it as UTF-8"
    return f"{where}: looks like Latin-1 / Windows-1252 or another 8-bit encoding; save it as UTF-8"


def _window(data: bytes, offset: int, size: int) -> bytes:
    """Return about size bytes of data around offset, starting on a UTF-8 character boundary."""
    start = max(0, offset - size // 2)
    # Skip continuation bytes (10xxxxxx): a window starting mid-character would count as damage.
    for _ in range(3):  # a UTF-8 character has at most three
        if start < offset and data[start] & 0xC0 == 0x80:
            start += 1
    return data[start : start + size]


def _damaged_utf8(sample: bytes) -> int:
    """Return the number of invalid sequences when the sample is mostly valid UTF-8, else 0."""
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return bad if non_ascii >= DAMAGED_UTF8_MIN_RATIO * bad else 0


def _looks_like_cp1258(sample: bytes) -> bool:
    """Return True when the sample reads as Vietnamese in Windows-1258."""
    text = sample.decode("cp1258", errors="replace")
    tones = sum(text.count(mark) for mark in CP1258_TONE_MARKS)
    letters = sum(text.count(letter) for letter in CP1258_VIETNAMESE_LETTERS)
    return tones >= CP1258_MIN_TONE_MARKS and letters >= CP1258_MIN_LETTERS


def _looks_like_utf16(data: bytes) -> bool:
    """Return True when NULs sit at alternate positions, as in UTF-16 ASCII and Latin text."""
    sample = data[: min(len(data), SAMPLE_BYTES) & ~1]  # whole code units
    half = len(sample) // 2
    counts = sorted((sample[0::2].count(0), sample[1::2].count(0)))
    return (
        counts[1] >= UTF16_MIN_NULS
        and counts[1] >= UTF16_MIN_NUL_SHARE * half
        and counts[0] <= UTF16_MAX_OTHER_NUL_SHARE * half
    )


def _control_share(sample: bytes) -> float:
    """Return the share of control bytes (see _CONTROL_BYTES) in the sample."""
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


def _control_share_text(sample: str) -> float:
    """Return the share of control characters in the sample."""
    if not sample:
        return 0.0
    return len(_CONTROL_CHARS.findall(sample)) / len(sample)


def _many_controls(share: float) -> str:
    """Return the refusal for a file with this share of control characters."""
    return f"binary file, not text: {share:.0%} of its first bytes are control characters"
