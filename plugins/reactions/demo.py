"""Reactions on the demo company's posts (``make run``)."""

from plugins.feed.models import Post
from plugins.reactions import services


def load_demo(people: dict) -> None:
    reactors = [user for _email, user in sorted(people.items())][:8]
    kinds = ["like", "celebrate", "love", "insightful", "like", "funny", "like", "celebrate"]
    for post in Post.objects.filter(audience="all").order_by("pk")[:3]:
        for user, kind in zip(reactors, kinds, strict=False):
            if user.pk != post.author_id:
                services.react(user, post, kind)
