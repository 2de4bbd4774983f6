from django.urls import path

from portal.tokens import ContactSetPasswordForm, contact_token_generator
from portal.views import (
    access,
    account,
    api_tokens,
    auth,
    events,
    phone_codes,
    preferences,
    procedure,
    reports,
    sharing,
    tickets,
    usage,
)
from tickets import converters  # noqa: F401  (registers the ticket_number converter)

app_name = "portal"

urlpatterns = [
    path("", tickets.home, name="home"),
    path("login/", auth.PortalLoginView.as_view(), name="login"),
    path("logout/", auth.PortalLogoutView.as_view(), name="logout"),
    path("password/reset/", auth.PortalPasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth.PortalPasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        # Issue #10 §6: a link issued before the contact was deactivated no longer works.
        auth.PortalPasswordResetConfirmView.as_view(
            token_generator=contact_token_generator, form_class=ContactSetPasswordForm
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        auth.PortalPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/new/", tickets.ticket_new, name="ticket_new"),
    path("tickets/<ticket_number:number>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<ticket_number:number>/sharing/", sharing.ticket_sharing, name="ticket_sharing"),
    path(
        "tickets/<ticket_number:number>/procedure/",
        procedure.ticket_procedure,
        name="ticket_procedure",
    ),
    path("contract/", account.contract_page, name="contract"),
    path("organisation/", account.organisation_page, name="organisation"),
    path("events/", events.events_page, name="events"),
    path("events/<int:pk>/assessment/", events.event_assessment, name="event_assessment"),
    path("api-tokens/", api_tokens.api_tokens_page, name="api_tokens"),
    path("phone-codes/", phone_codes.phone_codes_page, name="phone_codes"),
    path("remote-access/", access.remote_access_page, name="remote_access"),
    path("usage/", usage.usage_page, name="usage"),
    path("reports/", reports.reports_page, name="reports"),
    path("preferences/", preferences.preferences_page, name="preferences"),
    path("language/", preferences.language_switch, name="language"),
]
