from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "portal.editorial.news"
    label = "news"
    verbose_name = _("News")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.editorial.interactions import declare_pages
        from portal.editorial.news import signals  # noqa: F401

        declare_pages()
