"""Posts in the portal's search. Who may find a post is decided by the visibility policy
(``tokens_for_object``), like everything else: the indexer stores those tokens with the
document, so a private group's post is only ever found by its members."""

from django.utils.translation import gettext_lazy as _

from plugins.feed.models import Event, Poll, PollOption, Post
from portal.text import plain_text
from search.registry import register


def post_document(post: Post) -> dict:
    body = [plain_text(post.html)]
    if post.link_title:
        body.append(post.link_title)
    event = getattr(post, "event", None) if post.kind == Post.EVENT else None
    if event is not None:
        body.extend(part for part in (event.location, event.online_url) if part)
    poll = getattr(post, "poll", None) if post.kind == Post.POLL else None
    if poll is not None:
        body.extend(option.label for option in poll.options.all())
    return {
        "title": post.title,
        "body": "\n".join(part for part in body if part),
        "author": post.author.get_full_name() or str(post.author),
        "date": post.created_at,
        "tags": sorted(tag.name for tag in post.hashtags.all()),
        "type": "post",
        "url": post.get_absolute_url(),
    }


def posts():
    return Post.objects.select_related("author", "event", "poll").prefetch_related(
        "hashtags", "poll__options"
    )


register(
    "feed.post",
    Post,
    post_document,
    _("Posts"),
    queryset=posts,
    # An event's place and a poll's options are part of the post's text.
    watch={
        Event: lambda event: [event.post_id],
        Poll: lambda poll: [poll.post_id],
        PollOption: lambda option: Post.objects.filter(poll__pk=option.poll_id),
    },
)
