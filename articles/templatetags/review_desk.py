"""The editors' desk on the admin's index: the review queue first, then one's own sendings."""

from django import template

from .. import admin_review, permissions
from ..models import Article

register = template.Library()


@register.simple_tag(takes_context=True)
def review_desk(context) -> dict | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not permissions.is_staff(user) or not user.has_perm("articles.view_article"):
        return None
    may_publish = permissions.may_publish(user)
    desk = {
        "may_publish": may_publish,
        "may_import": permissions.may_add(user),
        "mine": admin_review.my_reviews(user, limit=5),
    }
    if may_publish:
        desk["waiting"] = admin_review.queue_size()
        desk["scheduled"] = Article.objects.scheduled().count()
    return desk
