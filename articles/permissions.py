"""Who may do what: the one rule the admin, the API, the services and the templates ask.

Roles (Django permissions; ``manage.py setup_roles`` makes the two groups):
- a reader (anonymous, or a logged-in account without staff status) reads published
  articles only;
- an editor (staff, with the add/change/delete article permissions) writes drafts and
  articles in review, moves them between draft and review, tags them, sends a draft to the
  trash and restores it;
- a publisher (an editor who also holds ``articles.publish_article``) changes what readers
  see: publishes, unpublishes, edits a live article, trashes or restores a published one,
  and purges the trash;
- a superuser holds every permission.

An editor's change to a live article is refused, not queued: the article keeps what readers
see until a publisher edits it (or unpublishes it so that an editor can). A pending-revision
workflow belongs with the review queue; refusing is what keeps the rule simple to trust.

Each ``may_*`` function answers; ``require`` raises ``PermissionDenied`` with the reason an
editor reads (Vietnamese first, then English).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

PUBLISH = "articles.publish_article"
PUBLISHED = "published"  # Article.Status values, spelled out: no model import
TRASH = "trash"
REVIEW = "review"


def is_staff(user) -> bool:
    """Return whether ``user`` works in the newsroom (sees drafts, may use the admin)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def _has(user, codename: str) -> bool:
    return is_staff(user) and user.has_perm(codename)


def may_see_unpublished(user) -> bool:
    return is_staff(user)


def may_publish(user) -> bool:
    return _has(user, PUBLISH)


def may_add(user, status: str = "draft") -> bool:
    """Create an article (published at once only with the publish permission)."""
    if not _has(user, "articles.add_article"):
        return False
    return status != PUBLISHED or may_publish(user)


def is_live(article) -> bool:
    """Return whether ``article`` is published, scheduled or expired included: when readers
    see it is a publisher's decision either way."""
    return article is not None and article.pk is not None and article.status == PUBLISHED


def may_change(user, article=None) -> bool:
    """Edit ``article``'s content and tags (a live one only with the publish permission;
    a trashed one by nobody: restore it first)."""
    if not _has(user, "articles.change_article"):
        return False
    if article is None:
        return True
    if article.status == TRASH:
        return False
    return not is_live(article) or may_publish(user)


def may_set_status(user, article, status: str) -> bool:
    """Move ``article`` to ``status`` (publishing or unpublishing needs the permission; a
    trashed article moves only by a restore)."""
    if status == TRASH:
        return may_trash(user, article)
    if not _has(user, "articles.change_article") or article.status == TRASH:
        return False
    if PUBLISHED in (article.status, status):
        return may_publish(user)
    return True


def may_trash(user, article) -> bool:
    """Move ``article`` to the trash (a published one only with the publish permission)."""
    if not _has(user, "articles.delete_article") or article.status == TRASH:
        return False
    return not is_live(article) or may_publish(user)


def may_restore(user, article) -> bool:
    """Take ``article`` out of the trash, back to the status it had."""
    if article.status != TRASH or not _has(user, "articles.change_article"):
        return False
    return article.trashed_from != PUBLISHED or may_publish(user)


def may_purge(user, article=None) -> bool:
    """Delete a trashed article for good (with its history): the publish permission."""
    if not (_has(user, "articles.delete_article") and may_publish(user)):
        return False
    return article is None or article.status == TRASH


def may_revert(user, article) -> bool:
    """Put back an earlier revision: a change like any other."""
    return may_change(user, article)


def may_merge_tags(user, model) -> bool:
    """Merge meetings or themes: it deletes the merged ones and re-tags their articles,
    published ones included, so it changes what readers see: a publisher's decision."""
    meta = model._meta
    return (
        _has(user, f"{meta.app_label}.delete_{meta.model_name}")
        and _has(user, f"{meta.app_label}.change_{meta.model_name}")
        and may_publish(user)
    )


def may_schedule(user) -> bool:
    """Set when a published article appears or expires: deciding what readers see."""
    return may_publish(user)


def may_send_for_review(user, article) -> bool:
    """Send an article to the review queue (a draft; a live one only by a publisher)."""
    return may_set_status(user, article, REVIEW)


def may_review(user, article) -> bool:
    """Approve an article waiting in the review queue, or send it back: a publisher."""
    return article.status == REVIEW and may_publish(user) and may_change(user, article)


def may_retag(user, article) -> bool:
    return may_change(user, article)


def may_open_in_admin(user, obj) -> bool:
    """Open ``obj``'s admin form (to change it, or to read it where changing is refused)."""
    meta = obj._meta
    return _has(user, f"{meta.app_label}.change_{meta.model_name}") or _has(
        user, f"{meta.app_label}.view_{meta.model_name}"
    )


def may_see_history(user) -> bool:
    return _has(user, "articles.view_article") or _has(user, "articles.change_article")


def refusal(action: str) -> str:
    """Return the message for a refused ``action``."""
    messages = {
        "publish": _(
            "Chỉ người có quyền đăng bài mới được đăng, gỡ, sửa hoặc xoá bài đang hiển thị. / "
            "Only a publisher may publish, unpublish, edit or delete a live article."
        ),
        "change": _("Bạn không có quyền sửa bài này. / You may not edit this article."),
        "schedule": _(
            "Chỉ người có quyền đăng bài mới được hẹn giờ đăng hoặc giờ hết hạn. / "
            "Only a publisher may schedule publication or expiry."
        ),
        "review": _(
            "Chỉ người có quyền đăng bài mới được duyệt hoặc trả lại bài chờ duyệt. / "
            "Only a publisher may approve or send back an article in review."
        ),
        "send": _(
            "Bạn không có quyền gửi duyệt bài này. / You may not send this article for review."
        ),
        "add": _("Bạn không có quyền tạo bài viết. / You may not create articles."),
        "trash": _("Bạn không có quyền xoá bài này. / You may not delete this article."),
        "restore": _("Bạn không có quyền khôi phục bài này. / You may not restore this article."),
        "purge": _(
            "Chỉ người có quyền đăng bài mới được xoá vĩnh viễn bài trong thùng rác. / "
            "Only a publisher may purge the trash."
        ),
        "merge": _(
            "Chỉ người có quyền đăng bài mới được gộp thẻ (việc gộp đổi thẻ của bài đã đăng). / "
            "Only a publisher may merge tags."
        ),
        "trashed": _(
            "Bài đang ở thùng rác: hãy khôi phục trước khi sửa. / The article is in the trash: "
            "restore it first."
        ),
    }
    return messages[action]


def require(allowed: bool, action: str) -> None:
    if not allowed:
        raise PermissionDenied(refusal(action))


def require_change(user, article) -> None:
    """Raise unless ``user`` may edit ``article``, with the reason."""
    if may_change(user, article):
        return
    if article is not None and article.status == TRASH:
        raise PermissionDenied(refusal("trashed"))
    if is_live(article) and _has(user, "articles.change_article"):
        raise PermissionDenied(refusal("publish"))
    raise PermissionDenied(refusal("change"))


def require_status(user, article, status: str) -> None:
    if may_set_status(user, article, status):
        return
    if status == TRASH:
        raise PermissionDenied(refusal("trash"))
    if article.status == TRASH:
        raise PermissionDenied(refusal("trashed"))
    raise PermissionDenied(
        refusal("publish" if PUBLISHED in (article.status, status) else "change")
    )
