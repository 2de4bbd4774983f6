"""The first line's view of the inbox: every inbound email with its outcome (D13)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from intake.models import Flag, ImapMailboxState, InboundMessage, Outcome
from intake.raw import raw_shown
from intake.services.receive import inbound_process
from tickets.models import Attachment


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = readonly_fields = ("download", "content_type", "size", "ticket")

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        url = reverse("attachment-download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.filename)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "outcome",
        "flag",
        "sender_email",
        "subject",
        "ticket",
        "transport",
    ]
    list_filter = ["outcome", "flag", "transport"]
    search_fields = ["sender_email", "subject", "message_id", "ticket__number"]
    list_select_related = ["ticket"]
    date_hierarchy = "received_at"
    # raw_file is no link: objects on the bucket have none (servicedesk.object_storage); the
    # message is shown below as text, read through intake.raw.
    exclude = ["raw", "raw_file"]
    readonly_fields = [
        f.name for f in InboundMessage._meta.fields if f.name not in ("raw", "raw_file")
    ] + ["raw_message"]
    inlines = [AttachmentInline]
    actions = ["process_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("raw message"))
    def raw_message(self, obj: InboundMessage) -> str:
        return format_html(
            "<pre style='white-space: pre-wrap'>{}</pre>",
            raw_shown(obj, 200_000),
        )

    @admin.action(description=_("Process again (quarantined messages)"))
    def process_again(self, request: HttpRequest, queryset: Any) -> None:
        # A refused message's record holds only its headers: nothing to process again.
        for inbound in queryset.filter(outcome=Outcome.QUARANTINED).exclude(flag=Flag.REFUSED):
            InboundMessage.objects.filter(pk=inbound.pk).update(outcome=Outcome.RECEIVED, error="")
            inbound_process(inbound_id=inbound.pk, now=timezone.now())


@admin.register(ImapMailboxState)
class ImapMailboxStateAdmin(admin.ModelAdmin):
    list_display = ["name", "uidvalidity", "last_uid", "polled_at"]
    readonly_fields = ["name", "uidvalidity", "last_uid", "polled_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
