from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/backoffice/", include("backoffice.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("escalation.urls")),
    path("", include("intake.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("portal.urls")),
    path("", RedirectView.as_view(url="/portal/", permanent=False)),
]

# Styled error pages (issue #11 §5): the portal's look for customers, the admin's for staff.
handler400 = "servicedesk.errors.bad_request"
handler403 = "servicedesk.errors.permission_denied"
handler404 = "servicedesk.errors.page_not_found"
handler500 = "servicedesk.errors.server_error"
