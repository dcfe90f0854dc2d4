"""``{% load ui_emoji %}``: emoji drawn with the portal's own graphics (portal/emoji.py).

- ``{% emoji "👍" %}`` (or ``{% emoji kind.emoji 16 %}``): ``<img class="emoji" ...>`` for an
  emoji the portal ships, the plain character for any other.
- ``{{ post.html|emojify }}``: the shipped emoji of already-sanitised HTML drawn as images,
  in its text only (never inside a tag or an attribute).
"""

from django import template

from portal import emoji as emoji_set

register = template.Library()


@register.simple_tag(name="emoji")
def emoji_tag(char, size=emoji_set.DEFAULT_SIZE):
    return emoji_set.emoji_img(char, size)


@register.filter(name="emojify", is_safe=True)
def emojify_filter(html, size=emoji_set.DEFAULT_SIZE):
    return emoji_set.emojify(html, size)
