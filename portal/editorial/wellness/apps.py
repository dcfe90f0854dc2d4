from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WellnessConfig(AppConfig):
    name = "portal.editorial.wellness"
    label = "wellness"
    verbose_name = _("Wellness")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.core.interactive import declare_page
        from portal.editorial.wellness import signals  # noqa: F401
        from portal.editorial.wellness.models import WellnessSessionPage

        # People comment on and react to it (see portal.core.interactive).
        declare_page(WellnessSessionPage)
