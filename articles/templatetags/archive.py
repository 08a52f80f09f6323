"""Template helpers of the public site: Vietnamese dates, pagination links, highlighting."""

import datetime
import json

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles import permissions, search

register = template.Library()

# Monday first, as date.weekday() counts.
WEEKDAYS = [
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ Nhật"),
]


@register.filter
def vn_date(value, with_weekday=False):
    """Return a date day-first, "07/04/2021", or with its weekday, "Thứ Tư, 07/04/2021"."""
    if not isinstance(value, datetime.date):
        return ""
    day = value.strftime("%d/%m/%Y")
    if with_weekday:
        return f"{WEEKDAYS[value.weekday()]}, {day}"
    return day


@register.filter
def intcomma_vi(value):
    """Return a whole number with Vietnamese thousands dots: 10000 -> "10.000"."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """Return the query string for page ``number``, keeping every other parameter."""
    params = context["request"].GET.copy()
    params["page"] = number
    if number == 1:
        params.pop("page")
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def highlight(text, query):
    """Return ``text`` escaped, with the words ``query`` matched in <mark>."""
    return search.highlight(text or "", query or "")


@register.filter
def snippet(text, query):
    """Return a highlighted extract of ``text`` around the first match of ``query``."""
    return search.snippet(text or "", query or "")


@register.filter
def json_ld(data):
    """Return ``data`` as JSON safe inside a <script> element (no "</script>" can close it)."""
    encoded = json.dumps(data, ensure_ascii=False, indent=None, sort_keys=True)
    encoded = encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(encoded)


@register.simple_tag(takes_context=True)
def edit_url(context, obj):
    """The admin form of ``obj`` for staff who may open it; "" for everyone else. Pages
    are cached for anonymous readers only (articles/caching.py), so no cached copy holds
    the link."""
    request = context.get("request")
    if request is None or not permissions.may_open_in_admin(request.user, obj):
        return ""
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
