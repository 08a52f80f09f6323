"""An article's source URL: one rule for every way one arrives (API, admin, importer).

What is stored is a URI (what the API's ``format: uri`` promises): an http(s) scheme and a
host, letters outside ASCII percent-encoded, an internationalised domain in IDNA, no
character RFC 3986 leaves out. ``strict`` refuses what is not one (an editor's input, who
can correct it); ``lenient`` mends what can be mended (a scraped page's link, or a value
stored before writes were checked) and gives None for what cannot.
"""

import re
from urllib.parse import quote, urlsplit, urlunsplit

from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _

# The column's length (Article.source_url).
MAX_LENGTH = 500

# What an editor is told when ``strict`` refuses a value.
REFUSAL = _(
    "Đường dẫn gốc phải là một URL http(s) dài tối đa 500 ký tự, không có dấu cách, dấu "
    "ngoặc kép, <, >, {, }, |, \\, ^, ` hay dấu ngoặc vuông (trừ quanh một địa chỉ IPv6)."
)

# What no URI holds, even an IRI: white space, controls, and the characters RFC 3986 leaves
# out ("<>\"{}|\\^`"); a "%" that starts no escape.
_UNSAFE = re.compile(r'[\s\x00-\x1f\x7f"<>\\^`{|}]')
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_NOT_IN_URI = re.compile(f"{_UNSAFE.pattern}|{_LONE_PERCENT.pattern}")
# "[" and "]" delimit an IPv6 host and nothing else: after the host they are escaped.
_BRACKETS = re.compile(r"[\[\]]")


class NotASourceURL(ValueError):
    """The value is no http(s) URL, or holds a character no URL may hold."""


def strict(value: str) -> str:
    """Return the http(s) URL ``value`` as a URI; raise ``NotASourceURL`` for another
    scheme, no host, user information, a character no URL may hold, or one longer than
    the column. An empty value stays empty."""
    if not value:
        return value
    if _NOT_IN_URI.search(value) or value.count("#") > 1:
        raise NotASourceURL(value)
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        ascii_host = host.encode("idna").decode("ascii")
        port = parts.port
    except (ValueError, UnicodeError):
        raise NotASourceURL(value) from None
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username is not None:
        raise NotASourceURL(value)
    if _BRACKETS.search(value[value.index(parts.netloc) + len(parts.netloc) :]):
        raise NotASourceURL(value)
    netloc = ascii_host if ":" not in ascii_host else f"[{ascii_host}]"
    if port is not None:
        netloc = f"{netloc}:{port}"
    uri = iri_to_uri(urlunsplit((parts.scheme.lower(), netloc, *parts[2:])))
    if len(uri) > MAX_LENGTH:
        raise NotASourceURL(value)
    return uri


def lenient(value: str) -> str | None:
    """Return ``value`` as a URI, the characters no URI holds percent-encoded ("a|b",
    "%zz", "[1]" after the host); None when there is none, or when it is no http(s) URL
    (or too long to keep) even so."""
    if not value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    head = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    rest = value[len(head) :] if value.startswith(head) else value
    path, sep, fragment = rest.partition("#")
    rest = path + sep + fragment.replace("#", "%23")
    rest = _LONE_PERCENT.sub("%25", rest)
    rest = _UNSAFE.sub(lambda m: quote(m.group()), rest)
    rest = _BRACKETS.sub(lambda m: quote(m.group()), rest)
    try:
        return strict(head + rest)
    except NotASourceURL:
        return None
