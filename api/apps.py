from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What this app holds about a person: erased, exported (issue #15 §3).
        from api.privacy import api_erase
        from privacy.registry import personal_data_register

        personal_data_register("api", erase=api_erase)
        from api import schema  # noqa: F401 - registers the token scheme with drf-spectacular
