from django.urls import path

from escalation.views import escalation_acknowledge_view

urlpatterns = [
    path(
        "escalations/acknowledge/<str:token>/",
        escalation_acknowledge_view,
        name="escalation-acknowledge",
    ),
]
