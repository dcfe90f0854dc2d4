"""The read side of the feed: which posts, in which order, loaded for a page. (helper "feedui")

Contract:

* ``visible_posts(user) -> QuerySet[Post]`` -- every post ``user`` may see, with author
  and group selected.
* ``home_feed(user, *, cursor=None, limit=20) -> FeedPage`` -- company-wide posts, posts of
  the person's groups, department and followed people and groups, and published news
  pages, newest first (``activity_at``); pinned posts come first on the first page.
* ``group_feed(user, group, *, cursor=None, limit=20) -> FeedPage``
* ``hashtag_feed(user, tag, *, cursor=None, limit=20) -> FeedPage``
* ``author_feed(user, author, *, cursor=None, limit=20) -> FeedPage``
* ``last_24_hours(user, limit=10) -> list[Post]`` -- the most active posts of the last 24h.
* ``load_posts(posts, user) -> list[Post]`` -- everything a card shows, in a constant
  number of queries: attachments, event, poll, extensions (comments, reactions).

``FeedPage`` has ``items`` (``FeedItem(kind="post"|"news", sort_at, post=..., page=...)``),
``pinned`` (posts, first page only) and ``next_cursor`` (an opaque string or ``None``).
"""
