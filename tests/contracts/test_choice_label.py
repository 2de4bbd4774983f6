"""`contracts.text.choice_label` (issue #16): a choice field's label as Django's own
`get_<field>_display()` gives it, in the active language, for every choice, and a value that is
not a choice as it is."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from contracts.text import choice_label
from tickets.models import Ticket


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", ["request_type", "line", "status", "channel"])
def test_every_choice_is_labelled_as_django_labels_it(language: str, name: str) -> None:
    field = Ticket._meta.get_field(name)
    with override(language):
        for value, _label in field.flatchoices:
            ticket = Ticket(**{name: value})
            django_label = getattr(ticket, f"get_{name}_display")()
            assert choice_label(ticket, name) == django_label


def test_the_language_is_the_active_one_each_time() -> None:
    ticket = Ticket(request_type="change")
    with override("en"):
        english = choice_label(ticket, "request_type")
    with override("nl"):
        dutch = choice_label(ticket, "request_type")
    assert english != dutch
    with override("en"):
        assert choice_label(ticket, "request_type") == english


def test_a_value_that_is_no_choice_is_shown_as_it_is() -> None:
    assert choice_label(Ticket(request_type="not-a-type"), "request_type") == "not-a-type"
