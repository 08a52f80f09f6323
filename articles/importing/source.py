"""Source lines: "Nguồn VietnamNet: https://…", "(theo baodientu.chinhphu.vn)", "Theo VOV",
"Nguồn: Báo Chính phủ", a bare URL. They give the source URL and the outlet, and leave
the body."""

import re
from dataclasses import dataclass, field

from ..vocabulary import OutletInfo, Vocabulary
from . import lines as L

MAX_SOURCE_LINE = 90
# Text a URL line may carry beside its URL ("Nguồn VietnamNet:") and still be a source line.
MAX_URL_LINE_TEXT = 40


@dataclass
class Source:
    url: str = ""
    outlets: list[OutletInfo] = field(default_factory=list)
    url_outlet: OutletInfo | None = None
    # True when the line says it is a source ("Nguồn: …") or the URL is a known outlet's;
    # a bare link to anything else is one only at the very end of the page.
    certain: bool = True


def read_source_line(line: str, vocab: Vocabulary) -> Source | None:
    """Return the source a line names, or None when it is not a source line."""
    urls = L.urls_in(line)
    if urls:
        rest = L.without_urls(line)
        if len(rest.strip(" .:()[]-–")) > MAX_URL_LINE_TEXT:
            return None
        url = urls[0].rstrip(".,;)")
        if url.lower().startswith("www."):
            url = "https://" + url
        source = Source(url=url)
        domain = re.sub(r"^https?://", "", url, flags=re.IGNORECASE).split("/")[0]
        source.url_outlet = vocab.outlets.for_domain(domain)
        source.certain = bool(source.url_outlet) or bool(vocab.labels.source_re.match(line))
        if source.url_outlet is None and domain:
            source.url_outlet = OutletInfo(
                name=domain.removeprefix("www."), domain=domain.lower().removeprefix("www.")
            )
        who = vocab.labels.source_re.sub("", rest.strip(" .:()")).strip(" .:()")
        outlet = vocab.outlets.for_name(who) if who else None
        if outlet:
            source.outlets.append(outlet)
        return source
    if len(line) > MAX_SOURCE_LINE:
        return None
    match = vocab.labels.source_re.match(line)
    if not match:
        return None
    who = line[match.end() :].strip(" .:()[]")
    if not who or L.word_count(who) > 6 or "," in who or who.endswith(("?", "!")):
        return None
    outlet = vocab.outlets.for_name(who) or vocab.outlets.named_in(who)
    if outlet is None and not who[:1].isupper() and "." not in who:
        return None
    return Source(outlets=[outlet] if outlet else [])
