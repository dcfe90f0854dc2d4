"""Contributions of News to the core: the "Latest news" home panel and a navigation
entry to the news index."""

from django.utils.translation import gettext_lazy as _

from portal import signals
from portal.editorial.news import services
from portal.editorial.news.models import NewsIndexPage
from portal.navigation import HomePanel, NavItem, section_url


def nav_entry(sender, request, **kwargs):
    url = section_url(request, NewsIndexPage)
    return NavItem(label=_("News"), url=url, icon="news", order=20) if url else None


def home_panel(sender, request, **kwargs):
    index = services.news_index_for(request.user)
    if index is None:
        return None
    return HomePanel(
        title=_("Latest news"),
        template="news/home_panel.html",
        context={"items": services.latest_news(request.user)},
        order=10,
        more_url=index.get_url(request) or "",
    )


signals.nav_items.connect(nav_entry, dispatch_uid="news_nav")
signals.home_panels.connect(home_panel, dispatch_uid="news_home_panel")
