"""Comments on the demo company's posts (``make run``)."""

from plugins.comments import services
from plugins.feed.models import Post


def load_demo(people: dict) -> None:
    welcome = Post.objects.filter(pinned=True).order_by("pk").first()
    if welcome is None:
        return
    employee = people["employee@example.com"]
    editor = people["editor@example.com"]
    first = services.add_comment(employee, welcome, "Happy to help! The people search is great.")
    services.add_comment(editor, welcome, "Agreed, and the news are now in the feed too.", first)
    services.add_comment(people["admin@example.com"], welcome, "Thanks all, keep the ideas coming.")
