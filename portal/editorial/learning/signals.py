"""Contributions of E-learning to the core: a "Courses" navigation entry, the home page
panel "My courses in progress", and forgetting a person's enrolments when their data is
erased."""

from django.utils.translation import gettext_lazy as _

from portal import signals, visibility
from portal.core import localisation
from portal.editorial.learning import services
from portal.editorial.learning.models import CourseIndexPage
from portal.navigation import HomePanel, NavItem, section_url


def _catalogue(user) -> CourseIndexPage | None:
    catalogues = localisation.localized_visible(user, CourseIndexPage.objects.live())
    return localisation.in_tree_order(catalogues).first()


def nav_entry(sender, request, **kwargs):
    url = section_url(request, CourseIndexPage)
    return NavItem(label=_("Courses"), url=url, icon="graduation", order=40) if url else None


def forget_learner(sender, user, **kwargs):
    from portal.editorial.learning import privacy

    privacy.erase_user_data(user)


def home_panel(sender, request, **kwargs):
    if not visibility.is_active_user(request.user):
        return None
    catalogue = _catalogue(request.user)
    return HomePanel(
        title=_("My courses in progress"),
        template="learning/home_panel.html",
        context={"summaries": services.courses_in_progress(request.user), "catalogue": catalogue},
        order=40,
        more_url=(catalogue.url or "") if catalogue else "",
    )


signals.nav_items.connect(nav_entry, dispatch_uid="learning_nav")
signals.home_panels.connect(home_panel, dispatch_uid="learning_home_panel")
signals.user_erased.connect(forget_learner, dispatch_uid="learning_user_erased")
