"""The on-call rota as a week or month grid (issue #13 §1): who is on call when, in paging
order, with the hand-overs in the desk's zone and the gaps marked; the warnings of a 24x7
promise with gaps on top. Coordinators get the links to add and edit shifts (the admin's
forms); every other provider role reads."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.access import require_perm
from contracts.admin.oncall import provider_oncall_messages
from contracts.models import Package, Provider
from contracts.selectors_oncall import oncall_days
from contracts.staff_scope import staff_rows


def _anchor(text: str | None, today: date) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return today


def _span(mode: str, anchor: date) -> tuple[date, int, date, date]:
    """(first day shown, days shown, previous anchor, next anchor) of a week or a month."""
    if mode == "month":
        first_of_month = anchor.replace(day=1)
        next_month = (first_of_month + timedelta(days=32)).replace(day=1)
        first = first_of_month - timedelta(days=first_of_month.weekday())
        last = next_month - timedelta(days=1)
        count = ((last - first).days // 7 + 1) * 7
        previous = (first_of_month - timedelta(days=1)).replace(day=1)
        return first, count, previous, next_month
    first = anchor - timedelta(days=anchor.weekday())
    return first, 7, first - timedelta(days=7), first + timedelta(days=7)


def oncall_rota(request: HttpRequest) -> HttpResponse:
    user = require_perm(request, "contracts.view_oncallshift")
    providers = staff_rows(user, Provider.objects.order_by("name"))
    provider = providers.filter(pk=_int(request.GET.get("provider"))).first() or providers.first()
    now = timezone.now()
    today = now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()
    mode = "month" if request.GET.get("view") == "month" else "week"
    anchor = _anchor(request.GET.get("date"), today)
    first, count, previous, following = _span(mode, anchor)
    package = request.GET.get("package", "")
    days = oncall_days(provider, first=first, count=count, package_code=package) if provider else []
    packages = (
        Package.objects.filter(release__provider=provider, release__is_current=True)
        .order_by("sort", "code")
        .values_list("code", "name")
        if provider
        else []
    )
    context = {
        **admin.site.each_context(request),
        "title": _("On-call rota"),
        "providers": providers,
        "provider": provider,
        "packages": list(packages),
        "package": package,
        "mode": mode,
        "anchor": anchor,
        "previous": previous,
        "following": following,
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
        "month": anchor.month,
        "today": today,
        "warnings": provider_oncall_messages(provider, now=now) if provider else [],
        "may_change": user.has_perm("contracts.change_oncallshift"),
        "may_add": user.has_perm("contracts.add_oncallshift"),
        "zone": settings.DISPLAY_TIME_ZONE,
    }
    return TemplateResponse(request, "backoffice/oncall.html", context)


def _int(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() else 0
