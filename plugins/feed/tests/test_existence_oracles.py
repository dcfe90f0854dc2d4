"""Existence oracles (issue 12): "exists but hidden" and "does not exist" answer alike.

For a secret group's post and its comments, an outsider, a member who left and an
anonymous client get the same status and the same body as for an id that does not exist:
the composer (page and API), the comments (pages and API), reactions (pages and API) and
follows.
"""

from __future__ import annotations

import difflib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from plugins.comments import services as comments
from plugins.comments.models import Comment
from plugins.feed import services
from plugins.feed.models import Post
from plugins.groups import services as groups
from tests.factories import make_user

MISSING = 999_999_999


@pytest.fixture
def world(db):
    owner = make_user("owner@example.com")
    leaver = make_user("leaver@example.com")
    outsider = make_user("outsider@example.com")
    secret = groups.create_group(owner, name="Falcon acquisition", privacy="secret")
    groups.accept_invitation(leaver, groups.invite(owner, secret, [leaver])[0])
    post = services.create_post(owner, text="Offer at 12M", audience=f"group:{secret.pk}")
    comment = comments.add_comment(owner, post, "Agreed")
    groups.leave(leaver, secret)
    return {
        "owner": owner,
        "leaver": leaver,
        "outsider": outsider,
        "group": secret,
        "post": post,
        "comment": comment,
    }


WHO = ["outsider", "leaver", "anonymous"]


def browser(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    return client


def api(world, who) -> APIClient:
    client = APIClient()
    if who != "anonymous":
        client.force_authenticate(world[who])
    return client


def same(first, second, hidden_id=None) -> None:
    """Same status, same body, once per-request tokens are set aside and the id asked for
    (echoed in a form's "next" address or an error about the input) reads as the other."""

    def body(response, echoed=None):
        text = response.content.decode()
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
        text = re.sub(r'nonce="[^"]*"', "", text)
        if echoed is not None:
            text = re.sub(rf"(?<=[/:]){echoed}(?=[/ ])", str(MISSING), text)
        return text

    assert first.status_code == second.status_code
    differences = [
        line
        for line in difflib.unified_diff(
            body(first, hidden_id).splitlines(), body(second).splitlines()
        )
        if line[:1] in "+-"
    ]
    assert not differences, "\n".join(differences)
    for secret_word in ("Falcon", "12M", "Agreed"):
        assert secret_word not in body(first)


@pytest.mark.parametrize("who", ["outsider", "leaver"])
def test_the_composer_page_given_a_secret_group(client, world, who):
    browser(client, world, who)

    def compose(group_id):
        return client.post(
            "/feed/compose/",
            {"group": group_id, "audience": f"group:{group_id}", "text": "Hi", "kind": "status"},
        )

    same(compose(world["group"].pk), compose(MISSING), world["group"].pk)
    assert not Post.objects.filter(text="Hi").exists()


@pytest.mark.parametrize("who", ["outsider", "leaver"])
def test_the_composer_api_given_a_secret_group(world, who):
    client = api(world, who)

    def compose(group_id):
        return client.post(
            "/api/posts/", {"text": "Hi", "audience": f"group:{group_id}"}, format="json"
        )

    same(compose(world["group"].pk), compose(MISSING))
    assert not Post.objects.filter(text="Hi").exists()


@pytest.mark.parametrize("who", WHO)
def test_comment_pages(client, world, who):
    browser(client, world, who)
    post, comment = world["post"].pk, world["comment"].pk
    for pattern, pk in [("/comments/posts/{}/", post), ("/comments/{}/edit/", comment)]:
        same(client.get(pattern.format(pk)), client.get(pattern.format(MISSING)), pk)
    for pattern, pk in [
        ("/comments/posts/{}/add/", post),
        ("/comments/{}/reply/", comment),
        ("/comments/{}/delete/", comment),
    ]:
        same(
            client.post(pattern.format(pk), {"text": "Me too"}),
            client.post(pattern.format(MISSING), {"text": "Me too"}),
            pk,
        )
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("who", WHO)
def test_comment_api(world, who):
    client = api(world, who)
    post, comment = world["post"], world["comment"]
    same(
        client.get(f"/api/posts/{post.pk}/comments/"),
        client.get(f"/api/posts/{MISSING}/comments/"),
    )
    same(
        client.post(f"/api/posts/{post.pk}/comments/", {"text": "x"}, format="json"),
        client.post(f"/api/posts/{MISSING}/comments/", {"text": "x"}, format="json"),
    )
    for method in ("get", "delete"):
        same(
            getattr(client, method)(f"/api/comments/{comment.pk}/"),
            getattr(client, method)(f"/api/comments/{MISSING}/"),
        )
    same(
        client.patch(f"/api/comments/{comment.pk}/", {"text": "x"}, format="json"),
        client.patch(f"/api/comments/{MISSING}/", {"text": "x"}, format="json"),
    )
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("who", WHO)
def test_reactions_on_hidden_objects(client, world, who):
    browser(client, world, who)
    rest = api(world, who)
    for target, prefix in ((world["post"], "posts"), (world["comment"], "comments")):
        content_type = ContentType.objects.get_for_model(target).pk
        same(
            client.post(f"/reactions/{content_type}/{target.pk}/", {"kind": "like"}),
            client.post(f"/reactions/{content_type}/{MISSING}/", {"kind": "like"}),
            target.pk,
        )
        same(
            client.get(f"/reactions/{content_type}/{target.pk}/people/"),
            client.get(f"/reactions/{content_type}/{MISSING}/people/"),
            target.pk,
        )
        same(
            rest.get(f"/api/{prefix}/{target.pk}/reactions/"),
            rest.get(f"/api/{prefix}/{MISSING}/reactions/"),
        )
        same(
            rest.post(f"/api/{prefix}/{target.pk}/reactions/", {"kind": "like"}, format="json"),
            rest.post(f"/api/{prefix}/{MISSING}/reactions/", {"kind": "like"}, format="json"),
        )
        same(
            rest.post(f"/api/{prefix}/{target.pk}/reactions/", {"kind": "??"}, format="json"),
            rest.post(f"/api/{prefix}/{MISSING}/reactions/", {"kind": "??"}, format="json"),
        )


@pytest.mark.parametrize("who", ["outsider", "leaver"])
def test_following_a_secret_group(client, world, who):
    browser(client, world, who)
    rest = api(world, who)
    same(
        rest.post("/api/follows/", {"group_id": world["group"].pk}, format="json"),
        rest.post("/api/follows/", {"group_id": MISSING}, format="json"),
    )
    same(
        client.post("/feed/follow/", {"group": world["group"].pk}),
        client.post("/feed/follow/", {"group": MISSING}),
    )


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "１２"])
def test_malformed_ids_answer_like_missing_ones(client, world, value):
    """No server error for an id that is not one (a huge number, another alphabet)."""
    rest = api(world, "outsider")
    browser(client, world, "outsider")
    same(
        rest.post("/api/follows/", {"group_id": value}, format="json"),
        rest.post("/api/follows/", {"group_id": MISSING}, format="json"),
    )
    same(
        client.post("/feed/follow/", {"group": value}),
        client.post("/feed/follow/", {"group": MISSING}),
    )
