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
