"""Event posts: validation, saving, answers (going / maybe / not going). (helper "polls")

Contract used by the rest of the feed plugin:

* ``clean_event(data: dict) -> dict`` -- validated ``title, starts_at, ends_at, location,
  online_url``; raises ``ValidationError({field: [message]})``.
* ``save_event(post, cleaned) -> Event`` -- create or update the post's event.
* ``respond(user, post, answer) -> EventResponse | None`` -- ``None`` answer withdraws.
* ``attach(posts, user)`` -- for a page of posts, in a constant number of queries, sets
  ``post.event_data`` on event posts (see the module's implementation).
* ``attendees(user, post, answer=None)`` -- who answered, for people who may see the post.
"""


def clean_event(data):
    raise NotImplementedError


def save_event(post, cleaned):
    raise NotImplementedError


def respond(user, post, answer):
    raise NotImplementedError


def attach(posts, user):
    return posts


def attendees(user, post, answer=None):
    raise NotImplementedError
