"""The queue's change list (issue #16): its rows and their links, Django's HTML with what holds
for a whole column or page worked out once.

Links. A filtered queue (a status, a provider, a date) links each row to its ticket with the filters
kept (`?_changelist_filters=...`), so the ticket page leads back to the same list. Django adds
them row by row through `add_preserved_filters`, which resolves every ticket's URL against the
whole URL configuration to see whether it is the list itself: at 100 rows, a third of a
filtered page's time. A row's link is never the list, so the filters are appended here, to a
link reversed once per page, and Django's per-row step finds nothing left to add.

Rows. Django's items_for_result looks up, for every cell, which field or method the column
shows, its classes and whether it links; here that is done once per column and each cell only
computes its value (queue_results, compared with Django's rows in the tests).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, display_for_value, quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.forms import widgets
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

PK_MARK = "0-pk-0"
# Long texts a queue row never shows: not read for a page (PostgreSQL sorts a filtered page's
# matching rows whole before the first 100 are kept, ~3 kB a row with them).
QUEUE_DEFERRED = (
    "description",
    "reproduction_steps",
    "business_impact",
    "business_critical_checklist",
    "named_contact_override",
    "root_cause",
    "resolution",
    "sla_exempt_reason",
    "customer__email_domains",
    "package__description",
    "sla_target__provider_commitments",
    "sla_target__customer_duties",
    "sla_target__situation",
)


class QueueChangeList(ChangeList):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_filters, self.preserved_filters = self.preserved_filters, ""
        self.row_link = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(PK_MARK,),
            current_app=self.model_admin.admin_site.name,
        )

    def get_queryset(self, request: Any, exclude_parameters: Any = None) -> Any:
        return super().get_queryset(request, exclude_parameters).defer(*QUEUE_DEFERRED)

    def url_for_result(self, result: Any) -> str:
        url = self.row_link.replace(PK_MARK, quote(str(getattr(result, self.pk_attname))))
        return f"{url}?{self.row_filters}" if self.row_filters else url


# --- Rows ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """What Django's items_for_result works out for a column on every row, worked out once."""

    name: str
    field: Any  # the model field, or None for a ModelAdmin method
    method: Any  # the ModelAdmin method, or None
    classes: tuple[str, ...]
    link: bool
    tag: str
    missing_classes: tuple[str, ...]  # when the value's related row does not exist


def _columns(cl: ChangeList) -> list[Column] | None:
    """The page's columns, or None when one is not a plain model field or a ModelAdmin method
    (then Django's own rows are used)."""
    columns: list[Column] = []
    first = True
    for name in cl.list_display:
        if not isinstance(name, str):
            return None
        link = _link_in_col(first, name, cl)
        tag = "th" if link and first else "td"
        first = first and not link
        missing: tuple[str, ...] = (f"field-{name}",)
        classes = missing
        try:
            field = cl.lookup_opts.get_field(name)
        except FieldDoesNotExist:
            if not hasattr(cl.model_admin, name) or name == "__str__":
                return None
            if name == "action_checkbox":
                classes = ("action-checkbox",)
            method = getattr(cl.model_admin, name)
            columns.append(Column(name, None, method, classes, link, tag, missing))
            continue
        if field.is_relation or field.auto_created or field.name != name:
            return None
        if isinstance(field, (models.DateField, models.TimeField)):
            classes = (*classes, "nowrap")
        columns.append(Column(name, field, None, classes, link, tag, missing))
    return columns


def _link_in_col(is_first: bool, name: Any, cl: ChangeList) -> bool:
    if cl.list_display_links is None:
        return False
    if is_first and not cl.list_display_links:
        return True
    return name in cl.list_display_links


def _cell(column: Column, row: Any, empty: str) -> tuple[Any, tuple[str, ...]]:
    """(what the cell shows, its classes), as items_for_result makes them."""
    try:
        return _shown(column, row, empty)
    except ObjectDoesNotExist:
        return empty, column.missing_classes


def _shown(column: Column, row: Any, empty: str) -> tuple[Any, tuple[str, ...]]:
    if column.method is None:
        value = getattr(row, column.name)
        if isinstance(value, str) and value.strip() == "":
            value = ""
        return display_for_field(value, column.field, empty, avoid_link=column.link), column.classes
    value = column.method(row)
    empty = getattr(column.method, "empty_value_display", empty)
    if isinstance(value, str) and value.strip() == "":
        value = ""
    shown = display_for_value(value, empty, getattr(column.method, "boolean", False))
    if isinstance(value, (datetime.date, datetime.time)):
        return shown, (*column.classes, "nowrap")
    return shown, column.classes


def _items(cl: ChangeList, columns: list[Column], row: Any, empty: str) -> list[SafeString]:
    items = []
    for column in columns:
        shown, classes = _cell(column, row, empty)
        text: str = conditional_escape(shown)
        if column.link:
            try:
                url = cl.url_for_result(row)
            except NoReverseMatch:
                pass
            else:
                if cl.preserved_filters:
                    url = add_preserved_filters(
                        {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url
                    )
                popup = ""
                if cl.is_popup:
                    value = row.serializable_value(
                        str(cl.to_field) if cl.to_field else cl.pk_attname
                    )
                    popup = f' data-popup-opener="{conditional_escape(value)}"'
                text = f'<a href="{conditional_escape(url)}"{popup}>{text}</a>'
        items.append(mark_safe(f'<{column.tag} class="{" ".join(classes)}">{text}</{column.tag}>'))
    return items


def queue_results(cl: ChangeList) -> list[ResultList]:
    """The rows of Django's `results(cl)`, the same HTML, without redoing per cell what holds
    for the whole column (which field or method, its classes, whether it links): at 100 rows
    Django's wrapping cost more than the cells' own values."""
    columns = None if cl.formset else _columns(cl)
    if columns is None:
        return list(results(cl))
    empty = cl.model_admin.get_empty_value_display()
    return [ResultList(None, _items(cl, columns, row, empty)) for row in cl.result_list]


def queue_result_list(cl: ChangeList) -> dict[str, Any]:
    """The context of Django's result_list tag, with queue_results for its rows."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": queue_results(cl),
    }


# --- Cells and the action bar --------------------------------------------------------------------
@lru_cache(maxsize=4096)
def two_lines(top: str, bottom: str, title: str = "") -> SafeString:
    """A queue cell of a line and a small second one (customer / package, priority / type,
    engineer / line), made once per distinct pair: a page's 100 rows repeat a few customers,
    packages and priorities, and escaping and formatting them row by row was a tenth of its
    rows' time. A `title` gives the second line its full text as a tooltip."""
    if title:
        return format_html('{}<br><small title="{}">{}</small>', top, title, bottom)
    return format_html("{}<br><small>{}</small>", top, bottom)


@lru_cache(maxsize=1024)
def shortened(text: str, length: int = 30) -> str:
    """`text` cut to `length` characters with an ellipsis (Django's Truncator), once per text."""
    return str(Truncator(text).chars(length))


class RenderedOnce(widgets.Widget):
    """A widget that keeps its HTML per everything the HTML depends on (its class, the language,
    the name, value, attributes, choices and whether it is required): the queue's action bar
    drew its select and each of its options through the template engine on every page, about
    8 % of a queue page's time (bench/bench_dashboard.py)."""

    KEPT = 512
    _html: ClassVar[dict[str, SafeString]] = {}

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        key = json.dumps(
            [
                type(self).__qualname__,
                get_language(),
                name,
                value,
                attrs,
                self.attrs,
                getattr(self, "choices", None),
                self.is_required,
                type(renderer).__qualname__,
            ],
            default=str,  # lazily translated labels and placeholders, in the language above
        )
        html = self._html.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self._html) >= self.KEPT:
                self._html.clear()
            self._html[key] = html
        return html


class RenderedOnceSelect(RenderedOnce, widgets.Select):
    pass


class RenderedOnceHiddenInput(RenderedOnce, widgets.HiddenInput):
    pass


class RenderedOnceTextInput(RenderedOnce, widgets.TextInput):
    pass
