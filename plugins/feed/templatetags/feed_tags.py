"""Template helpers of the feed's cards. (helper "feedui")"""

from django import template

from plugins.feed import extensions

register = template.Library()


@register.simple_tag
def post_extensions(post) -> list[dict]:
    """What each registered extension adds under a post: its template and its data."""
    extras = getattr(post, "extras", None) or {}
    return [
        {"template": extension.template, "data": extras.get(extension.key, {})}
        for extension in extensions.extensions()
        if extension.template
    ]


@register.simple_tag
def split_attachments(post) -> dict:
    """The post's attachments as ``images`` (the grid, at most 4 shown, ``more`` hidden
    behind the last one) and ``files`` (chips); from the prefetched list, no query."""
    attachments = list(post.attachments.all())
    images = [a for a in attachments if a.is_image]
    return {
        "images": images,
        "shown": images[:4],
        "more": max(0, len(images) - 4),
        "layout": min(len(images), 4),
        "files": [a for a in attachments if not a.is_image],
    }
