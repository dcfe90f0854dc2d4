"""Contributions of Themed weeks to the core: the visibility rule of initiatives, the
"This week" home panel and the navigation entry."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import signals
from portal.editorial.weeks import services
from portal.editorial.weeks.models import ThemedWeekIndexPage
from portal.navigation import HomePanel, NavItem, section_url

services.register_visibility_rule()


def home_panel(sender, request, **kwargs):
    """The week running today, if the user may see one; nothing otherwise."""
    week = services.current_week(request.user)
    if week is None:
        return None
    return HomePanel(
        title=_("This week: %(theme)s") % {"theme": week.title},
        template="weeks/home_panel.html",
        context={
            "week": week,
            "week_url": week.get_url(request),
            "featured": services.featured_initiatives(request.user, week),
        },
        order=5,
        more_url="",
    )


def nav_entry(sender, request, **kwargs):
    url = section_url(request, ThemedWeekIndexPage)
    if not url:
        return None
    return NavItem(label=gettext_lazy("Themed weeks"), url=url, icon="calendar", order=45)


signals.home_panels.connect(home_panel, dispatch_uid="weeks_home_panel")
signals.nav_items.connect(nav_entry, dispatch_uid="weeks_nav")
