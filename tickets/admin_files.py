"""Stored files on back-office pages (issue 17): a link to the page's own download view, which
checks who may have the file, never to the stored file itself. On object storage a file has no
link of its own (servicedesk.object_storage refuses one), and on the file system MEDIA_URL
serves nothing, so the admin's own file link was dead there and would fail on a bucket."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from functools import partial
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from tickets.services.uploads.serving import stored_file_response


class _LinkedFile:
    """What the widget's template shows: the file's own name, linked to the download view."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url

    def __str__(self) -> str:
        return self.name


class LinkedFileInput(forms.ClearableFileInput):
    """Django's file input, its "currently" link pointing at the page's download view."""

    download_url = ""

    def is_initial(self, value: Any) -> bool:
        # Without the view's address no link is drawn (never the storage's own URL).
        return bool(self.download_url and value and getattr(value, "name", ""))

    def format_value(self, value: Any) -> Any:
        if self.is_initial(value):
            return _LinkedFile(PurePath(value.name).name, self.download_url)
        return super().format_value(value)


def linked_file_input_point(form: forms.ModelForm[Any], field: str, url_name: str) -> None:
    """Point the form's file widget at the download view of the row being changed."""
    widget = form.fields[field].widget if field in form.fields else None
    if isinstance(widget, LinkedFileInput) and form.instance.pk:
        widget.download_url = reverse(url_name, args=[form.instance.pk])


def stored_file_link(obj: Model, field: str, url_name: str, filename: str = "") -> str:
    """A read-only page's link to the row's file (its download view), or a dash."""
    stored = getattr(obj, field)
    if not stored:
        return "—"
    url = reverse(url_name, args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, filename or PurePath(stored.name).name)


@dataclass(frozen=True)
class StoredField:
    """Which of a row's fields holds the file, and (when kept) its download name and type."""

    file: str
    filename: str = ""
    content_type: str = ""


def stored_file_admin_response(
    model_admin: ModelAdmin[Any], request: HttpRequest, object_id: str, *, of: StoredField
) -> FileResponse:
    """The row's file, to whoever may view the row in the back-office (a CSAM only their own
    contracts' rows: the admin's queryset is scoped)."""
    obj = model_admin.get_object(request, object_id)
    stored = getattr(obj, of.file) if obj is not None else None
    if obj is None or not stored:
        raise Http404("No such file.")
    if not model_admin.has_view_or_change_permission(request, obj):
        raise PermissionDenied
    name = getattr(obj, of.filename) if of.filename else PurePath(stored.name).name
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    content_type = getattr(obj, of.content_type) if of.content_type else guessed
    return stored_file_response(stored, filename=name, content_type=content_type)


def stored_file_route(
    model_admin: ModelAdmin[Any], route: str, url_name: str, of: StoredField
) -> URLPattern:
    """The admin's download view of its rows' file, at `<id>/<route>/`."""
    view = partial(stored_file_admin_response, model_admin, of=of)
    return path(
        f"<path:object_id>/{route}/", model_admin.admin_site.admin_view(view), name=url_name
    )
