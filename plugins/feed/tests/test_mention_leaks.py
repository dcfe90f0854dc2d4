"""Mentions go through the visibility policy (leak class 1 of issue 12).

A mention of an object its author may not see (a secret group, or a person the policy
hides) renders as the plain text the author typed, exactly as a mention of an id that does
not exist, and notifies nobody; the composer's suggestions list only what the person may
see. An outsider, a member who left and an anonymous client are each tried.
"""

from __future__ import annotations

import pytest

from plugins.comments import services as comments
from plugins.feed import services
from plugins.groups import services as groups
from portal import signals, text
from tests.factories import make_user

MISSING = 999_999_999


@pytest.fixture
def people(db):
    return {
        "owner": make_user("owner@example.com"),
        "member": make_user("member@example.com"),
        "outsider": make_user("outsider@example.com"),
        "leaver": make_user("leaver@example.com"),
    }


@pytest.fixture
def secret(people):
    group = groups.create_group(people["owner"], name="Falcon acquisition", privacy="secret")
    for person in ("member", "leaver"):
        invitation = groups.invite(people["owner"], group, [people[person]])[0]
        groups.accept_invitation(people[person], invitation)
    groups.leave(people["leaver"], group)
    return group


@pytest.fixture
def delivered():
    notices = []

    def receive(sender, notice, recipients, **kwargs):
        notices.append((notice.kind, sorted(user.email for user in recipients)))

    signals.notification_delivery.connect(receive, dispatch_uid="test_mention_leaks")
    yield notices
    signals.notification_delivery.disconnect(dispatch_uid="test_mention_leaks")


def mentions_of(delivered) -> list:
    return [recipients for kind, recipients in delivered if kind == "mention"]


def group_mention(pk) -> str:
    return f"@[the board](group:{pk})"


@pytest.mark.parametrize("who", ["outsider", "leaver"])
def test_a_hidden_group_mentioned_renders_as_typed_and_like_a_missing_one(people, secret, who):
    author = people[who]
    hidden = text.render(f"Hello {group_mention(secret.pk)}", author)
    missing = text.render(f"Hello {group_mention(MISSING)}", author)
    assert hidden.html == missing.html == "<p>Hello @the board</p>"
    assert hidden.mentions == set() and hidden.mentioned_users() == []
    assert "Falcon" not in hidden.html and secret.slug not in hidden.html


def test_a_member_s_mention_of_the_group_resolves(people, secret):
    rendered = text.render(group_mention(secret.pk), people["member"])
    assert rendered.mentions == {("group", secret.pk)}
    assert "@Falcon acquisition" in rendered.html and secret.get_absolute_url() in rendered.html


def test_without_an_author_nothing_resolves(people, secret):
    rendered = text.render(f"@[Owner](user:{people['owner'].pk}) {group_mention(secret.pk)}")
    assert rendered.mentions == set()
    assert 'class="mention"' not in rendered.html


@pytest.mark.parametrize("who", ["outsider", "leaver"])
def test_posting_a_hidden_group_mention_notifies_nobody(
    people, secret, delivered, who, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = services.create_post(people[who], text=f"FYI {group_mention(secret.pk)}")
    assert mentions_of(delivered) == []
    assert "Falcon" not in post.html and f"group:{secret.pk}" not in post.html


def test_a_member_mentioning_the_group_notifies_who_may_see_the_post(
    people, secret, delivered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(
            people["member"], text=group_mention(secret.pk), audience=f"group:{secret.pk}"
        )
    assert mentions_of(delivered) == [["owner@example.com"]]


def test_an_edit_adding_a_hidden_mention_notifies_nobody(
    people, secret, delivered, django_capture_on_commit_callbacks
):
    post = services.create_post(people["outsider"], text="Hello")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_post(people["outsider"], post, text=f"Hello {group_mention(secret.pk)}")
    post.refresh_from_db()
    assert mentions_of(delivered) == []
    assert "Falcon" not in post.html


@pytest.mark.parametrize("who", ["outsider", "leaver"])
def test_comments_with_hidden_mentions_render_as_typed_and_notify_nobody(
    people, secret, delivered, who, django_capture_on_commit_callbacks
):
    post = services.create_post(people["owner"], text="Company news")
    with django_capture_on_commit_callbacks(execute=True):
        comment = comments.add_comment(people[who], post, f"See {group_mention(secret.pk)}")
        comments.edit_comment(people[who], comment, f"Again {group_mention(secret.pk)}")
    assert comment.html == "<p>Again @the board</p>"
    assert mentions_of(delivered) == []


def test_a_mentioned_person_who_may_not_see_the_post_is_not_notified(
    people, secret, delivered, django_capture_on_commit_callbacks
):
    outsider = people["outsider"]
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(
            people["member"],
            text=f"@[O](user:{outsider.pk}) @[L](user:{people['leaver'].pk})",
            audience=f"group:{secret.pk}",
        )
    assert mentions_of(delivered) == []


def test_an_inactive_person_renders_like_a_missing_one(people):
    gone = make_user("gone@example.com")
    gone.is_active = False
    gone.save()
    author = people["outsider"]
    assert (
        text.render(f"@[X](user:{gone.pk})", author).html
        == text.render(f"@[X](user:{MISSING})", author).html
        == "<p>@X</p>"
    )


# --- Suggestions -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["outsider", "leaver"])
def test_suggestions_never_list_a_hidden_group(people, secret, who, client):
    client.force_login(people[who])
    hidden = client.get("/api/mentions/", {"q": "Falcon"})
    missing = client.get("/api/mentions/", {"q": "Nonexistent words"})
    assert hidden.status_code == missing.status_code == 200
    assert hidden.json() == missing.json() == []


def test_suggestions_list_the_group_to_its_members(people, secret, client):
    client.force_login(people["member"])
    found = client.get("/api/mentions/", {"q": "Falcon"}).json()
    assert [(item["kind"], item["id"]) for item in found] == [("group", secret.pk)]


def test_anonymous_clients_get_no_suggestions(people, secret, client):
    response = client.get("/api/mentions/", {"q": "Falcon"})
    assert response.status_code in (401, 403)
    assert "Falcon" not in response.content.decode()
    assert text.suggest_mentions(None, "o") == []


def test_suggestions_of_a_kind_are_checked_by_the_policy(people, secret):
    """A kind whose own suggest() forgets the policy still cannot list what is hidden."""
    leaky = text.MentionKind(
        "leaky",
        "groups.Group",
        resolve=lambda ids: {},
        members=lambda ids: [],
        suggest=lambda user, q, limit: [
            {"kind": "leaky", "id": secret.pk, "label": secret.name, "detail": ""}
        ],
    )
    text.register_mention_kind(leaky)
    try:
        assert text.suggest_mentions(people["outsider"], "zzz") == []
        assert [i["id"] for i in text.suggest_mentions(people["member"], "zzz")] == [secret.pk]
    finally:
        text._mention_kinds.pop("leaky")


def test_from_outside_a_private_group_its_mention_shows_but_notifies_nobody(
    people, delivered, django_capture_on_commit_callbacks
):
    board = groups.create_group(people["owner"], name="Board", privacy="private")
    groups.accept_invitation(
        people["member"], groups.invite(people["owner"], board, [people["member"]])[0]
    )
    with django_capture_on_commit_callbacks(execute=True):
        post = services.create_post(people["outsider"], text=group_mention(board.pk))
    assert "@Board" in post.html and mentions_of(delivered) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(people["member"], text=group_mention(board.pk))
    assert mentions_of(delivered) == [["owner@example.com"]]
