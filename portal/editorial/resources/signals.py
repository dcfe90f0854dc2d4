"""Contributions of Resources to the core: a navigation entry to the resource index and a
"Latest reading" home panel."""

from django.utils.translation import gettext_lazy as _

from portal import signals, visibility
from portal.editorial.resources.models import ResourceIndexPage, ResourcePage
from portal.navigation import HomePanel, NavItem, section_url


def _resource_index(user) -> ResourceIndexPage | None:
    queryset = visibility.filter_visible(user, ResourceIndexPage.objects.all())
    return queryset.order_by("path").first()


def nav_entry(sender, request, **kwargs):
    url = section_url(request, ResourceIndexPage)
    return NavItem(label=_("Resources"), url=url, icon="book", order=60) if url else None


def home_panel(sender, request, **kwargs):
    index = _resource_index(request.user)
    if index is None:
        return None
    resources = visibility.filter_visible(
        request.user, ResourcePage.objects.live().descendant_of(index)
    ).order_by("-first_published_at", "-pk")[:3]
    return HomePanel(
        title=_("Latest reading"),
        template="resources/home_panel.html",
        context={"items": list(resources)},
        order=70,
        more_url=index.get_url(request) or "",
    )


signals.nav_items.connect(nav_entry, dispatch_uid="resources_nav")
signals.home_panels.connect(home_panel, dispatch_uid="resources_home_panel")
