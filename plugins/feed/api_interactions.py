"""Poll votes and event answers in the posts API. (helper "polls")

``PostInteractionsMixin`` is mixed into ``plugins.feed.api.PostViewSet``; its actions use
``self.get_object()`` (a post the caller may see) and add ``/api/posts/{id}/vote/``,
``/api/posts/{id}/rsvp/``, ``/api/posts/{id}/attendees/`` and ``/api/posts/{id}/voters/``.
"""


class PostInteractionsMixin:
    pass
