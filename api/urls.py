"""/api/v1 (issue #12). Helpers append their resources here, one block each."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import access as grants
from api.views import (
    aem,
    availability,
    billing,
    calendars,
    contracts,
    critical,
    escalations,
    maintenance,
    microsoft,
    microsoft_staff,
    oncall,
    privacy,
    reports,
    usage,
    webhooks,
)
from api.views import phone_codes as codes
from api.views import ticket_actions as actions
from api.views import ticket_records as records
from api.views import time_entries as time
from api.views.procedure import TicketProcedureApi
from api.views.tickets import TicketCollectionApi, TicketDetailApi

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    # The split view serves its script as a file: the site's CSP forbids inline scripts.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
    # --- tickets ---
    path("tickets/", TicketCollectionApi.as_view(), name="ticket-list"),
    path("tickets/<int:ticket_id>/", TicketDetailApi.as_view(), name="ticket-detail"),
    # --- ticket actions and records ---
    path("tickets/<int:ticket_id>/reply/", actions.TicketReplyApi.as_view(), name="ticket-reply"),
    path(
        "tickets/<int:ticket_id>/transition/",
        actions.TicketTransitionApi.as_view(),
        name="ticket-transition",
    ),
    path(
        "tickets/<int:ticket_id>/resolve/",
        actions.TicketResolveApi.as_view(),
        name="ticket-resolve",
    ),
    path(
        "tickets/<int:ticket_id>/confirm/",
        actions.TicketConfirmApi.as_view(),
        name="ticket-confirm",
    ),
    path(
        "tickets/<int:ticket_id>/reopen/", actions.TicketReopenApi.as_view(), name="ticket-reopen"
    ),
    path(
        "tickets/<int:ticket_id>/priority/",
        actions.TicketPriorityApi.as_view(),
        name="ticket-priority",
    ),
    path(
        "tickets/<int:ticket_id>/critical-situation/",
        critical.TicketCriticalSituationApi.as_view(),
        name="ticket-critical-situation",
    ),
    path(
        "tickets/<int:ticket_id>/critical-resource/",
        critical.TicketCriticalResourceApi.as_view(),
        name="ticket-critical-resource",
    ),
    path(
        "tickets/<int:ticket_id>/status-updates/",
        critical.TicketStatusUpdateApi.as_view(),
        name="ticket-status-updates",
    ),
    path(
        "tickets/<int:ticket_id>/executive-notifications/",
        critical.TicketExecutiveNotificationApi.as_view(),
        name="ticket-executive-notifications",
    ),
    path(
        "tickets/<int:ticket_id>/effort-24x7/",
        critical.TicketEffort24x7Api.as_view(),
        name="ticket-effort-24x7",
    ),
    path(
        "tickets/<int:ticket_id>/priority-requests/",
        actions.TicketPriorityRequestsApi.as_view(),
        name="ticket-priority-requests",
    ),
    path(
        "tickets/<int:ticket_id>/priority-requests/<int:request_id>/decision/",
        actions.TicketPriorityDecisionApi.as_view(),
        name="ticket-priority-decision",
    ),
    path(
        "tickets/<int:ticket_id>/escalate/",
        actions.TicketEscalateApi.as_view(),
        name="ticket-escalate",
    ),
    path(
        "tickets/<int:ticket_id>/assign/", actions.TicketAssignApi.as_view(), name="ticket-assign"
    ),
    path(
        "tickets/<int:ticket_id>/time-entries/",
        time.TicketTimeEntriesApi.as_view(),
        name="ticket-time-entries",
    ),
    path(
        "tickets/<int:ticket_id>/time-entries/<int:entry_id>/billable/",
        time.TimeEntryBillableApi.as_view(),
        name="ticket-time-entry-billable",
    ),
    path("tickets/<int:ticket_id>/timer/", time.TicketTimerApi.as_view(), name="ticket-timer"),
    path(
        "tickets/<int:ticket_id>/timer/stop/",
        time.TicketTimerStopApi.as_view(),
        name="ticket-timer-stop",
    ),
    path("tickets/<int:ticket_id>/csat/", actions.TicketCsatApi.as_view(), name="ticket-csat"),
    path(
        "tickets/<int:ticket_id>/messages/",
        records.TicketMessagesApi.as_view(),
        name="ticket-messages",
    ),
    path(
        "tickets/<int:ticket_id>/attachments/",
        records.TicketAttachmentsApi.as_view(),
        name="ticket-attachments",
    ),
    path(
        "tickets/<int:ticket_id>/attachments/<int:attachment_id>/download/",
        records.TicketAttachmentDownloadApi.as_view(),
        name="ticket-attachment-download",
    ),
    path(
        "tickets/<int:ticket_id>/events/", records.TicketEventsApi.as_view(), name="ticket-events"
    ),
    path(
        "tickets/<int:ticket_id>/clocks/", records.TicketClocksApi.as_view(), name="ticket-clocks"
    ),
    # --- end of ticket actions and records ---
    # --- contracts, customers, contacts, calendars, escalations, problems ---
    path("contracts/", contracts.ContractCollectionApi.as_view(), name="contract-list"),
    path(
        "contracts/<int:contract_id>/",
        contracts.ContractDetailApi.as_view(),
        name="contract-detail",
    ),
    path("customers/", contracts.CustomerCollectionApi.as_view(), name="customer-list"),
    path(
        "customers/<int:customer_id>/",
        contracts.CustomerDetailApi.as_view(),
        name="customer-detail",
    ),
    path("contacts/", contracts.ContactCollectionApi.as_view(), name="contact-list"),
    path("contacts/<int:contact_id>/", contracts.ContactDetailApi.as_view(), name="contact-detail"),
    path("calendars/", calendars.CalendarCollectionApi.as_view(), name="calendar-list"),
    path("calendars/<slug:code>/", calendars.CalendarDetailApi.as_view(), name="calendar-detail"),
    path(
        "calendars/<slug:code>/deadline/",
        calendars.CalendarDeadlineApi.as_view(),
        name="calendar-deadline",
    ),
    path(
        "calendars/<slug:code>/business-time/",
        calendars.CalendarBusinessTimeApi.as_view(),
        name="calendar-business-time",
    ),
    path("escalations/", escalations.EscalationCollectionApi.as_view(), name="escalation-list"),
    path(
        "escalations/<int:escalation_id>/",
        escalations.EscalationDetailApi.as_view(),
        name="escalation-detail",
    ),
    path(
        "escalations/<int:escalation_id>/acknowledge/",
        escalations.EscalationAcknowledgeApi.as_view(),
        name="escalation-acknowledge",
    ),
    path(
        "escalations/<int:escalation_id>/resolve/",
        escalations.EscalationResolveApi.as_view(),
        name="escalation-resolve",
    ),
    path("problems/", escalations.ProblemCollectionApi.as_view(), name="problem-list"),
    path(
        "problems/<int:problem_id>/", escalations.ProblemDetailApi.as_view(), name="problem-detail"
    ),
    # --- end of contracts, customers, contacts, calendars, escalations, problems ---
    # --- Azure Event Management events ---
    path("aem-events/", aem.AemEventCollectionApi.as_view(), name="aem-event-list"),
    path(
        "aem-events/<int:aem_event_id>/", aem.AemEventDetailApi.as_view(), name="aem-event-detail"
    ),
    path(
        "aem-events/<int:aem_event_id>/agree/",
        aem.AemEventAgreeApi.as_view(),
        name="aem-event-agree",
    ),
    path(
        "aem-events/<int:aem_event_id>/summary/",
        aem.AemEventSummaryApi.as_view(),
        name="aem-event-summary",
    ),
    # --- end of Azure Event Management events ---
    # --- webhooks and the events feed ---
    path("webhooks/", webhooks.WebhookCollectionApi.as_view(), name="webhook-list"),
    path("webhooks/<int:webhook_id>/", webhooks.WebhookDetailApi.as_view(), name="webhook-detail"),
    path(
        "webhooks/<int:webhook_id>/rotate-secret/",
        webhooks.WebhookRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        "webhooks/<int:webhook_id>/deliveries/",
        webhooks.WebhookDeliveriesApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/resend/",
        webhooks.WebhookDeliveryResendApi.as_view(),
        name="webhook-delivery-resend",
    ),
    path(
        "webhooks/<int:webhook_id>/replay/",
        webhooks.WebhookReplayApi.as_view(),
        name="webhook-replay",
    ),
    path("events/", webhooks.EventFeedApi.as_view(), name="event-feed"),
    # --- end of webhooks and the events feed ---
    # --- on call: the rota and its pages ---
    path("oncall/shifts/", oncall.OnCallShiftCollectionApi.as_view(), name="oncall-shift-list"),
    path("oncall/pages/", oncall.OnCallPageCollectionApi.as_view(), name="oncall-page-list"),
    path(
        "oncall/pages/<int:page_id>/",
        oncall.OnCallPageDetailApi.as_view(),
        name="oncall-page-detail",
    ),
    path(
        "oncall/pages/<int:page_id>/acknowledge/",
        oncall.OnCallPageAcknowledgeApi.as_view(),
        name="oncall-page-acknowledge",
    ),
    # --- end of on call ---
    # --- out of hours: phone codes and the escalation procedure ---
    path("phone-codes/", codes.PhoneCodeCollectionApi.as_view(), name="phone-code-list"),
    path(
        "phone-codes/<int:phone_code_id>/",
        codes.PhoneCodeDetailApi.as_view(),
        name="phone-code-detail",
    ),
    path(
        "phone-codes/<int:phone_code_id>/rotate/",
        codes.PhoneCodeRotateApi.as_view(),
        name="phone-code-rotate",
    ),
    path(
        "phone-codes/<int:phone_code_id>/revoke/",
        codes.PhoneCodeRevokeApi.as_view(),
        name="phone-code-revoke",
    ),
    path(
        "phone-codes/<int:phone_code_id>/reveal/",
        codes.PhoneCodeRevealApi.as_view(),
        name="phone-code-reveal",
    ),
    path(
        "tickets/<int:ticket_id>/procedure/",
        TicketProcedureApi.as_view(),
        name="ticket-procedure",
    ),
    # --- end of out of hours ---
    # --- usage, billing and contract terms (issue 14) ---
    path("billing-lines/", billing.BillingLineCollectionApi.as_view(), name="billing-line-list"),
    path("billing-lines/csv/", billing.BillingLineCsvApi.as_view(), name="billing-line-csv"),
    path(
        "billing-lines/<int:line_id>/",
        billing.BillingLineDetailApi.as_view(),
        name="billing-line-detail",
    ),
    path("billing-months/", billing.BillingMonthCollectionApi.as_view(), name="billing-month-list"),
    path(
        "billing-months/close/",
        billing.BillingMonthCloseApi.as_view(),
        name="billing-month-close",
    ),
    path(
        "contracts/<int:contract_id>/usage/",
        usage.ContractUsageApi.as_view(),
        name="contract-usage",
    ),
    path(
        "contracts/<int:contract_id>/billing/",
        usage.ContractBillingApi.as_view(),
        name="contract-billing",
    ),
    path(
        "contracts/<int:contract_id>/notices/",
        usage.ContractNoticesApi.as_view(),
        name="contract-notices",
    ),
    path(
        "contracts/<int:contract_id>/service-requests/",
        microsoft.ServiceRequestCollectionApi.as_view(),
        name="contract-service-requests",
    ),
    path(
        "service-requests/<int:service_request_id>/cancel/",
        microsoft.ServiceRequestCancelApi.as_view(),
        name="service-request-cancel",
    ),
    path(
        "service-requests/<int:service_request_id>/reschedule/",
        microsoft.ServiceRequestRescheduleApi.as_view(),
        name="service-request-reschedule",
    ),
    path(
        "service-requests/<int:service_request_id>/changes/<int:change_id>/fee/",
        microsoft.ServiceRequestFeeApi.as_view(),
        name="service-request-change-fee",
    ),
    path(
        "contracts/<int:contract_id>/service-rates/",
        microsoft_staff.ServiceRateCollectionApi.as_view(),
        name="contract-service-rates",
    ),
    path(
        "contracts/<int:contract_id>/service-exchanges/",
        microsoft_staff.ServiceExchangeCollectionApi.as_view(),
        name="contract-service-exchanges",
    ),
    path(
        "contracts/<int:contract_id>/support-locations/",
        microsoft_staff.SupportLocationCollectionApi.as_view(),
        name="contract-support-locations",
    ),
    path(
        "contracts/<int:contract_id>/location-exchanges/",
        microsoft_staff.LocationExchangeCollectionApi.as_view(),
        name="contract-location-exchanges",
    ),
    # --- end of usage, billing and contract terms ---
    # --- remote-access grants (issue #15 §3) ---
    path(
        "remote-access-grants/",
        grants.RemoteAccessGrantCollectionApi.as_view(),
        name="remote-access-grant-list",
    ),
    path(
        "remote-access-grants/<int:grant_id>/",
        grants.RemoteAccessGrantDetailApi.as_view(),
        name="remote-access-grant-detail",
    ),
    path(
        "remote-access-grants/<int:grant_id>/revoke/",
        grants.RemoteAccessGrantRevokeApi.as_view(),
        name="remote-access-grant-revoke",
    ),
    # --- availability: monitored services, outages, planned maintenance (issue 15) ---
    path(
        "monitored-services/",
        availability.MonitoredServiceCollectionApi.as_view(),
        name="monitored-service-list",
    ),
    path(
        "monitored-services/<int:service_id>/",
        availability.MonitoredServiceDetailApi.as_view(),
        name="monitored-service-detail",
    ),
    path("outages/", availability.OutageCollectionApi.as_view(), name="outage-list"),
    path("outages/<int:outage_id>/", availability.OutageDetailApi.as_view(), name="outage-detail"),
    path("outages/<int:outage_id>/end/", availability.OutageEndApi.as_view(), name="outage-end"),
    path(
        "outages/<int:outage_id>/tickets/",
        availability.OutageTicketsApi.as_view(),
        name="outage-tickets",
    ),
    path(
        "tickets/<int:ticket_id>/outage/",
        availability.TicketOutageApi.as_view(),
        name="ticket-outage",
    ),
    path("maintenance/", maintenance.MaintenanceCollectionApi.as_view(), name="maintenance-list"),
    path(
        "maintenance/<int:maintenance_id>/",
        maintenance.MaintenanceDetailApi.as_view(),
        name="maintenance-detail",
    ),
    path(
        "maintenance/<int:maintenance_id>/cancel/",
        maintenance.MaintenanceCancelApi.as_view(),
        name="maintenance-cancel",
    ),
    path(
        "contracts/<int:contract_id>/availability/",
        maintenance.ContractAvailabilityApi.as_view(),
        name="contract-availability",
    ),
    # --- end of availability ---
    # --- service review packs (issue 15) ---
    path(
        "contracts/<int:contract_id>/review-pack/",
        reports.ContractReviewPackApi.as_view(),
        name="contract-review-pack",
    ),
    path(
        "contracts/<int:contract_id>/review-packs/",
        reports.ContractReviewPacksApi.as_view(),
        name="contract-review-packs",
    ),
    # --- end of service review packs ---
    # --- data-subject requests (issue #15 §3) ---
    path(
        "data-subject-requests/",
        privacy.DataSubjectRequestCollectionApi.as_view(),
        name="data-subject-request-list",
    ),
    path(
        "data-subject-requests/<int:data_subject_request_id>/",
        privacy.DataSubjectRequestDetailApi.as_view(),
        name="data-subject-request-detail",
    ),
    path(
        "data-subject-requests/<int:data_subject_request_id>/erase/",
        privacy.DataSubjectRequestEraseApi.as_view(),
        name="data-subject-request-erase",
    ),
    path(
        "data-subject-requests/<int:data_subject_request_id>/export/",
        privacy.DataSubjectRequestExportApi.as_view(),
        name="data-subject-request-export",
    ),
    path(
        "data-subject-requests/<int:data_subject_request_id>/export/download/",
        privacy.DataSubjectRequestDownloadApi.as_view(),
        name="data-subject-request-download",
    ),
    # --- end of data-subject requests ---
]
