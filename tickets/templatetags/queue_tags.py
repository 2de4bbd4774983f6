"""The ticket queue's date drill-down and rows (tickets.admin_dates, tickets.admin_queue) as
template tags."""

from typing import Any

from django import template

from tickets.admin_dates import queue_date_hierarchy
from tickets.admin_queue import queue_result_list

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html", takes_context=True)
def queue_dates(context: template.Context, cl: Any) -> dict[str, Any]:
    return queue_date_hierarchy(cl, context["request"].user)


@register.inclusion_tag("admin/change_list_results.html")
def queue_results(cl: Any) -> dict[str, Any]:
    return queue_result_list(cl)
