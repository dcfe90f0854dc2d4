"""Reactions are drawn with the portal's own emoji images (portal/emoji.py), never as bare
characters that a machine without an emoji font shows as empty boxes."""

from __future__ import annotations

import re

import pytest

from plugins.reactions import services
from plugins.reactions.models import Reaction
from plugins.reactions.tests.test_reactions import make_post, page_url

pytestmark = pytest.mark.django_db

IMG = re.compile(r'<img class="emoji" src="/static/portal/emoji/[0-9a-f-]+\.svg" alt="[^"]+"[^>]*>')
EMOJI_CHARS = set("".join(Reaction.EMOJI.values())) - {"\ufe0f"}


def bare_emoji(html: str) -> set[str]:
    """The reaction emoji characters of ``html`` outside the alt text of emoji images."""
    return {char for char in IMG.sub("", html) if char in EMOJI_CHARS}


def test_the_widget_draws_every_kind_as_an_image(logged_in, employee, colleague):
    post = make_post(colleague)
    services.react(employee, post, "love")
    services.react(colleague, post, "celebrate")
    response = logged_in.post(
        page_url("react", post), {"kind": "funny"}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    for char in Reaction.EMOJI.values():
        assert f'alt="{char}"' in html
    assert 'src="/static/portal/emoji/1f604.svg"' in html  # mine, in the summary
    assert bare_emoji(html) == set()


def test_who_reacted_draws_images(logged_in, employee, colleague):
    post = make_post(colleague)
    services.react(employee, post, "like")
    services.react(colleague, post, "insightful")
    for query in ({}, {"kind": "like"}):
        response = logged_in.get(page_url("people", post), query)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'alt="👍"' in html and 'alt="💡"' in html
        assert bare_emoji(html) == set()
