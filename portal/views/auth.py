"""Logging in and out, password reset and invitations (issue #5 §1), on Django's auth views.

Sessions rotate on login (Django cycles the key) and end on logout; django-axes throttles failed
logins per account and per address; passwords are checked by AUTH_PASSWORD_VALIDATORS.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class PortalAuthenticationForm(AuthenticationForm):
    """Email and password; provider staff are sent to the back-office instead."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.is_staff:
            raise forms.ValidationError(
                _("Provider staff log in to the back-office, not the customer portal."),
                code="staff",
            )
        contact = getattr(user, "contact", None)
        if contact is None or not contact.is_active:
            raise forms.ValidationError(
                _("This account is not an active contact of a customer."), code="inactive"
            )


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        """The contact's own language (D16) wins over the browser's from here on: the one
        picked last in the portal (stored on the contact), so pages and mails agree."""
        response = super().form_valid(form)
        contact = getattr(form.get_user(), "contact", None)
        if contact is not None and contact.language:
            translation.activate(contact.language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                contact.language,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


class PortalLogoutView(auth_views.LogoutView):
    next_page = "portal:login"


class PortalPasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/password_reset.html"
    email_template_name = "portal/email/password_reset.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")


class PortalPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Also the target of invitations: a new contact sets its first password here."""

    template_name = "portal/password_set.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PortalPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_set_done.html"


class OutboxPasswordResetForm(PasswordResetForm):
    """Reset mail goes through the outbox like every email (D12), only to active contacts."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        from django.utils import timezone

        from portal.services import password_email_enqueue

        for user in self.get_users(self.cleaned_data["email"]):
            contact = getattr(user, "contact", None)
            if contact is not None and contact.is_active and not user.is_staff:
                password_email_enqueue(
                    user=user, contact=contact, invitation=False, now=timezone.now()
                )


PortalPasswordResetView.form_class = OutboxPasswordResetForm
