"""The archive's writes, told to the audit log (the ``audit`` app) when it is installed.

The services and the importer call these; they run inside the writer's transaction, so a
write that is rolled back leaves no entry.
"""

from django.apps import apps


def record(action: str, target=None, *, user=None, via: str = "", detail=None, **extra):
    if not apps.is_installed("audit"):
        return
    from audit import record as audit_record

    audit_record(action, actor=user, target=target, via=via, detail=detail or {}, **extra)


def record_many(entries: list[dict]) -> None:
    """Record many entries in one write (dicts of ``audit.record``'s arguments)."""
    if not entries or not apps.is_installed("audit"):
        return
    from audit import record_many as audit_record_many

    audit_record_many(entries)
