from django.urls import path

from intake.views import attachment_download
from tickets import converters  # noqa: F401  (registers the row_id converter)

urlpatterns = [
    path("attachments/<row_id:pk>/", attachment_download, name="attachment-download"),
]
