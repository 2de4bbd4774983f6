"""/api/v1 (issue #12). Helpers append their resources here, one block each."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.views.tickets import TicketCollectionApi, TicketDetailApi

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    # --- tickets ---
    path("tickets/", TicketCollectionApi.as_view(), name="ticket-list"),
    path("tickets/<int:ticket_id>/", TicketDetailApi.as_view(), name="ticket-detail"),
]
