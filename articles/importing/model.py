"""What the importer's stages return: values with the evidence they were read from."""

import datetime
from dataclasses import dataclass, field

from ..vocabulary import OutletInfo

QUESTION_PREFIX = "PV: "


@dataclass(frozen=True)
class Evidence:
    """Why a value was read: the rule that fired and the line (1-based) it fired on."""

    rule: str
    line: int = 0
    text: str = ""

    def as_dict(self):
        return {"rule": self.rule, "line": self.line, "text": self.text}


@dataclass(frozen=True)
class OutletVote:
    """Positive evidence that the page is ``outlet``'s, weighted by how sure it is."""

    outlet: OutletInfo
    weight: int
    evidence: Evidence


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in the normalised input
    text: str


@dataclass
class ParsedFigure:
    caption: str
    credit: str = ""
    archive: bool = False  # an archive or illustration photo: it shows another event

    def as_dict(self):
        return {"caption": self.caption, "credit": self.credit}


@dataclass
class ParsedArticle:
    title: str
    lead: str
    paragraphs: list[str]
    author: str = ""
    outlet: OutletInfo | None = None
    source_url: str = ""
    published_on: datetime.date | None = None
    figures: list[ParsedFigure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    printed_lead: str = ""  # the lead with its dateline, which may carry the date

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    def own_text(self) -> str:
        """Return the article's own words, where tags are looked for."""
        captions = [figure.caption for figure in self.figures]
        return "\n".join([self.title, self.lead, *self.paragraphs, *captions])

    def parts(self) -> dict[str, list[str]]:
        """Return the article's words by where they stand: the tagger weighs them so."""
        return {
            "title": [self.title],
            "lead": [self.lead],
            "body": list(self.paragraphs),
            "caption": [f.caption for f in self.figures if f.caption and not f.archive],
        }
