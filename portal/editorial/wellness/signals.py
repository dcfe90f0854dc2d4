"""Contributions of Wellness to the core: a navigation entry, the home page panel of
upcoming sessions with free places; the waiting list moves up when an editor raises a
session's capacity. (A person's erasure goes through ``privacy.py``.)"""

from django.utils.translation import gettext_lazy as _
from wagtail.signals import page_published

from portal import signals, visibility
from portal.editorial.wellness import services
from portal.editorial.wellness.models import WellnessIndexPage, WellnessSessionPage
from portal.navigation import HomePanel, NavItem, section_url

#: How many sessions the home page panel lists.
PANEL_SIZE = 5


def _section(request):
    """The first wellness section the person may see, looked up once per request."""
    if not hasattr(request, "_wellness_section"):
        request._wellness_section = services.first_section(request.user)
    return request._wellness_section


def nav_entry(sender, request, **kwargs):
    url = section_url(request, WellnessIndexPage)
    return NavItem(label=_("Wellness"), url=url, icon="heart", order=50) if url else None


def home_panel(sender, request, **kwargs):
    """Upcoming sessions the person may see that still have a free place."""
    if not visibility.is_active_user(request.user):
        return None
    sessions = list(services.upcoming_sessions(request.user, with_places=True)[:PANEL_SIZE])
    section = _section(request)
    if not sessions and section is None:
        return None  # no wellness section this person may see: no panel
    return HomePanel(
        title=_("Upcoming sessions with free places"),
        template="wellness/home_panel.html",
        context={
            "sessions": sessions,
            "my_sessions_url": services.my_sessions_url(section, request),
        },
        order=60,
        more_url=section.get_url(request) if section else "",
    )


def fill_places_after_publishing(sender, instance, **kwargs):
    """An editor may have raised the capacity: the people waiting move up."""
    services.promote_waiting(instance)


signals.nav_items.connect(nav_entry, dispatch_uid="wellness_nav")
signals.home_panels.connect(home_panel, dispatch_uid="wellness_home_panel")
page_published.connect(
    fill_places_after_publishing,
    sender=WellnessSessionPage,
    dispatch_uid="wellness_fill_places_after_publishing",
)
