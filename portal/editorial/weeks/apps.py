from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeeksConfig(AppConfig):
    name = "portal.editorial.weeks"
    label = "weeks"
    verbose_name = _("Themed weeks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import interactions
        from portal.core.interactive import declare_page
        from portal.editorial.weeks import services, signals  # noqa: F401
        from portal.editorial.weeks.models import Initiative, ThemedWeekPage

        # People comment on and react to a week (see portal.core.interactive) and to its
        # approved initiatives, which the initiatives' moderators moderate.
        declare_page(ThemedWeekPage)
        interactions.declare(
            Initiative,
            comments=interactions.VIEWERS,
            reactions=True,
            is_open=services.initiative_open_to_comments,
            moderates=lambda user, initiative: services.can_moderate(user),
            moderated=services.initiatives_moderated,
            api_prefix="initiatives",
            shareable=True,
        )
