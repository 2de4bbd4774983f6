"""The RCA report on the problem's page: a link to the authorising download view, never to the
stored file itself (issue 17: on object storage a file has no link of its own, and on the
file system MEDIA_URL serves nothing)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath
from typing import Any

from django import forms
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse

from tickets.models import Problem
from tickets.services.uploads.serving import stored_file_response


class _LinkedFile:
    """What the widget's template shows: the file's own name, linked to the download view."""

    def __init__(self, name: str, url: str) -> None:
        self.name = name
        self.url = url

    def __str__(self) -> str:
        return self.name


class RcaReportInput(forms.ClearableFileInput):
    """Django's file input, its "currently" link pointing at the problem's download view."""

    download_url = ""

    def is_initial(self, value: Any) -> bool:
        # Without the view's address no link is drawn (never the storage's own URL).
        return bool(self.download_url and value and getattr(value, "name", ""))

    def format_value(self, value: Any) -> Any:
        if self.is_initial(value):
            return _LinkedFile(PurePath(value.name).name, self.download_url)
        return super().format_value(value)


def rca_report_widget_link(form: forms.ModelForm[Problem]) -> None:
    """Point the form's RCA widget at the download view of the problem being changed."""
    widget = form.fields["rca_report"].widget if "rca_report" in form.fields else None
    if isinstance(widget, RcaReportInput) and form.instance.pk:
        widget.download_url = reverse("admin:tickets_problem_rca", args=[form.instance.pk])


def rca_report_response(
    model_admin: ModelAdmin[Problem], request: HttpRequest, object_id: str
) -> FileResponse:
    """The report, to whoever may view the problem in the back-office."""
    problem = model_admin.get_object(request, object_id)
    if problem is None or not problem.rca_report:
        raise Http404("No RCA report.")
    if not model_admin.has_view_or_change_permission(request, problem):
        raise PermissionDenied
    name = PurePath(problem.rca_report.name or "rca").name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return stored_file_response(problem.rca_report, filename=name, content_type=content_type)
