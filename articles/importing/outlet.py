"""Stage 4: the outlet, from positive evidence only.

Every stage votes for the outlet it saw: a copyright or "follow us" line, the page's
signature or logo, the lead marker ("TTO -"), the source line or URL, a byline's outlet
("Thu Hằng/VOV.VN"), an agency dateline, a photo credit. The heaviest total wins; ties go
to the evidence seen first. Without any vote the outlet stays empty and a warning says so.
"""

import re

from ..vocabulary import OutletInfo, Vocabulary
from .model import Evidence, OutletVote, ParsedFigure

# A photo credit names the outlet's own photographers' signature ("VGP/Nhật Bắc"), or an
# agency whose photos any outlet prints: the weakest evidence, deciding only ties.
WEIGHT_PHOTO_CREDIT = 1


def credit_votes(figures: list[ParsedFigure], vocab: Vocabulary) -> list[OutletVote]:
    """Return a vote for each outlet named in a photo credit ("Ảnh: VGP/Nhật Bắc")."""
    votes, seen = [], set()
    for figure in figures:
        for part in re.split(r"[/,;-]", figure.credit):
            outlet = vocab.outlets.for_name(part.strip()) if part.strip() else None
            if outlet and outlet not in seen:  # once per outlet, however many photos
                seen.add(outlet)
                evidence = Evidence("photo credit", 0, figure.credit)
                votes.append(OutletVote(outlet, WEIGHT_PHOTO_CREDIT, evidence))
    return votes


def choose_outlet(votes: list[OutletVote]) -> tuple[OutletInfo | None, list[Evidence]]:
    """Return the outlet with the most weight of evidence, and that evidence."""
    if not votes:
        return None, []
    scores: dict[OutletInfo, int] = {}
    first_seen: dict[OutletInfo, int] = {}
    for order, vote in enumerate(votes):
        scores[vote.outlet] = scores.get(vote.outlet, 0) + vote.weight
        first_seen.setdefault(vote.outlet, order)
    best = max(scores, key=lambda outlet: (scores[outlet], -first_seen[outlet]))
    return best, [vote.evidence for vote in votes if vote.outlet == best]
