"""Record the admin's additions, changes and deletions in the audit log."""

from .context import client_ip
from .recording import record, record_many


def change_detail(message):
    """Return an entry's detail from the admin's change message: the changed fields'
    labels, and what was added, changed or deleted inline."""
    if isinstance(message, str):
        return {"message": message} if message else {}
    fields, related = [], []
    for part in message or []:
        for verb, about in part.items():
            if "name" in about:
                related.append({verb: about})
            else:
                fields += [name for name in about.get("fields", []) if name not in fields]
    detail = {"fields": fields} if fields else {}
    if related:
        detail["related"] = related
    return detail


class AuditedAdminMixin:
    """Mix into a ModelAdmin, before it: every addition, change and deletion made in that
    admin page is recorded (via "admin"), besides Django's own LogEntry."""

    def log_addition(self, request, obj, message):
        logged = super().log_addition(request, obj, message)
        self.audit("create", request, obj, change_detail(message))
        return logged

    def log_change(self, request, obj, message):
        logged = super().log_change(request, obj, message)
        self.audit("change", request, obj, change_detail(message))
        return logged

    def log_deletions(self, request, queryset):
        """Called before the objects are deleted, one by one or by the bulk action."""
        logged = super().log_deletions(request, queryset)
        objects = list(queryset)
        if len(objects) == 1:
            self.audit("delete", request, objects[0], {})
        else:
            ip = client_ip(request)
            actor = request.user
            record_many(
                [
                    {"action": "delete", "actor": actor, "target": obj, "via": "admin", "ip": ip}
                    for obj in objects
                ]
            )
        return logged

    def audit(self, action, request, obj, detail):
        return record(
            action,
            actor=request.user,
            target=obj,
            via="admin",
            detail=detail,
            ip=client_ip(request),
        )
