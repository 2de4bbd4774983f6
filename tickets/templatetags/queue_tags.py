"""The ticket queue's date drill-down (tickets.admin_dates) as a template tag."""

from typing import Any

from django import template

from tickets.admin_dates import queue_date_hierarchy

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html", takes_context=True)
def queue_dates(context: template.Context, cl: Any) -> dict[str, Any]:
    return queue_date_hierarchy(cl, context["request"].user)
