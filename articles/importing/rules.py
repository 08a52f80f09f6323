"""Load the importer's data files (fixtures/importing/*.json) into matchers.

The rules are data so that a new outlet or a new piece of site furniture is an
edit to a JSON file, not to the parser.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

from ..text import normalise_inline


@dataclass(frozen=True)
class OutletInfo:
    name: str
    domain: str


@dataclass
class Rules:
    outlets: list[dict]
    stop_headings: set[str]
    inline_links: tuple[str, ...]
    drop_lines: set[str]
    drop_patterns: list[re.Pattern]
    credit_labels: list[str]
    section_labels: set[str]
    lead_markers: list[tuple[str, OutletInfo]] = field(default_factory=list)
    signatures: list[tuple[str, OutletInfo]] = field(default_factory=list)
    signature_patterns: list[tuple[re.Pattern, OutletInfo]] = field(default_factory=list)
    names: dict[str, OutletInfo] = field(default_factory=dict)
    domains: dict[str, OutletInfo] = field(default_factory=dict)

    def outlet_for_domain(self, domain: str) -> OutletInfo | None:
        domain = domain.lower().removeprefix("www.")
        while domain:
            if domain in self.domains:
                return self.domains[domain]
            domain = domain.partition(".")[2]
        return None

    def outlet_for_name(self, name: str) -> OutletInfo | None:
        key = normalise_inline(name).casefold().strip(" .")
        return self.names.get(key) or self.outlet_for_domain(key)


def fixtures_dir() -> Path:
    return Path(settings.ARCHIVE_FIXTURES_DIR)


def read_json(relative: str) -> dict:
    path = fixtures_dir() / relative
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@cache
def load_rules() -> Rules:
    """Return the importer rules, read once per process."""
    data = read_json("importing/rules.json")
    outlets = read_json("importing/outlets.json")["outlets"]
    rules = Rules(
        outlets=outlets,
        stop_headings={h.casefold() for h in data["stop_headings"]},
        inline_links=tuple(data["inline_links"]),
        drop_lines={line.casefold() for line in data["drop_lines"]},
        drop_patterns=[re.compile(p, re.IGNORECASE) for p in data["drop_patterns"]],
        credit_labels=data["credit_labels"],
        section_labels={s.casefold() for s in data["section_labels"]},
    )
    for entry in outlets:
        info = OutletInfo(name=entry["name"], domain=entry["domain"])
        rules.domains[info.domain] = info
        for name in [*entry.get("names", []), info.name, info.domain]:
            rules.names[normalise_inline(name).casefold()] = info
        for marker in entry.get("lead_markers", []):
            rules.lead_markers.append((marker, info))
        for signature in entry.get("signatures", []):
            rules.signatures.append((signature.casefold(), info))
        for pattern in entry.get("signature_patterns", []):
            rules.signature_patterns.append((re.compile(pattern, re.IGNORECASE), info))
    # Longest marker first, so "QĐND Online -" wins over "QĐND -".
    rules.lead_markers.sort(key=lambda item: -len(item[0]))
    return rules
