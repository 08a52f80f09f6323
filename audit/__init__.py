"""The audit log: who did what and when.

    from audit import acting_as, record, record_many

`record` and `record_many` are loaded on first use (they need the models); `acting_as`
and `current_actor` need nothing.
"""

from .context import acting_as, current_actor

__all__ = ["acting_as", "current_actor", "record", "record_many"]


def __getattr__(name):
    if name in {"record", "record_many"}:
        from . import recording

        return getattr(recording, name)
    raise AttributeError(f"module 'audit' has no attribute {name!r}")
