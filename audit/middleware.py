"""Attribute each request's recorded writes to its user (after AuthenticationMiddleware)."""

from .context import Acting, current_actor


class AuditActorMiddleware:
    """Put the request in `current_actor` for the length of the request.

    Nothing is read here: the user and the door (admin, API, site) are looked up only when
    a write is recorded, so a reader's page costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_actor.set(Acting(request=request))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
