from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellnessConfig(AppConfig):
    name = "portal.editorial.wellness"
    label = "wellness"
    verbose_name = _("Wellness")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.editorial.interactions import declare_pages
        from portal.editorial.wellness import signals  # noqa: F401

        declare_pages()
