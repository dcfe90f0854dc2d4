"""The portal's own emoji graphics: the set, the ``{% emoji %}`` tag, the ``|emojify`` filter."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils.safestring import SafeString, mark_safe

from plugins.reactions.models import Reaction
from portal import emoji

EMOJI_DIR = Path(settings.STATICFILES_DIRS[0]) / "portal" / "emoji"
IMG = (
    '<img class="emoji" src="/static/portal/emoji/{name}.svg" alt="{char}" '
    'width="20" height="20" draggable="false">'
)


def render(source: str, **context) -> str:
    return Template("{% load ui_emoji %}" + source).render(Context(context))


class TestTheSet:
    def test_every_shipped_emoji_has_its_file_and_every_file_is_shipped(self):
        names = {emoji.codepoints(char) + ".svg" for char in emoji.SHIPPED}
        assert len(names) == len(emoji.SHIPPED) >= 45
        assert {path.name for path in EMOJI_DIR.glob("*.svg")} == names
        for name in names:
            assert (EMOJI_DIR / name).read_text().startswith("<svg")

    def test_every_kind_of_reaction_is_shipped(self):
        assert set(Reaction.EMOJI.values()) <= set(emoji.REACTIONS)
        for char in Reaction.EMOJI.values():
            assert emoji.is_shipped(char)

    def test_file_names_follow_twemoji(self):
        assert emoji.codepoints("👍") == "1f44d"
        assert emoji.codepoints("❤️") == "2764"  # the variation selector is dropped
        assert emoji.codepoints("👩\u200d💻") == "1f469-200d-1f4bb"  # kept with a joiner
        assert emoji.file_name("❤") == emoji.file_name("❤️") == "2764.svg"


class TestTag:
    def test_a_shipped_emoji_is_an_image(self):
        assert render('{% emoji "👍" %}') == IMG.format(name="1f44d", char="👍")

    def test_from_a_variable_and_with_a_size(self):
        html = render("{% emoji char 16 %}", char="🎉")
        assert 'src="/static/portal/emoji/1f389.svg"' in html
        assert 'width="16" height="16"' in html

    def test_an_emoji_not_in_the_set_is_the_plain_character(self):
        assert render('{% emoji "🦩" %}') == "🦩"

    def test_the_fallback_is_escaped(self):
        assert render("{% emoji char %}", char="<b>") == "&lt;b&gt;"


class TestEmojify:
    def test_text_emoji_become_images(self):
        html = render("{{ html|emojify }}", html=mark_safe("<p>Bravo 🎉 and ❤️!</p>"))
        assert html == (
            "<p>Bravo "
            + IMG.format(name="1f389", char="🎉")
            + " and "
            + IMG.format(name="2764", char="❤️")
            + "!</p>"
        )

    def test_attributes_and_tags_are_left_alone(self):
        source = (
            '<p title="🎉 party" data-x=\'👍\'><a href="/t/🔥/" class="x">go 🔥</a></p>'
            "<!-- 👍 --><code>👍</code><pre>🎉</pre>"
        )
        html = emoji.emojify(mark_safe(source))  # noqa: S308 - test input
        assert isinstance(html, SafeString)
        assert "<p title=\"🎉 party\" data-x='👍'>" in html
        fire = IMG.format(name="1f525", char="🔥")
        assert '<a href="/t/🔥/" class="x">go ' + fire + "</a>" in html
        assert "<!-- 👍 --><code>👍</code><pre>🎉</pre>" in html
        # Outside the img alt attributes added, no emoji character is left in the text.
        text = re.sub(r"<[^>]*>", "", html.replace("<!-- 👍 -->", ""))
        assert text == "go 👍🎉"

    def test_an_emoji_not_in_the_set_stays_a_character(self):
        assert emoji.emojify(mark_safe("<p>🦩</p>")) == "<p>🦩</p>"

    def test_unsafe_input_is_escaped_first(self):
        html = emoji.emojify("<script>alert(1)</script> 👍")
        assert html.startswith('&lt;script&gt;alert(1)&lt;/script&gt; <img class="emoji"')

    def test_a_greater_than_sign_inside_a_quoted_attribute(self):
        html = emoji.emojify(mark_safe('<a title="a > 👍">👍</a>'))
        assert html.startswith('<a title="a > 👍"><img')
