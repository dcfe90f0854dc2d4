"""Contributions of Resources to the core: a navigation entry to the resource index and a
"Latest reading" home panel."""

from django.utils.translation import gettext_lazy as _

from portal import signals
from portal.core import localisation
from portal.editorial.resources.models import ResourceIndexPage
from portal.navigation import HomePanel, NavItem, section_url


def _resource_index(user) -> ResourceIndexPage | None:
    """The first resource index ``user`` may see, in their language."""
    indexes = localisation.localized_visible(user, ResourceIndexPage.objects.all())
    return localisation.in_tree_order(indexes).first()


def nav_entry(sender, request, **kwargs):
    url = section_url(request, ResourceIndexPage)
    return NavItem(label=_("Resources"), url=url, icon="book", order=60) if url else None


def home_panel(sender, request, **kwargs):
    index = _resource_index(request.user)
    if index is None:
        return None
    resources = index.visible_resources(request.user)[:3]
    return HomePanel(
        title=_("Latest reading"),
        template="resources/home_panel.html",
        context={"items": list(resources)},
        order=70,
        more_url=index.get_url(request) or "",
    )


signals.nav_items.connect(nav_entry, dispatch_uid="resources_nav")
signals.home_panels.connect(home_panel, dispatch_uid="resources_home_panel")
