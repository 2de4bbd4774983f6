from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/backoffice/", include("backoffice.urls")),
    path("admin/", admin.site.urls),
    path("", include("escalation.urls")),
    path("", include("intake.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("portal.urls")),
    path("", RedirectView.as_view(url="/portal/", permanent=False)),
]
