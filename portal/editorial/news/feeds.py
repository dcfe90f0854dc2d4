"""RSS 2.0 and Atom feeds of a news index, listing only what their reader may see."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from portal import links
from portal.editorial.news import services

#: News items in a feed.
FEED_LENGTH = 20


class NewsFeed(Feed):
    """The latest news of one index, as ``reader`` may see them."""

    feed_type = Rss201rev2Feed

    def __init__(self, news_index, reader):
        super().__init__()
        self.news_index = news_index
        self.reader = reader

    def title(self) -> str:
        # "News — Portal": the index's title alone would not say whose news they are.
        return _("%(title)s — %(site)s") % {
            "title": self.news_index.title,
            "site": settings.WAGTAIL_SITE_NAME,
        }

    def link(self) -> str:
        # Feed readers keep these links: the portal's configured address, not the host
        # the feed was fetched from (portal.links).
        return links.absolute_url(self.news_index) or links.absolute_url("/")

    def feed_url(self) -> str:
        name = "feed_atom" if self.feed_type is Atom1Feed else "feed_rss"
        return links.absolute_url(self.link() + self.news_index.reverse_subpage(name))

    def description(self) -> str:
        return _("The latest news published on %(site)s.") % {"site": settings.WAGTAIL_SITE_NAME}

    def items(self):
        news = services.visible_news(self.reader, self.news_index)
        return news.select_related("author", "category")[:FEED_LENGTH]

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return item.summary

    def item_link(self, item) -> str:
        return links.absolute_url(item) or links.absolute_url("/")

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at

    def item_author_name(self, item) -> str:
        return item.author_name

    def item_categories(self, item):
        return [item.category.name] if item.category else []


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()


def build_feed(kind: str, news_index, reader) -> NewsFeed:
    """The feed of ``kind`` ("rss" or "atom") for ``reader``."""
    klass = AtomNewsFeed if kind == "atom" else NewsFeed
    return klass(news_index, reader)
