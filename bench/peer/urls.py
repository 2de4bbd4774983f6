"""URLs of the peer harness: helpdesk's own, its REST API included (on by default)."""

from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
