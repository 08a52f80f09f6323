"""Stage 4: the outlet, from positive evidence only.

Every stage votes for the outlet it saw: a copyright or "follow us" line, the page's
signature or logo, the lead marker ("TTO -"), the source line or URL, a byline's outlet
("Thu Hằng/VOV.VN"), an agency dateline, a photo credit. The heaviest total wins; ties go
to the evidence seen first. Without any vote the outlet stays empty and a warning says so.
"""

from ..vocabulary import OutletInfo
from .model import Evidence, OutletVote


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
