"""What every page that makes an API token asks (issue #12 §1): the back-office's form adds the
provider, the portal's the contact the token is bound to. The rules (a name, a scope, at most a
year) are contracts.services.tokens'; a refusal shows as an error of the form."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.models import ApiToken, TokenScope
from contracts.services.tokens import MAX_LIFETIME, TokenCreateInput, TokenRefused

DEFAULT_LIFETIME = timedelta(days=90)


def _day_after_starts(day: date) -> datetime:
    """A token valid until `day` works through that whole day in the viewer's time zone."""
    zone = timezone.get_current_timezone()
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def token_last_day(now: datetime) -> date:
    """The last day a new token may be valid through (at most a year)."""
    return timezone.localdate(now + MAX_LIFETIME) - timedelta(days=1)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, for example the name of the system that uses it."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        help_text=_("The token works up to and including this day; at most a year from today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        today = timezone.localdate(now)
        field = self.fields["valid_until"]
        field.initial = today + DEFAULT_LIFETIME
        field.widget.attrs.update(
            {"min": today.isoformat(), "max": token_last_day(now).isoformat()}
        )

    def token_owner(self) -> dict[str, Any]:
        """Whose token it is: the back-office's form names the provider, the portal's the
        contact (as TokenCreateInput's keywords)."""
        raise NotImplementedError

    def token_input(self, *, created_by: User) -> TokenCreateInput:
        """The answers as the service takes them (call after is_valid())."""
        data = self.cleaned_data
        return TokenCreateInput(
            name=data["name"],
            scope=data["scope"],
            expires_at=_day_after_starts(data["valid_until"]),
            created_by=created_by,
            **self.token_owner(),
        )

    def refused(self, refusal: TokenRefused) -> None:
        """The service's reason, in the reader's language, as an error of the whole form."""
        self.add_error(None, str(refusal))


class ApiTokenRevokeForm(forms.Form):
    """Which token to revoke, among those the person may revoke: any other id is not found."""

    token = forms.ModelChoiceField(queryset=ApiToken.objects.none())

    def __init__(self, *args: Any, tokens: QuerySet[ApiToken], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["token"]).queryset = tokens

    @classmethod
    def chosen(cls, data: Any, *, tokens: QuerySet[ApiToken]) -> ApiToken:
        """The posted token, or a 404: another's token does not exist for this person."""
        form = cls(data, tokens=tokens)
        if not form.is_valid():
            raise Http404("No such token.")
        return cast(ApiToken, form.cleaned_data["token"])


def revoked_message(token: ApiToken) -> str:
    return gettext("The token %(name)s is revoked: programs using it are refused from now on.") % {
        "name": str(token)
    }
