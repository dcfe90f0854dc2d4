"""Emoji drawn the same on every machine: the portal ships Twemoji's SVG graphics for the
emoji it uses (themes/default/static/portal/emoji/<codepoints>.svg, see the vendor README)
and shows them as ``<img>`` instead of a character that a machine without an emoji font
draws as an empty box.

:func:`emoji_img` draws one emoji (the ``{% emoji %}`` tag of ``ui_emoji``), falling back to
the plain character for one the portal does not ship; :func:`emojify` swaps the shipped
emoji of already-sanitised HTML for their images, in text only (never in a tag or an
attribute).
"""

from __future__ import annotations

import functools
import re

from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

#: Where the SVG files are, under the static files.
STATIC_DIR = "portal/emoji/"
#: The size an emoji is drawn at, in CSS pixels, unless told otherwise.
DEFAULT_SIZE = 20

#: The kinds of reaction (plugins/reactions/models.py, Reaction.EMOJI) come first.
REACTIONS = ("👍", "🎉", "❤️", "💡", "😄")
#: Common emoji, for an emoji picker (and posts that use them).
_COMMON_TEXT = """
😀 😃 😁 😂 🤣 😊 😉 😍 🥰 😘 😎 🤔 😐 😮 😢 😭 😡 🙏 👏 🙌 👋 👌 ✌️ 🤝 💪 👀 🔥 ✨
⭐ 🌟 💯 ✅ ❌ ⚠️ 🚀 🎂 ☕ 🍕 🏆 📌 📅 📣 💬 🤗 😅 🥳 😴 🤯 🎈 🌍 👎 🙂
"""
COMMON = tuple(_COMMON_TEXT.split())
#: Every emoji that has a file, in the order an emoji picker would show them.
SHIPPED = REACTIONS + COMMON

VARIATION_SELECTOR = "\ufe0f"
ZERO_WIDTH_JOINER = "\u200d"
#: Tags whose text is not prose: left alone by :func:`emojify`.
RAW_TEXT_TAGS = ("script", "style", "textarea", "title", "code", "pre")


def codepoints(char: str) -> str:
    """Twemoji's file name for an emoji: its code points in lowercase hex, joined by "-",
    without the emoji variation selector (U+FE0F) unless the sequence has a joiner."""
    points = [ord(c) for c in char]
    if ord(ZERO_WIDTH_JOINER) not in points:
        points = [p for p in points if p != ord(VARIATION_SELECTOR)]
    return "-".join(f"{p:x}" for p in points)


@functools.cache
def _by_form() -> dict[str, str]:
    """Each shipped emoji, with and without its variation selector, to its file name."""
    forms = {}
    for char in SHIPPED:
        name = codepoints(char)
        forms[char] = name
        forms[char.replace(VARIATION_SELECTOR, "")] = name
        if VARIATION_SELECTOR not in char and len(char) == 1:
            forms[char + VARIATION_SELECTOR] = name
    return forms


@functools.cache
def _pattern() -> re.Pattern:
    # Longest first, so that "❤️" wins over "❤" and a sequence over its first character.
    forms = sorted(_by_form(), key=len, reverse=True)
    return re.compile("|".join(re.escape(form) for form in forms))


def is_shipped(char: str) -> bool:
    return char in _by_form()


def file_name(char: str) -> str | None:
    """``1f44d.svg`` for 👍, None for an emoji the portal does not ship."""
    name = _by_form().get(char)
    return f"{name}.svg" if name else None


def emoji_img(char: str, size: int = DEFAULT_SIZE) -> SafeString:
    """``<img class="emoji" ...>`` for a shipped emoji, the escaped character otherwise."""
    char = str(char)
    name = file_name(char)
    if name is None:
        return conditional_escape(char)
    return format_html(
        '<img class="emoji" src="{}" alt="{}" width="{}" height="{}" draggable="false">',
        static(STATIC_DIR + name),
        char,
        int(size),
        int(size),
    )


_MARKUP = re.compile(
    r"<!--.*?-->"  # a comment
    r"|<!\[CDATA\[.*?\]\]>"
    r"|<[!?/]?[A-Za-z][^\"'>]*(?:(?:\"[^\"]*\"|'[^']*')[^\"'>]*)*>",  # a tag, quotes and all
    re.DOTALL,
)
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


def _replace_in_text(text: str, size: int) -> str:
    return _pattern().sub(lambda match: emoji_img(match.group(0), size), text)


def emojify(html, size: int = DEFAULT_SIZE) -> SafeString:
    """The shipped emoji of ``html`` (sanitised HTML; anything else is escaped first) drawn
    as images, in text nodes only: tags, attributes, comments and the content of
    script/style/textarea/title/code/pre elements are left as they are."""
    html = str(conditional_escape(html))
    if not _pattern().search(html):
        return mark_safe(html)  # noqa: S308 - escaped or already safe
    out: list[str] = []
    raw_until = None  # inside a raw-text element: the name of its end tag
    position = 0
    for match in _MARKUP.finditer(html):
        text = html[position : match.start()]
        out.append(text if raw_until else _replace_in_text(text, size))
        markup = match.group(0)
        out.append(markup)
        position = match.end()
        name = _TAG_NAME.match(markup)
        if name is None:
            continue
        closing, tag = name.group(1) == "/", name.group(2).lower()
        if raw_until is None and not closing and tag in RAW_TEXT_TAGS:
            if not markup.endswith("/>"):
                raw_until = tag
        elif raw_until is not None and closing and tag == raw_until:
            raw_until = None
    rest = html[position:]
    out.append(rest if raw_until else _replace_in_text(rest, size))
    return mark_safe("".join(out))  # noqa: S308 - only shipped images were added
