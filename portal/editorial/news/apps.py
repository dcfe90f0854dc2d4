from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "portal.editorial.news"
    label = "news"
    verbose_name = _("News")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.core.interactive import declare_page
        from portal.editorial.news import signals  # noqa: F401
        from portal.editorial.news.models import NewsPage

        # People comment on and react to it (see portal.core.interactive).
        declare_page(NewsPage)
