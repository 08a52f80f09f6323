"""Write audit entries: `record()` for one act, `record_many()` for a bulk path.

Both write inside the caller's transaction (a rolled-back write leaves no entry) and clean
what they are given first, so that odd detail data (dates, sets, decimals, NUL characters,
NaN) never makes the caller's write fail.
"""

import datetime
import decimal
import functools
import math
import uuid
from pathlib import PurePath

from django.apps import apps
from django.conf import settings
from django.db import models

from .context import current_actor, valid_ip
from .models import AuditEntry

# A model's name in the log; other models are named by their model_name.
TARGET_TYPES = {
    "articles.article": "article",
    "articles.meetingtag": "meeting",
    "articles.themetag": "theme",
    "articles.outlet": "outlet",
    "articles.figure": "figure",
    "auth.group": "group",
}
MAX_DEPTH = 12

FIELD_LENGTHS = {
    name: AuditEntry._meta.get_field(name).max_length
    for name in ("actor_name", "target_type", "target_id", "target_repr", "via")
}


def target_type_for(model):
    """Return the log's name for a model class or instance ("article", "user"...)."""
    opts = model._meta.concrete_model._meta
    if opts.label_lower == settings.AUTH_USER_MODEL.lower():
        return "user"
    return TARGET_TYPES.get(opts.label_lower, opts.model_name)


@functools.cache
def model_for_type(target_type):
    """Return the model a target type names, or None."""
    for model in apps.get_models():
        if target_type_for(model) == target_type:
            return model
    return None


def record(action, **fields):
    """Record one act and return its AuditEntry. ``fields`` are ``build_entry``'s: actor,
    target, target_type, target_id, target_repr, via, detail, ip.

    `actor` None: the actor of the current scope (the request's user, `acting_as`); an
    anonymous user is stored as no one. `target` is any model instance; `target_type`,
    `target_id` and `target_repr` name a target without one (or override its values).
    The same act recorded twice in one scope (the admin's log and a signal) makes one
    entry, its detail merged.
    """
    scope = current_actor.get()
    entry = build_entry(action, scope=scope, **fields)
    key = (entry.action, entry.target_type, entry.target_id) if entry.target_id else None
    if scope is not None and key in scope.recorded:
        earlier = scope.recorded[key]
        merged = merge_detail(earlier.detail, entry.detail)
        # Zero rows: the earlier entry was rolled back; this one is then written anew.
        if AuditEntry.objects.filter(pk=earlier.pk).update(detail=merged):
            earlier.detail = merged
            return earlier
    entry.save(force_insert=True)
    if scope is not None and key is not None:
        scope.remember(key, entry)
    return entry


def record_many(entries):
    """Record many acts in one query (a batch of an import: one entry per article).

    Each item is a dict of `record()`'s keyword arguments, with "action".
    """
    scope = current_actor.get()
    built = [build_entry(scope=scope, **item) for item in entries]
    if not built:
        return
    AuditEntry.objects.bulk_create(built)
    if scope is not None:
        for entry in built:
            if entry.pk is not None and entry.target_id:
                scope.remember((entry.action, entry.target_type, entry.target_id), entry)


def build_entry(
    action,
    *,
    scope=None,
    actor=None,
    target=None,
    target_type=None,
    target_id=None,
    target_repr=None,
    via="",
    detail=None,
    ip=None,
):
    """Return an unsaved AuditEntry from `record()`'s arguments, every value cleaned."""
    action = str(action)
    if action not in AuditEntry.Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    if actor is None and scope is not None:
        actor = scope.user
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    user_id = getattr(user, "pk", None)
    if isinstance(target, models.Model):
        target_type = target_type or target_type_for(target)
        if target_id is None and target.pk is not None:
            target_id = target.pk
        if target_repr is None:
            target_repr = describe(target)
    if ip is None and scope is not None:
        ip = scope.ip
    if not via and scope is not None:
        via = scope.via
    detail = json_safe(detail if detail is not None else {})
    return AuditEntry(
        action=action,
        actor_id=user_id,
        actor_name=clean(user.get_username() if user_id is not None else "", "actor_name"),
        target_type=clean(target_type, "target_type"),
        target_id=clean(target_id, "target_id"),
        target_repr=clean(target_repr, "target_repr"),
        via=clean(via, "via"),
        detail=detail if isinstance(detail, dict) else {"value": detail},
        ip=valid_ip(ip),
    )


def describe(instance):
    """Return str(instance), or its model and key when its __str__ fails."""
    try:
        return str(instance)
    except Exception:
        return f"{instance._meta.model_name} {instance.pk}"


def clean(value, field):
    """Return `value` as text that fits `field`: no NUL (PostgreSQL refuses it), cut short."""
    text = "" if value is None else str(value)
    return text.replace("\x00", "")[: FIELD_LENGTHS[field]]


def json_safe(value, depth=0):
    """Return `value` made of JSON's types only: dates as ISO 8601, sets and tuples as
    lists, decimals, UUIDs, paths and model instances as text, NaN and infinities as
    text, keys as text, NUL characters dropped; anything else as its str()."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value.replace("\x00", "")
    if depth >= MAX_DEPTH:
        return json_safe(str(value), depth)
    if isinstance(value, dict):
        return {json_safe_key(key): json_safe(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(item, depth + 1) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return json_safe(value.decode("utf-8", "replace"), depth)
    if isinstance(value, models.Model):
        return json_safe(describe(value), depth)
    if isinstance(value, decimal.Decimal | uuid.UUID | PurePath):
        return str(value)
    try:
        text = str(value)
    except Exception:
        text = object.__repr__(value)
    return json_safe(text, depth)


def json_safe_key(key):
    text = key if isinstance(key, str) else str(json_safe(key))
    return text.replace("\x00", "")


def merge_detail(earlier, later):
    """Return `earlier` updated with `later`: dicts merged key by key, lists joined."""
    merged = dict(earlier)
    for key, value in later.items():
        if isinstance(merged.get(key), dict) and isinstance(value, dict):
            merged[key] = merge_detail(merged[key], value)
        elif isinstance(merged.get(key), list) and isinstance(value, list):
            merged[key] = merged[key] + [item for item in value if item not in merged[key]]
        else:
            merged[key] = value
    return merged
