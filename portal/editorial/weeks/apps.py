from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeeksConfig(AppConfig):
    name = "portal.editorial.weeks"
    label = "weeks"
    verbose_name = _("Themed weeks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.editorial.interactions import declare_pages
        from portal.editorial.weeks import signals  # noqa: F401

        declare_pages()
