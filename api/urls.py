"""/api/v1 (issue #12). Helpers append their resources here, one block each."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views.tickets import TicketCollectionApi, TicketDetailApi

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    # The split view serves its script as a file: the site's CSP forbids inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # --- tickets ---
    path("tickets/", TicketCollectionApi.as_view(), name="ticket-list"),
    path("tickets/<int:ticket_id>/", TicketDetailApi.as_view(), name="ticket-detail"),
]
