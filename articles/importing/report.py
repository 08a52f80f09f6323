"""The import report, built in one place: a text line or a JSON object per file, a summary.

The command, the admin and the tests all read results through these functions.
"""

import json
from dataclasses import dataclass

from .prepare import Prepared

ACTIONS = ("created", "unchanged", "exists", "parsed", "failed")


@dataclass
class ImportResult:
    """What happened to one input: ``action`` is one of ACTIONS."""

    prepared: Prepared
    action: str = ""
    article_id: int | None = None
    error: str = ""

    @property
    def source_file(self) -> str:
        return self.prepared.source_file

    @property
    def parsed(self):
        return self.prepared.parsed

    @property
    def meetings(self):
        return [p.ref for p in self.prepared.meetings]

    @property
    def themes(self):
        return [p.ref for p in self.prepared.themes]

    def as_dict(self) -> dict:
        """Return the result as the importer's JSON object."""
        if self.action == "failed" or self.parsed is None:
            return {"source_file": self.source_file, "action": "failed", "error": self.error}
        parsed = self.parsed
        outlet = parsed.outlet
        data = {
            "source_file": self.source_file,
            "action": self.action,
            "article_id": self.article_id,
            "title": parsed.title,
            "lead": parsed.lead,
            "body": parsed.body,
            "author": parsed.author,
            "outlet": {"name": outlet.name, "domain": outlet.domain} if outlet else None,
            "source_url": parsed.source_url,
            "published_on": parsed.published_on.isoformat() if parsed.published_on else None,
            "meetings": [p.as_dict() for p in self.prepared.meetings],
            "themes": [p.as_dict() for p in self.prepared.themes],
            "figures": [f.as_dict() for f in parsed.figures],
            "warnings": list(parsed.warnings),
        }
        if self.error:
            data["error"] = self.error
        return data


def json_line(result: ImportResult) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False)


def text_line(result: ImportResult) -> str:
    """Return the one line the text report prints for a file."""
    path = result.source_file
    if result.action == "failed":
        return f"{path}: error: {result.error}"
    parsed = result.parsed
    tags = ", ".join([m.slug for m in result.meetings] + [t.slug for t in result.themes])
    warnings = "".join(f" [warning: {w}]" for w in parsed.warnings)
    if result.action == "created":
        head = f"{path}: created #{result.article_id}"
    elif result.action == "unchanged":
        head = f"{path}: unchanged (already imported as #{result.article_id})"
    elif result.action == "exists":
        head = f"{path}: skipped: {result.error}"
    else:
        head = f"{path}: parsed (dry run)"
    return f"{head} “{parsed.title}” {parsed.published_on or '?'} [{tags}]{warnings}"


def summary(counts: dict[str, int], total: int, seconds: float | None = None) -> str:
    parts = ", ".join(f"{counts[a]} {a}" for a in ACTIONS if counts.get(a))
    line = f"{total} file(s): {parts or 'nothing to do'}"
    if seconds:
        line += f" in {seconds:.1f} s ({total / seconds:.0f} files/s)"
    return line
