from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "portal.editorial.resources"
    label = "resources"
    verbose_name = _("Resources")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.editorial.resources import signals  # noqa: F401
