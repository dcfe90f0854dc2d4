from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "portal.editorial.learning"
    label = "learning"
    verbose_name = _("E-learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.editorial.interactions import declare_pages
        from portal.editorial.learning import signals  # noqa: F401

        declare_pages()
