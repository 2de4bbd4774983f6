"""Reads of the back-office's registration page (issue #11 §3): finding the caller and the
contracts a ticket may be registered under. Every read is narrowed by contracts.staff_scope
(D15), so a customer success account manager finds only the customers of their own contracts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Func, Q, QuerySet, Value

from contracts.models import Contact, Contract
from contracts.selectors import contracts_current
from contracts.staff_scope import staff_rows

CONTACT_SEARCH_LIMIT = 25
CONTACT_SEARCH_MIN_CHARS = 2
# Digits of a phone number that identify it whatever the prefix: +31 6 1234 5678, 0031 6...
# and 06-12345678 share their last nine digits (a Dutch number without its trunk prefix).
PHONE_SIGNIFICANT_DIGITS = 9
PHONE_MIN_DIGITS = 4

StaffUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class ContactSearch:
    """At most CONTACT_SEARCH_LIMIT contacts; `more` says the search found others too."""

    contacts: list[Contact]
    more: bool


def _digits_only(expression: Func | F) -> Func:
    """The field's characters minus the usual phone punctuation (one REPLACE per character)."""
    for char in (" ", "-", "+", "(", ")", ".", "/"):
        expression = Func(expression, Value(char), Value(""), function="REPLACE")
    return expression  # type: ignore[return-value]


def contacts_search(
    *, user: StaffUser, query: str, limit: int = CONTACT_SEARCH_LIMIT
) -> ContactSearch:
    """Contacts whose name, email, phone or customer's name matches `query`, the customer's
    name first; inactive contacts are found too (the page says they cannot file tickets)."""
    text = query.strip()
    if len(text) < CONTACT_SEARCH_MIN_CHARS:
        return ContactSearch(contacts=[], more=False)
    match = (
        Q(name__icontains=text)
        | Q(email__icontains=text)
        | Q(customer__name__icontains=text)
        | Q(customer__code__iexact=text)
    )
    rows: QuerySet[Contact] = Contact.objects.all()
    digits = re.sub(r"\D", "", text)
    if len(digits) >= PHONE_MIN_DIGITS and not re.search(r"[^\d\s()+./-]", text):
        rows = rows.annotate(phone_digits=_digits_only(F("phone")))
        match |= Q(phone_digits__contains=digits[-PHONE_SIGNIFICANT_DIGITS:])
    found = list(
        staff_rows(user, rows.filter(match))
        .select_related("customer")
        .order_by("customer__name", "name", "pk")[: limit + 1]
    )
    return ContactSearch(contacts=found[:limit], more=len(found) > limit)


def contact_for_registration(*, user: StaffUser, pk: int) -> Contact | None:
    """The contact, if the user may see it."""
    return staff_rows(user, Contact.objects.select_related("customer")).filter(pk=pk).first()


def contracts_for_registration(
    *, user: StaffUser, contact: Contact, on: date
) -> QuerySet[Contract]:
    """The contact's customer's current contracts that the user may register tickets under."""
    return staff_rows(user, contracts_current(customer_id=contact.customer_id, on=on)).order_by(
        "provider__name", "reference"
    )
