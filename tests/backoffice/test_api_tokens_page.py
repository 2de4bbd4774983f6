"""API tokens in the back-office (issue #12 §1): a staff member makes a token for a provider and
sees the raw value once, in the response to the POST (only its hash is stored); lists and
revokes their own; a support coordinator sees and revokes everybody's; the admin lists them
read-only and revokes through the service. Refusals are form errors in the reader's language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from contracts.models import ApiToken, Provider, TokenScope
from contracts.services.tokens import TokenCreateInput, api_token_create, api_token_find
from tests.backoffice.conftest import english_client, staff

pytestmark = pytest.mark.django_db

# 10:00 in Amsterdam (summer time, UTC+2).
NOW = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
PAGE = "/admin/backoffice/api-tokens/"
ADMIN_LIST = "/admin/contracts/apitoken/"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _onitnow() -> Provider:
    return Provider.objects.get(code="onitnow")


def _create(client: Client, **changes: Any) -> Any:
    data = {
        "do": "create",
        "name": "Monitoring Zabbix",
        "provider": _onitnow().pk,
        "scope": TokenScope.WRITE,
        "valid_until": "2026-09-13",
        **changes,
    }
    return client.post(PAGE, data)


def _token_of(user: User, name: str = "Nightly export") -> tuple[ApiToken, str]:
    data = TokenCreateInput(
        name=name,
        scope=TokenScope.READ,
        expires_at=datetime(2026, 9, 1, tzinfo=UTC),
        created_by=user,
        provider=_onitnow(),
    )
    return api_token_create(data=data, now=NOW)


def test_the_route_is_under_the_back_office() -> None:
    assert reverse("backoffice:api-tokens") == PAGE


def test_a_new_token_is_shown_once_in_the_post_response_and_only_its_hash_is_stored() -> None:
    user = staff("first")
    client = english_client(user)

    response = _create(client)

    token = ApiToken.objects.get()
    raw = response.context["raw"]
    page = response.content.decode()
    assert response.status_code == 200
    assert raw in page
    assert "Copy the token now: it will not be shown again." in page
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    assert raw not in str(dict(client.session))
    assert raw not in str(client.cookies)
    assert (token.user, token.provider, token.scope) == (user, _onitnow(), TokenScope.WRITE)
    assert api_token_find(raw, now=NOW) == token
    assert raw not in client.get(PAGE).content.decode()


def test_the_token_works_through_the_chosen_day_in_amsterdam() -> None:
    client = english_client(staff("first"))

    _create(client, valid_until="2026-09-13")

    # The day after begins at 00:00 Amsterdam summer time: 22:00 UTC.
    assert ApiToken.objects.get().expires_at == datetime(2026, 9, 13, 22, 0, tzinfo=UTC)


def test_the_form_offers_ninety_days_and_at_most_a_year() -> None:
    form = english_client(staff("first")).get(PAGE).context["form"]

    field = form["valid_until"]
    assert str(field.value()) == "2026-09-13"
    assert field.field.widget.attrs["max"] == "2027-06-15"


def test_a_token_valid_beyond_a_year_is_refused_with_the_reason_on_the_form() -> None:
    response = _create(english_client(staff("first")), valid_until="2027-06-16")

    assert response.status_code == 200
    assert "raw" not in response.context
    assert response.context["form"].non_field_errors() == ["A token is valid for at most a year."]
    assert not ApiToken.objects.exists()


def test_the_refusal_reads_in_dutch_for_a_dutch_colleague() -> None:
    """Needs the Dutch catalogue with locale/pending/tokens.json merged."""
    client = Client()
    client.force_login(staff("first"))

    page = _create(client, valid_until="2027-06-16").content.decode()

    assert "Een token is hoogstens een jaar geldig." in page
    assert "Nieuw token" in page


def test_the_page_lists_only_the_staff_members_own_tokens() -> None:
    user = staff("first")
    mine, _ = _token_of(user, "Mijn export")
    _token_of(staff("second"), "Andermans export")

    page = english_client(user).get(PAGE + "?all=1")

    assert [row.token for row in page.context["rows"]] == [mine]
    assert "Andermans export" not in page.content.decode()
    assert 'id="all-tokens-link"' not in page.content.decode()


def test_a_staff_member_revokes_their_own_token_after_confirming() -> None:
    user = staff("first")
    token, raw = _token_of(user)
    client = english_client(user)

    listing = client.get(PAGE).content.decode()
    response = client.post(PAGE, {"do": "revoke", "token": token.pk}, follow=True)

    assert "Yes, revoke this token" in listing
    assert response.redirect_chain == [(PAGE, 302)]
    assert "is revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at == NOW
    assert api_token_find(raw, now=NOW) is None


def test_another_staff_members_token_answers_404_and_stays_valid() -> None:
    theirs, raw = _token_of(staff("second"))

    response = english_client(staff("first")).post(PAGE, {"do": "revoke", "token": theirs.pk})

    assert response.status_code == 404
    assert api_token_find(raw, now=NOW) == theirs


@pytest.mark.parametrize("token_id", ["abc", "99999999999999999999", ""])
def test_a_malformed_token_id_answers_404(token_id: str) -> None:
    response = english_client(staff("first")).post(PAGE, {"do": "revoke", "token": token_id})

    assert response.status_code == 404


def test_a_support_coordinator_sees_and_revokes_every_staff_members_tokens() -> None:
    coordinator = staff("coordinator")
    theirs, raw = _token_of(staff("second"), "Andermans export")
    client = english_client(coordinator)

    own_only = client.get(PAGE)
    everyone = client.get(PAGE + "?all=1")
    client.post(PAGE + "?all=1", {"do": "revoke", "token": theirs.pk})

    assert list(own_only.context["rows"]) == []
    assert [row.token for row in everyone.context["rows"]] == [theirs]
    assert "<td>Second</td>" in everyone.content.decode()
    assert api_token_find(raw, now=NOW) is None


def test_the_admin_lists_tokens_read_only_without_the_hash() -> None:
    token, _ = _token_of(staff("second"), "Andermans export")
    client = english_client(staff("coordinator"))

    listing = client.get(ADMIN_LIST + "?q=" + token.prefix)
    change = client.get(f"{ADMIN_LIST}{token.pk}/change/")
    edit = client.post(f"{ADMIN_LIST}{token.pk}/change/", {"name": "Veranderd"})

    assert "Andermans export" in listing.content.decode()
    assert token.secret_hash not in listing.content.decode()
    assert change.status_code == 200
    assert token.secret_hash not in change.content.decode()
    assert b'name="_save"' not in change.content
    assert edit.status_code == 403
    assert client.get(ADMIN_LIST + "add/").status_code == 403
    assert client.get(f"{ADMIN_LIST}{token.pk}/delete/").status_code == 403


def test_the_admin_revokes_the_selected_tokens_after_confirming() -> None:
    token, raw = _token_of(staff("second"))
    client = english_client(staff("coordinator"))
    chosen = {"action": "revoke_selected", "_selected_action": [token.pk]}

    asked = client.post(ADMIN_LIST, chosen)
    done = client.post(ADMIN_LIST, {**chosen, "confirm": "yes"}, follow=True)

    assert "cannot be undone" in asked.content.decode()
    assert "Tokens revoked: 1." in done.content.decode()
    assert api_token_find(raw, now=NOW) is None


def test_the_admin_filters_revoked_tokens() -> None:
    user = staff("second")
    _token_of(user, "Levend token")
    gone, _ = _token_of(user, "Ingetrokken token")
    client = english_client(staff("coordinator"))
    client.post(
        ADMIN_LIST, {"action": "revoke_selected", "_selected_action": [gone.pk], "confirm": "yes"}
    )

    revoked = client.get(ADMIN_LIST + "?revoked=yes").content.decode()
    valid = client.get(ADMIN_LIST + "?revoked=no").content.decode()

    assert ("Ingetrokken token" in revoked, "Levend token" in revoked) == (True, False)
    assert ("Ingetrokken token" in valid, "Levend token" in valid) == (False, True)


def test_the_first_line_cannot_open_the_admin_list() -> None:
    assert english_client(staff("first")).get(ADMIN_LIST).status_code == 403


def test_the_back_office_home_and_user_links_lead_to_the_page() -> None:
    page = english_client(staff("first")).get(reverse("admin:index")).content.decode()

    assert page.count(f'href="{PAGE}"') == 2
    assert "API tokens: let other systems use the service desk's API" in page


def test_an_expired_and_a_revoked_token_say_so_in_the_list() -> None:
    user = staff("first")
    _token_of(user, "Verlopen export")
    revoked, _ = _token_of(user, "Ingetrokken export")
    english_client(user).post(PAGE, {"do": "revoke", "token": revoked.pk})

    with time_machine.travel(datetime(2026, 9, 2, tzinfo=UTC), tick=False):
        rows = english_client(user).get(PAGE).context["rows"]

    assert {row.token.name: row.state_label for row in rows} == {
        "Verlopen export": "expired",
        "Ingetrokken export": "revoked",
    }


def test_the_list_of_every_token_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(6):
        _token_of(staff("second", f"second-{n}"), f"Export {n}")
    client = english_client(staff("coordinator"))

    with django_assert_max_num_queries(10):
        page = client.get(PAGE + "?all=1")

    assert len(page.context["rows"]) == 6


@pytest.mark.parametrize("lookup", ["secret_hash__startswith", "secret_hash", "secret_hash__gt"])
def test_the_admin_list_cannot_be_filtered_on_the_secrets_hash(lookup: str) -> None:
    """A filter on the hash from the address bar would give it away a letter at a time."""
    token, _ = _token_of(staff("second"))
    client = english_client(staff("coordinator"))

    assert client.get(ADMIN_LIST, {lookup: token.secret_hash[:4]}).status_code == 400
    assert client.get(ADMIN_LIST, {"name__startswith": "Night"}).status_code == 200
