from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "portal.editorial.learning"
    label = "learning"
    verbose_name = _("E-learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal.core.interactive import declare_page
        from portal.editorial.learning import signals  # noqa: F401
        from portal.editorial.learning.models import CoursePage, LessonPage

        # People comment on and react to courses and lessons (see portal.core.interactive).
        declare_page(CoursePage)
        declare_page(LessonPage)
