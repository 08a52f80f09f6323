"""Who is acting, for the writes that do not say: the request's user, a command's caller.

A signal (a user's permissions changed, a user deleted) does not know who did it. The
middleware puts the request in `current_actor` for the length of each request, and
`acting_as(user, via)` does the same for commands and scripts; `record()` reads it when the
caller names no actor.
"""

import ipaddress
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

# Entries recorded in one scope are remembered (the last few) so that two records of the
# same act (the admin's log and a signal, a service and the admin) make one entry.
REMEMBERED = 256


class Acting:
    """The actor of a scope: a fixed user, or the user of a request read when needed.

    The request's user is read at record time, not when the scope opens: the API's token
    authentication sets it inside the view, and a reader's page never touches the session.
    """

    def __init__(self, *, user=None, request=None, via=""):
        self._user = user
        self.request = request
        self._via = via
        self.recorded = OrderedDict()

    @property
    def user(self):
        if self._user is None and self.request is not None:
            return getattr(self.request, "user", None)
        return self._user

    @property
    def via(self):
        if self._via or self.request is None:
            return self._via
        return via_of(self.request)

    @property
    def ip(self):
        return client_ip(self.request) if self.request is not None else None

    def remember(self, key, entry):
        self.recorded[key] = entry
        self.recorded.move_to_end(key)
        while len(self.recorded) > REMEMBERED:
            self.recorded.popitem(last=False)


current_actor: ContextVar[Acting | None] = ContextVar("audit_current_actor", default=None)


@contextmanager
def acting_as(user, via="", *, request=None):
    """Attribute the writes recorded inside the block to `user` (None: the system), `via`
    ("command", "import", "system"...). A `request` gives its client's IP address too."""
    token = current_actor.set(Acting(user=user, request=request, via=via))
    try:
        yield current_actor.get()
    finally:
        current_actor.reset(token)


def via_of(request):
    """Name the door a request came in by: "admin", "api" or "site"."""
    match = getattr(request, "resolver_match", None)
    if match is not None and "admin" in match.namespaces:
        return "admin"
    if request.path_info.startswith("/api/"):
        return "api"
    return "site"


def client_ip(request):
    """Return the client's IP address, or None: REMOTE_ADDR, or the address the trusted
    proxies wrote in X-Forwarded-For when REST_FRAMEWORK's NUM_PROXIES says there are some
    (the API's throttle uses the same rule)."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    address = meta.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "REST_FRAMEWORK", {}).get("NUM_PROXIES") or 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        address = hops[-min(proxies, len(hops))]
    return valid_ip(address)


def valid_ip(value):
    """Return `value` as a normalised IP address string, or None when it is not one."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None
