"""Record logins, failed logins, logouts and every change to who may do what.

Connected in AuditConfig.ready(). The actor of a permission change is the one of the
current scope (the request's user, `acting_as`); the signals do not say.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission

from .context import client_ip
from .recording import record

# The flags that give or take away rights; a change of one is recorded with old → new.
FLAGS = ("is_active", "is_staff", "is_superuser")


def logged_in(sender, request, user, **kwargs):
    record("login", actor=user, target=user, ip=client_ip(request))


def logged_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        record("logout", actor=user, target=user, ip=client_ip(request))


def login_failed(sender, credentials, request=None, **kwargs):
    """Record the username tried and nothing else of the credentials: never a password."""
    username_field = get_user_model().USERNAME_FIELD
    tried = credentials.get(username_field, credentials.get("username", ""))
    tried = tried if isinstance(tried, str) else ""
    record(
        "login_failed",
        actor=AnonymousUser(),  # nobody's, whoever the scope's user is
        target_type="user",
        target_repr=tried,
        detail={"username": tried[:150]},
        ip=client_ip(request),
    )


def user_saving(sender, instance, raw=False, update_fields=None, **kwargs):
    """Keep the stored flags of a user about to be saved, to compare after the save."""
    instance._audit_old_flags = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(FLAGS):
        return  # last_login on each login, a password change: no flag can change.
    instance._audit_old_flags = (
        sender._default_manager.filter(pk=instance.pk).values(*FLAGS).first()
    )


def user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        record("create", target=instance, detail={f: getattr(instance, f) for f in FLAGS})
        return
    old = getattr(instance, "_audit_old_flags", None)
    instance._audit_old_flags = None
    if not old:
        return
    changed = {
        flag: [old[flag], getattr(instance, flag)]
        for flag in FLAGS
        if old[flag] != getattr(instance, flag)
    }
    if changed:
        record("permissions", target=instance, detail=changed)


def user_deleting(sender, instance, **kwargs):
    """Record a user's deletion before it: the entry then loses its actor, not its
    actor's name, when users delete themselves."""
    record("delete", target=instance)


def permission_name(permission):
    return f"{permission.content_type.app_label}.{permission.codename}"


def group_name(group):
    return group.name


class M2MAudit:
    """Record additions to and removals from one many-to-many relation of rights.

    `owner` is the model whose rights change (a user, a group), `field` its relation,
    `key` the name of the list in the entry's detail.
    """

    def __init__(self, owner, field, key):
        self.owner = owner
        self.field = field
        self.key = key
        self.item = owner._meta.get_field(field).related_model

    @property
    def through(self):
        return getattr(self.owner, self.field).through

    def items(self, pks):
        queryset = self.item._default_manager.filter(pk__in=pks)
        if self.item is Permission:
            queryset = queryset.select_related("content_type")
            return sorted(permission_name(p) for p in queryset)
        return sorted(group_name(g) for g in queryset)

    def __call__(self, sender, instance, action, reverse, pk_set, **kwargs):
        if action == "pre_clear":
            # The relation's rows are about to go: keep which, for post_clear.
            if reverse:
                related = self.owner._default_manager.filter(**{self.field: instance})
            else:
                related = getattr(instance, self.field).all()
            instance._audit_cleared = set(related.values_list("pk", flat=True))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action == "post_clear":
            pk_set = getattr(instance, "_audit_cleared", set())
            instance._audit_cleared = set()
        if not pk_set:
            return
        verb = "added" if action == "post_add" else "removed"
        if reverse:
            # permission.user_set.add(...): `instance` is the item, pk_set the owners.
            names = self.items([instance.pk])
            for owner in self.owner._default_manager.filter(pk__in=pk_set):
                record("permissions", target=owner, detail={self.key: {verb: names}})
        else:
            record("permissions", target=instance, detail={self.key: {verb: self.items(pk_set)}})


def m2m_audits():
    user = get_user_model()
    return [
        M2MAudit(user, "user_permissions", "permissions"),
        M2MAudit(user, "groups", "groups"),
        M2MAudit(Group, "permissions", "permissions"),
    ]
