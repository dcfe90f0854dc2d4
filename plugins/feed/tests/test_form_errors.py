"""Forms with errors are shown again in place, the text kept and the errors next to the
fields; the address the browser shows afterwards answers GET (never 405)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from plugins.feed import services
from plugins.feed.models import Post

pytestmark = pytest.mark.django_db


def _error_block(body: str) -> str:
    """The first field in error, its error list included."""
    match = re.search(r'<div class="field field--error">.*?</ul>', body, re.S)
    assert match, "no field in error"
    return match.group(0)


def test_an_invalid_post_keeps_the_text_shows_the_error_and_its_address_answers_get(
    logged_in, employee
):
    url = reverse("feed:compose")
    response = logged_in.post(
        url, {"audience": "all", "kind": "poll", "text": "Keep me please", "poll-question": ""}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Keep me please" in body
    block = _error_block(body)
    assert 'name="poll-question"' in block and "field__errors" in block
    assert "data-form-errors" in body
    assert not Post.objects.exists()
    # The page the browser shows after the post: opening it again is the empty composer.
    again = logged_in.get(url)
    assert again.status_code == 200
    assert "data-composer" in again.content.decode()


def test_the_compose_page_of_a_group_one_may_not_see_is_the_home_composer(logged_in, colleague):
    from plugins.groups.models import Group, Membership

    group = Group.objects.create(name="Secret", slug="secret", privacy=Group.SECRET)
    Membership.objects.create(group=group, user=colleague, role=Membership.OWNER)
    response = logged_in.get(reverse("feed:compose") + f"?group={group.pk}")
    assert response.status_code == 200
    assert "Secret" not in response.content.decode()


def test_an_invalid_comment_keeps_its_page_and_its_address_answers_get(logged_in, colleague):
    post = services.create_post(colleague, text="Comment me")
    url = reverse("comments:add", args=[post.pk])
    response = logged_in.post(url, {"text": "   "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "field--error" in body and "data-form-errors" in body
    assert logged_in.get(url).status_code == 200


def test_post_cards_show_the_avatar_relative_time_and_menu(logged_in, colleague):
    post = services.create_post(colleague, text="Hello with a face")
    body = logged_in.get(reverse("feed:post", args=[post.pk])).content.decode()
    assert 'class="avatar avatar--md' in body
    assert 'class="reltime"' in body
    assert 'class="menu post-menu" data-menu' in body
