"""``{% comments_url "add" target %}``: where the thread of any commentable object lives."""

from django import template
from django.urls import reverse

from portal import interactions

register = template.Library()


@register.simple_tag
def comments_url(which: str, target) -> str:
    """The URL of ``target``'s thread fragment (``"thread"``) or comment form (``"add"``)."""
    declaration = interactions.declaration_for(type(target))
    if declaration is None or not declaration.api_prefix:
        return ""
    if declaration.api_prefix == "posts":
        return reverse(f"comments:{which}", args=[target.pk])
    return reverse(f"comments:target_{which}", args=[declaration.api_prefix, target.pk])


@register.simple_tag
def comments_anchor(target) -> str:
    """A unique id for ``target``'s thread on a page showing several."""
    declaration = interactions.declaration_for(type(target))
    prefix = declaration.api_prefix if declaration else "x"
    return f"{prefix}-{target.pk}"
