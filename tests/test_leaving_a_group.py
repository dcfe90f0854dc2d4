"""Leaving a private or secret group removes access to its content, one's own included.

A member posts in a group (a text, a file), comments on it, gets notified, then leaves.
The group's owner comments again after that. From then on the leaver gets nothing about
the group's posts, and exactly the answer a missing object gets: the post page, its
comments, editing or deleting their own post and comment, the group's pages, the home
feed (HTML and /api/feed/), /api/posts/<id>/, the comments and reactions APIs, search
(API and page), the file download and their notifications. An outsider and an anonymous
client get the same. Their own data stays in their personal export.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from plugins.comments import services as comments
from plugins.feed import services as feed
from plugins.feed.models import Post
from plugins.groups import services as groups
from plugins.notifications import services as notifications
from plugins.reactions import services as reactions
from portal import visibility
from portal.privacy import export_user_data
from tests.factories import make_user

pytestmark = pytest.mark.django_db

#: Words that only the group's content holds (the group's name aside: a private group's
#: name is public, a secret group's is not).
POST_WORD = "quetzalcoatl"
LATER_WORD = "okapiwritten"
COMMENT_WORD = "axolotlnote"
MISSING = 999_999_999


def png(name="plan.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "navy").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


class Scene:
    """A group, its owner, a member who posted and left, an outsider."""

    def __init__(self, privacy: str, departments, django_capture_on_commit_callbacks):
        self.owner = make_user("owner@example.com", department=departments["sales"])
        self.leaver = make_user("leaver@example.com", department=departments["sales"])
        self.outsider = make_user("outsider@example.com", department=departments["sales"])
        self.group = groups.create_group(self.owner, name="Zanzibarian", privacy=privacy)
        [invitation] = groups.invite(self.owner, self.group, [self.leaver])
        groups.accept_invitation(self.leaver, invitation)
        with django_capture_on_commit_callbacks(execute=True):
            self.post = feed.create_post(
                self.leaver,
                text=f"Our plan {POST_WORD} #zanzi",
                audience=visibility.group_token(self.group.pk),
                files=[png()],
            )
            self.own_comment = comments.add_comment(
                self.leaver, self.post, f"My own {COMMENT_WORD}"
            )
            comments.add_comment(self.owner, self.post, "Before they left")
            reactions.react(self.owner, self.post, "like")
        self.attachment = self.post.attachments.get()
        assert notifications.unread_count(fresh(self.leaver)) == 2  # a comment, a reaction

    def leave(self, django_capture_on_commit_callbacks):
        client = Client()
        client.force_login(self.leaver)
        response = client.post(reverse("groups:leave", args=[self.group.slug]))
        assert response.status_code == 302
        assert not groups.is_member(fresh(self.leaver), self.group)
        with django_capture_on_commit_callbacks(execute=True):
            self.later = comments.add_comment(self.owner, self.post, f"After {LATER_WORD}")
            reactions.react(self.owner, self.own_comment, "like")
        call_command("rebuild_search_index", stdout=io.StringIO(), stderr=io.StringIO())


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.fixture(params=["private", "secret"])
def scene(request, departments, home_page, django_capture_on_commit_callbacks):
    scene = Scene(request.param, departments, django_capture_on_commit_callbacks)
    scene.leave(django_capture_on_commit_callbacks)
    return scene


def _api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(fresh(user))
    return client


def _pages(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _like_missing(response, missing) -> None:
    """The same status and, for the API, the same body as for an object that does not
    exist."""
    assert response.status_code == missing.status_code, response.content[:300]
    if missing.headers.get("Content-Type", "").startswith("application/json"):
        assert response.json() == missing.json()


def _hidden_urls(scene) -> list[tuple[str, str, str]]:
    """(method, url of the hidden object, url of a missing one)."""
    post, comment = scene.post.pk, scene.own_comment.pk
    return [
        ("get", reverse("feed:post", args=[post]), reverse("feed:post", args=[MISSING])),
        ("get", reverse("feed:edit", args=[post]), reverse("feed:edit", args=[MISSING])),
        ("post", reverse("feed:edit", args=[post]), reverse("feed:edit", args=[MISSING])),
        ("post", reverse("feed:delete", args=[post]), reverse("feed:delete", args=[MISSING])),
        (
            "get",
            reverse("comments:thread", args=[post]),
            reverse("comments:thread", args=[MISSING]),
        ),
        ("get", reverse("comments:edit", args=[comment]), reverse("comments:edit", args=[MISSING])),
        (
            "post",
            reverse("comments:delete", args=[comment]),
            reverse("comments:delete", args=[MISSING]),
        ),
        (
            "get",
            reverse("feed:attachment", args=[scene.attachment.pk]),
            reverse("feed:attachment", args=[MISSING]),
        ),
        ("get", f"/api/posts/{post}/", f"/api/posts/{MISSING}/"),
        ("patch", f"/api/posts/{post}/", f"/api/posts/{MISSING}/"),
        ("delete", f"/api/posts/{post}/", f"/api/posts/{MISSING}/"),
        ("get", f"/api/posts/{post}/comments/", f"/api/posts/{MISSING}/comments/"),
        ("post", f"/api/posts/{post}/comments/", f"/api/posts/{MISSING}/comments/"),
        ("get", f"/api/comments/{comment}/", f"/api/comments/{MISSING}/"),
        ("patch", f"/api/comments/{comment}/", f"/api/comments/{MISSING}/"),
        ("delete", f"/api/comments/{comment}/", f"/api/comments/{MISSING}/"),
        ("get", f"/api/posts/{post}/reactions/", f"/api/posts/{MISSING}/reactions/"),
        ("post", f"/api/posts/{post}/reactions/", f"/api/posts/{MISSING}/reactions/"),
    ]


def _send(user, method: str, url: str):
    """A request as a browser (pages) or a client of the API would send it."""
    body = {"text": "hello", "kind": "like"} if method in {"post", "patch"} else None
    if url.startswith("/api/"):
        return getattr(_api(user), method)(url, body, format="json")
    return getattr(_pages(user), method)(url, body or {})


@pytest.mark.parametrize("who", ["leaver", "outsider", "anonymous"])
def test_the_group_s_posts_answer_like_missing_ones(scene, who):
    user = None if who == "anonymous" else getattr(scene, who)
    for method, url, missing_url in _hidden_urls(scene):
        hidden = _send(user, method, url)
        _like_missing(hidden, _send(user, method, missing_url))
        expected = {404} if user is not None else {302, 401}
        assert hidden.status_code in expected, (method, url, hidden.status_code)
    # Nothing was changed by the refused writes.
    post = Post.objects.get(pk=scene.post.pk)
    assert POST_WORD in post.text and post.comment_count == 3


@pytest.mark.parametrize("who", ["leaver", "outsider"])
def test_feeds_show_nothing_of_it(scene, who):
    user = getattr(scene, who)
    pages, api = _pages(user), _api(user)
    secret = scene.group.privacy == "secret"
    for url in (
        reverse("feed:home"),
        reverse("feed:author", args=[scene.leaver.pk]),
        reverse("feed:hashtag", args=["zanzi"]),
        "/api/feed/",
        f"/api/posts/?author={scene.leaver.pk}",
        f"/api/posts/?group={scene.group.pk}",
    ):
        client = api if url.startswith("/api/") else pages
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for word in (POST_WORD, LATER_WORD, COMMENT_WORD, scene.post.get_absolute_url()):
            assert word not in body, (url, word)
        if secret:
            assert "Zanzibarian" not in body, url
    group_pages = (
        reverse("groups:detail", args=[scene.group.slug]),
        reverse("feed:group", args=[scene.group.slug]),
        reverse("feed:group_files", args=[scene.group.slug]),
    )
    for url in group_pages:
        response = pages.get(url)
        body = response.content.decode()
        for word in (POST_WORD, LATER_WORD, COMMENT_WORD, scene.attachment.name):
            assert word not in body, (url, word)
        if secret:
            missing = pages.get(url.replace(scene.group.slug, "no-such-group"))
            assert response.status_code == missing.status_code == 404, url
    group_api = api.get(f"/api/groups/{scene.group.pk}/")
    if secret:
        _like_missing(group_api, api.get(f"/api/groups/{MISSING}/"))


@pytest.mark.parametrize("who", ["leaver", "outsider"])
def test_search_finds_nothing_of_it(scene, who):
    words = [POST_WORD, LATER_WORD, COMMENT_WORD]
    if scene.group.privacy == "secret":
        words.append("Zanzibarian")
    member = _api(scene.owner)
    assert member.get(f"/api/search/?q={POST_WORD}").json()["count"] >= 1  # it is indexed
    api, pages = _api(getattr(scene, who)), _pages(getattr(scene, who))
    for word in words:
        found = api.get(f"/api/search/?q={word}").json()
        assert found["count"] == 0 and found["results"] == [], word
        assert sum(entry["count"] for entry in found["counts"].values()) == 0
        assert api.get(f"/api/search/suggest/?q={word}").json()["results"] == [], word
        page = pages.get(f"/search/?q={word}").content.decode()
        assert scene.post.get_absolute_url() not in page, word
        for other in words:
            if other != word:
                assert other not in page, (word, other)


def test_the_leaver_s_notifications_about_the_group_are_gone(scene):
    leaver = fresh(scene.leaver)
    assert notifications.unread_count(leaver) == 0
    assert notifications.recent(leaver) == []
    api = _api(scene.leaver)
    assert api.get("/api/notifications/").json()["count"] == 0
    assert api.get("/api/notifications/unread-count/").json() == {"unread": 0}
    assert api.post("/api/notifications/read-all/").json() == {"marked": 0}
    page = _pages(scene.leaver).get(reverse("notifications:list")).content.decode()
    assert "Zanzibarian" not in page and POST_WORD not in page


def test_the_leaver_keeps_their_own_data_in_the_export(scene):
    exported = export_user_data(fresh(scene.leaver))
    assert POST_WORD in str(exported) and COMMENT_WORD in str(exported)


def test_a_member_still_sees_everything(scene):
    member = fresh(scene.owner)
    assert visibility.can_view(member, scene.post)
    assert visibility.can_view(member, scene.later)
    response = _api(scene.owner).get(f"/api/posts/{scene.post.pk}/comments/")
    assert LATER_WORD in response.content.decode()


def test_rejoining_gives_it_back(scene):
    [invitation] = groups.invite(scene.owner, scene.group, [scene.leaver])
    groups.accept_invitation(fresh(scene.leaver), invitation)
    assert _api(scene.leaver).get(f"/api/posts/{scene.post.pk}/").status_code == 200
    assert visibility.can_view(fresh(scene.leaver), scene.later)
