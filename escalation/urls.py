from django.urls import path

from escalation.views import escalation_acknowledge_view
from escalation.views_oncall import oncall_acknowledge_view

urlpatterns = [
    path(
        "escalations/acknowledge/<str:token>/",
        escalation_acknowledge_view,
        name="escalation-acknowledge",
    ),
    path("oncall/acknowledge/<str:token>/", oncall_acknowledge_view, name="oncall-acknowledge"),
]
