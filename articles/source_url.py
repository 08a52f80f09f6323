"""An article's source URL: one rule for every way one arrives (API, admin, importer).

What is stored is a URI (what the API's ``format: uri`` promises): an http(s) scheme and a
host, letters outside ASCII percent-encoded, an internationalised domain in IDNA, no
character RFC 3986 leaves out. ``strict`` refuses what is not one (an editor's input, who
can correct it); ``lenient`` mends what can be mended (a scraped page's link, or a value
stored before writes were checked) and gives None for what cannot.
"""

import ipaddress
import re
from urllib.parse import quote

from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _

# The column's length (Article.source_url).
MAX_LENGTH = 500

# What an editor is told when ``strict`` refuses a value.
REFUSAL = _(
    "Đường dẫn gốc phải là một URL http(s) dài tối đa 500 ký tự, không có dấu cách, dấu "
    "ngoặc kép, <, >, {, }, |, \\, ^, ` hay dấu ngoặc vuông (trừ quanh một địa chỉ IPv6)."
)

# What no URI holds, even an IRI: white space, controls, lone surrogates, and the characters
# RFC 3986 leaves out ("<>\"{}|\\^`"); a "%" that starts no escape.
_UNSAFE = re.compile(r'[\s\x00-\x1f\x7f"<>\\^`{|}\ud800-\udfff]')
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_NOT_IN_URI = re.compile(f"{_UNSAFE.pattern}|{_LONE_PERCENT.pattern}")
# "[" and "]" delimit an IPv6 host and nothing else: after the host they are escaped.
_BRACKETS = re.compile(r"[\[\]]")
# The scheme and the authority, read from the text as it is (urlsplit lowercases the scheme
# and drops white space, which would shift what follows).
_HEAD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)")
_IPV6_AUTHORITY = re.compile(r"\[([0-9A-Fa-f:.]+(?:%25[0-9A-Za-z._~-]+)?)\](?::(\d*))?")
_NAME_AUTHORITY = re.compile(r"([^:\[\]@]+)(?::(\d*))?")
_ASCII_HOST = re.compile(r"[a-z0-9._~-]+")


class NotASourceURL(ValueError):
    """The value is no http(s) URL, or holds a character no URL may hold."""


def _authority(authority: str) -> str:
    """Return the host (lower case, IDNA) and port of an authority; raise ValueError for
    user information, an unbracketed or malformed IPv6 address, a bad port or host."""
    ipv6 = _IPV6_AUTHORITY.fullmatch(authority)
    if ipv6:
        host, port = ipv6.groups()
        ipaddress.IPv6Address(host.split("%25")[0])
        host = f"[{host.lower()}]"
    else:
        name = _NAME_AUTHORITY.fullmatch(authority)
        if name is None:
            raise ValueError(authority)
        host, port = name.groups()
        host = host.encode("idna").decode("ascii").lower()
        if not _ASCII_HOST.fullmatch(host) or not host.strip("."):
            raise ValueError(authority)
    if port and int(port) > 65535:
        raise ValueError(authority)
    return f"{host}:{port}" if port else host  # an empty port ("a.vn:") is no port


def strict(value: str) -> str:
    """Return the http(s) URL ``value`` as a URI; raise ``NotASourceURL`` for another
    scheme, no host, user information, a character no URL may hold, or one longer than
    the column. An empty value stays empty."""
    if not value:
        return value
    head = _HEAD.match(value)
    if (
        head is None
        or head.group(1).lower() not in ("http", "https")
        or _NOT_IN_URI.search(value)
        or value.count("#") > 1
    ):
        raise NotASourceURL(value)
    rest = value[head.end() :]
    if _BRACKETS.search(rest):
        raise NotASourceURL(value)
    try:
        netloc = _authority(head.group(2))
        uri = f"{head.group(1).lower()}://{netloc}{iri_to_uri(rest)}"
    except (ValueError, UnicodeError):
        raise NotASourceURL(value) from None
    if len(uri) > MAX_LENGTH:
        raise NotASourceURL(value)
    return uri


def lenient(value: str) -> str | None:
    """Return ``value`` as a URI, white space around it dropped and the characters no URI
    holds percent-encoded ("a|b", "%zz", "[1]" after the host); None when there is none,
    or when it is no http(s) URL (or too long to keep) even so."""
    value = (value or "").strip()
    head = _HEAD.match(value)
    if head is None:
        return None
    rest = value[head.end() :]
    path, sep, fragment = rest.partition("#")
    rest = path + sep + fragment.replace("#", "%23")
    rest = _LONE_PERCENT.sub("%25", rest)
    try:
        rest = _UNSAFE.sub(lambda m: quote(m.group()), rest)
        rest = _BRACKETS.sub(lambda m: quote(m.group()), rest)
        return strict(head.group() + rest)
    except (NotASourceURL, UnicodeError):
        return None
