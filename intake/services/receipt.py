"""Automatic answers to senders (DECISIONS D13, issue #10 §1, §3): the receipt confirmation
(ticket number and the spam-folder hint) and the notice that a message was refused; through
the outbox, in the sender's language. A receipt never counts as the first response (TKT-63).

Never to machines or role accounts (noreply@, postmaster@, mailer-daemon@...), never to the
desk's own domains, and at most INTAKE_RECEIPTS_PER_HOUR per sender: the sender that hits the
limit raises one alert to the coordinators per hour.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Substr
from django.db.models.lookups import Exact
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.joined import joined_fetch, joined_select
from contracts.models import Contact, Customer
from intake.identity import Identity, domain_of, is_role_address
from intake.models import InboundMessage
from intake.services.alerts import coordinators_alert, hour_window, sender_key
from notifications.models import OutboxEmail
from notifications.services.emails import render
from notifications.services.outbox import outbox_enqueue, outbox_enqueue_many
from notifications.services.recipients import Recipient
from notifications.services.ticket_mails import receipt_email
from tickets.models import Ticket

AUTO_ANSWER_KEYS = ("receipt:", "refusal:")


def provider_domains() -> set[str]:
    """The provider's own mail domains: DEFAULT_FROM_EMAIL's, MESSAGE_ID_DOMAIN and more."""
    return set(
        _provider_domains(
            settings.DEFAULT_FROM_EMAIL,
            settings.MESSAGE_ID_DOMAIN,
            tuple(settings.INTAKE_PROVIDER_DOMAINS),
        )
    )


@functools.lru_cache(maxsize=8)  # asked a few times for every message; the settings rarely move
def _provider_domains(from_email: str, id_domain: str, more: tuple[str, ...]) -> frozenset[str]:
    own = {domain_of(parseaddr(from_email)[1]), id_domain, *more}
    return frozenset(d.strip().lower().rstrip(".") for d in own if d and d.strip())


def no_answer_reason(address: str) -> str:
    """Why `address` never gets an automatic answer ("" when it may)."""
    if not address or "@" not in address:
        return "no sender address"
    if is_role_address(address):
        return "role or machine address"
    if domain_of(address) in provider_domains():
        return "the desk's own domain"
    return ""


# The automatic answers are told by their key's first characters, compared as a substring and
# not as `key LIKE 'receipt:%'`: PostgreSQL could answer that LIKE from the key's own index and,
# with statistics that lag behind (they do after a burst of mail), chose to AND it with the
# recipient's index: it then read every receipt key ever written on every message (2.5 ms at
# 25k receipts, growing with the outbox; bench_intake). The count reads the sender's rows of the
# hour (outbox_recipient_recent_idx) and looks at their keys.
def _auto_answers_since(now: datetime) -> QuerySet[OutboxEmail]:
    starts = Q()
    for prefix in AUTO_ANSWER_KEYS:
        starts |= Q(Exact(Substr("key", 1, len(prefix)), prefix))
    return OutboxEmail.objects.filter(starts, created_at__gte=now - timedelta(hours=1))


def receipts_recent(email: str, now: datetime) -> int:
    """The automatic answers `email` had in the hour before `now` (the receipt cap)."""
    return _auto_answers_since(now).filter(to_email__iexact=email).count()


def sender_contacts_with_receipts(email: str, now: datetime) -> list[Contact]:
    """The active contacts with address `email` (any case), their customer joined, each with
    `receipts_last_hour`: the receipt cap's count asked in the same query, one plain SQL
    statement (every message runs it; the ORM's compilation of the annotated query cost more
    than the database's answer)."""
    contacts, customers = Contact._meta.db_table, Customer._meta.db_table
    outbox = OutboxEmail._meta.db_table
    keys = " OR ".join(["substr(o.key, 1, %s) = %s"] * len(AUTO_ANSWER_KEYS))
    sql = (
        f"SELECT {joined_select(_SENDER)}, (SELECT COUNT(*) FROM {outbox} o "
        f"WHERE UPPER(o.to_email) = UPPER(c.email) AND o.created_at >= %s AND ({keys})) "
        f"FROM {contacts} c JOIN {customers} k ON k.id = c.customer_id "
        "WHERE UPPER(c.email) = UPPER(%s) AND c.is_active ORDER BY c.id"
    )
    starts = [part for prefix in AUTO_ANSWER_KEYS for part in (len(prefix), prefix)]
    params = [now - timedelta(hours=1), *starts, email]
    found = []
    for rows, (recent,) in joined_fetch(sql, params, _SENDER):
        contact = rows["c"]
        contact.customer = rows["k"]
        contact.receipts_last_hour = int(recent)
        found.append(contact)
    return found


_SENDER: dict[str, type[Model]] = {"c": Contact, "k": Customer}


def _note(inbound: InboundMessage, text: str) -> None:
    inbound.reason = (inbound.reason + "\n" if inbound.reason else "") + text
    inbound.save(update_fields=["reason"])


CAP_NOTE = "no receipt: hourly limit for this sender reached"


def answer_refusal(email: str, now: datetime, recent: int | None = None) -> str:
    """Why `email` gets no automatic answer now, as noted on the message ("" when it does): a
    machine's or the desk's own address, or the sender had its hourly share (CAP_NOTE: the
    caller raises `answer_cap_alert`). `recent`: the sender's automatic answers of the last
    hour when the caller already counted them."""
    refused = no_answer_reason(email)
    if refused:
        return f"no receipt: {refused}"
    if recent is None:
        recent = receipts_recent(email, now)
    return "" if recent < settings.INTAKE_RECEIPTS_PER_HOUR else CAP_NOTE


def answer_cap_alert(inbound: InboundMessage, email: str, now: datetime) -> None:
    """Loop protection: the sender that reached the hourly limit raises one alert an hour."""
    coordinators_alert(
        occasion=f"receipt-cap:{sender_key(email)}:{hour_window(now)}",
        inbound=inbound,
        kind="receipt_cap",
        now=now,
    )


def _within_cap(inbound: InboundMessage, email: str, now: datetime) -> bool:
    if answer_refusal(email, now) != CAP_NOTE:
        return True
    _note(inbound, CAP_NOTE)
    answer_cap_alert(inbound, email, now)
    return False


def receipt_send(
    *,
    inbound: InboundMessage,
    ticket: Ticket,
    contact: Contact,
    now: datetime,
    recent: int | None = None,
) -> bool:
    """Write the receipt unless the address is a machine's, or this sender already had its
    hourly share (then one alert to the coordinators). A new ticket from email writes its
    receipt with the ticket's own mails instead (`TicketCreateInput.receipt_key`)."""
    refused = answer_refusal(contact.email, now, recent)
    if refused:
        _note(inbound, refused)
        if refused == CAP_NOTE:
            answer_cap_alert(inbound, contact.email, now)
        return False
    recipient = Recipient("customer", contact.name, contact.email, contact.language)
    email = receipt_email(ticket, recipient)  # the one receipt of every channel (issue #11 §2)
    # A new inbound row has a new key: one INSERT, no lookup (outbox_enqueue_many).
    outbox_enqueue_many([(f"receipt:{inbound.pk}", email)], now=now, send_after=now, ticket=ticket)
    return True


def refusal_notice_send(*, inbound: InboundMessage, identity: Identity, now: datetime) -> bool:
    """Tell the sender of a refused message, once (the outbox key is the record's): only a
    person with a clear From, in their language when they are a contact."""
    address = identity.address
    refused = (
        identity.problem
        or ("automatic or list mail" if identity.auto_submitted or identity.list_mail else "")
        or no_answer_reason(address)
    )
    if refused:
        _note(inbound, f"sender not told: {refused}")
        return False
    if not _within_cap(inbound, address, now):
        return False
    contact = Contact.objects.filter(email__iexact=address, is_active=True).first()
    language = contact.language if contact else settings.LANGUAGE_CODE[:2]
    name = contact.name if contact else ""
    recipient = Recipient("sender", name, address, language)
    with override(language):
        heading = _("Your message was not accepted: it is too large")
        email = render(
            language=language,
            recipient=recipient,
            subject=heading,
            heading=heading,
            intro=_(
                "Your email of %(size)s is larger than the service desk accepts (%(limit)s), "
                "so it was not registered. Send it again without the large attachments, or "
                "upload them in the customer portal."
            )
            % {
                "size": filesizeformat(inbound.size),
                "limit": filesizeformat(settings.INTAKE_MAX_BYTES),
            },
            facts=[(_("Subject"), inbound.subject or _("(no subject)"))],
        )
    return outbox_enqueue(key=f"refusal:{inbound.pk}", email=email, now=now) is not None
