from django.urls import path

from intake.views import attachment_download

urlpatterns = [
    path("attachments/<int:pk>/", attachment_download, name="attachment-download"),
]
