"""Attachment downloads: only through this authorising view (issue #4 §2)."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from contracts.staff_scope import staff_rows
from tickets.models import Attachment
from tickets.selectors import attachments_visible_to_contact
from tickets.services.uploads import attachment_file_response


def attachment_allowed(user: object, attachment: Attachment) -> bool:
    """Staff see the attachments of the tickets they may see (a CSAM only their contracts',
    issue #10 §5); a customer's user only those of its organisation's tickets."""
    if getattr(user, "is_staff", False):
        rows = Attachment.objects.filter(pk=attachment.pk)
        return staff_rows(cast(User, user), rows).exists()
    contact = getattr(user, "contact", None)
    ticket = attachment.ticket
    if contact is None or ticket is None or not contact.is_active:
        return False
    # D15 and issue #10 §6, one rule for pages and files: a contact only gets what it may see,
    # never a file of an internal note.
    return attachments_visible_to_contact(
        contact, Attachment.objects.filter(pk=attachment.pk)
    ).exists()


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("ticket"), pk=pk)
    if not attachment_allowed(request.user, attachment):
        # D15: another organisation's object answers 404 (its existence is not disclosed).
        raise Http404("No such attachment.")
    # Issue #10 §4: active types are never served with their own type (download_serving).
    return attachment_file_response(attachment, inline=request.GET.get("inline") == "1")
