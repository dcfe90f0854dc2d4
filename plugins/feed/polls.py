"""Poll posts: validation, saving, votes and results. (helper "polls")

Contract used by the rest of the feed plugin:

* ``clean_poll(data: dict) -> dict`` -- validated ``question, options (2-10 labels),
  multiple, anonymous, closes_at``; raises ``ValidationError({field: [message]})``.
* ``save_poll(post, cleaned) -> Poll`` -- create (or update what may change after votes).
* ``vote(user, post, option_ids)`` -- refuses a second vote, a closed poll, unknown options.
* ``attach(posts, user)`` -- for a page of posts, in a constant number of queries, sets
  ``post.poll_data`` on poll posts (results only once the user voted or the poll closed).
* ``voters(user, post, option)`` -- who voted for an option (never for anonymous polls).
"""


def clean_poll(data):
    raise NotImplementedError


def save_poll(post, cleaned):
    raise NotImplementedError


def vote(user, post, option_ids):
    raise NotImplementedError


def attach(posts, user):
    return posts


def voters(user, post, option):
    raise NotImplementedError
