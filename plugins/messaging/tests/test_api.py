"""/api/conversations/: the REST mirror. Outsiders get the 404 of a missing id, removed
participants lose access, bad input is a 400 naming the field with nothing stored."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image
from rest_framework.test import APIClient

from plugins.messaging import services
from plugins.messaging.models import Conversation, Message, MessageAttachment, ScheduledMessage


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def conv(employee, colleague, third):
    return services.start_group(employee, [colleague.pk, third.pk], "Lunch")


@pytest.fixture
def me(employee):
    return client_for(employee)


def url(conv, tail=""):
    return f"/api/conversations/{conv.pk if hasattr(conv, 'pk') else conv}/{tail}"


class TestConversations:
    def test_create_direct_then_found_again(self, me, colleague):
        first = me.post("/api/conversations/", {"participants": [colleague.pk]}, format="json")
        assert first.status_code == 201, first.content
        assert first.json()["kind"] == "direct"
        again = me.post("/api/conversations/", {"participants": [colleague.pk]}, format="json")
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]

    def test_create_group(self, me, employee, colleague, third):
        response = me.post(
            "/api/conversations/",
            {"participants": [colleague.pk, third.pk], "title": "Plans"},
            format="json",
        )
        assert response.status_code == 201
        data = response.json()
        assert data["kind"] == "group" and data["title"] == "Plans" and data["is_admin"]
        assert data["participant_count"] == 3

    def test_bad_participants_are_400_naming_the_field(self, me, outsider):
        for body in ({}, {"participants": []}, {"participants": ["x"]}, {"participants": [10**9]}):
            response = me.post("/api/conversations/", body, format="json")
            assert response.status_code == 400, body
            assert "participants" in response.json()["errors"]
        assert not Conversation.objects.exists()

    def test_list_with_unread_and_flags_in_fixed_queries(
        self, me, employee, colleague, third, outsider, django_assert_max_num_queries
    ):
        for other in (colleague, third, outsider):
            conversation = services.direct_conversation(employee, other.pk)
            services.post_message(other, conversation, "hi", attachments=[png()])
            services.post_message(other, conversation, "there")
        services.set_pinned(employee, conversation, True)
        with django_assert_max_num_queries(12):
            response = me.get("/api/conversations/")
        data = response.json()
        assert len(data) == 3
        assert data[0]["id"] == conversation.pk and data[0]["pinned"]
        assert all(c["unread"] == 2 for c in data)
        assert data[0]["last_message"]["body"]
        for other in range(3):
            extra = services.start_group(colleague, [employee.pk, third.pk], f"g{other}")
            services.post_message(colleague, extra, "x")
        with django_assert_max_num_queries(12):
            assert len(me.get("/api/conversations/").json()) == 6

    def test_archived_filter(self, me, employee, conv):
        services.set_archived(employee, conv, True)
        assert [c["id"] for c in me.get("/api/conversations/?archived=true").json()] == [conv.pk]
        assert me.get("/api/conversations/?archived=false").json() == []
        assert me.get("/api/conversations/?archived=maybe").status_code == 400

    def test_patch_flags_and_title(self, me, conv, colleague):
        response = me.patch(
            url(conv), {"muted": True, "pinned": True, "title": "Tacos"}, format="json"
        )
        assert response.status_code == 200
        data = response.json()
        assert data["muted"] and data["pinned"] and data["title"] == "Tacos"
        other = client_for(colleague).patch(url(conv), {"title": "Mine"}, format="json")
        assert other.status_code == 403
        conv.refresh_from_db()
        assert conv.title == "Tacos"
        bad = me.patch(url(conv), {"muted": "perhaps"}, format="json")
        assert bad.status_code == 400 and "muted" in bad.json()["errors"]

    def test_leave(self, me, employee, conv):
        assert me.delete(url(conv)).status_code == 204
        assert me.get(url(conv)).status_code == 404

    def test_participants_add_and_remove(self, me, conv, outsider, third):
        added = me.post(url(conv, "participants/"), {"participants": [outsider.pk]}, format="json")
        assert added.status_code == 200 and added.json()["participant_count"] == 4
        removed = me.delete(url(conv, "participants/"), {"participants": [third.pk]}, format="json")
        assert removed.status_code == 200 and removed.json()["participant_count"] == 3
        assert client_for(third).get(url(conv)).status_code == 404


class TestOutsiders:
    """A conversation someone does not take part in does not exist for them."""

    PATHS = [
        ("get", ""),
        ("patch", ""),
        ("delete", ""),
        ("get", "messages/"),
        ("post", "messages/"),
        ("get", "messages/{mid}/"),
        ("patch", "messages/{mid}/"),
        ("delete", "messages/{mid}/"),
        ("get", "messages/{mid}/thread/"),
        ("post", "read/"),
        ("get", "receipts/"),
        ("post", "participants/"),
        ("get", "attachments/{aid}/"),
        ("get", "off/"),
        ("get", "scheduled/"),
    ]

    def test_outsider_and_missing_answer_the_same_404(self, conv, employee, outsider):
        message = services.post_message(employee, conv, "secret", attachments=[png()])
        aid = message.attachments.get().pk
        them = client_for(outsider)
        missing = 10**12
        for method, tail in self.PATHS:
            path = tail.format(mid=message.pk, aid=aid)
            hidden = getattr(them, method)(url(conv, path), {"body": "x"}, format="json")
            absent = getattr(them, method)(url(missing, path), {"body": "x"}, format="json")
            assert hidden.status_code == 404, (method, path, hidden.content)
            assert hidden.json() == absent.json(), (method, path)
        message.refresh_from_db()
        assert message.source == "secret" and Message.objects.count() == 1

    def test_a_removed_participant_loses_access(self, conv, employee, third):
        message = services.post_message(third, conv, "mine")
        them = client_for(third)
        assert them.get(url(conv, "messages/")).status_code == 200
        services.remove_participant(employee, conv, third.pk)
        assert them.get(url(conv, "messages/")).status_code == 404
        assert them.get(url(conv, f"messages/{message.pk}/")).status_code == 404
        assert conv.pk not in [c["id"] for c in them.get("/api/conversations/").json()]

    def test_anonymous(self, conv):
        anonymous = APIClient()
        assert anonymous.get("/api/conversations/").status_code in (401, 403)
        assert anonymous.get(url(conv, "messages/")).status_code in (401, 403)
        assert anonymous.post(url(conv, "messages/"), {"body": "x"}).status_code in (401, 403)

    def test_another_conversation_s_message_is_missing_here(self, me, conv, employee, colleague):
        other = services.direct_conversation(employee, colleague.pk)
        message = services.post_message(employee, other, "elsewhere")
        assert me.get(url(conv, f"messages/{message.pk}/")).status_code == 404
        assert me.patch(url(conv, f"messages/{message.pk}/"), {"body": "x"}).status_code == 404


class TestMessages:
    def test_send_and_page_through_history(self, me, conv, employee, colleague):
        for index in range(7):
            services.post_message(colleague, conv, f"m{index}")
        response = me.post(
            url(conv, "messages/"), {"body": "hello", "client_id": "c1"}, format="json"
        )
        assert response.status_code == 201, response.content
        sent = response.json()
        assert sent["body"] and sent["author"]["id"] == employee.pk
        again = me.post(url(conv, "messages/"), {"body": "hello", "client_id": "c1"}, format="json")
        assert again.status_code == 200 and again.json()["id"] == sent["id"]
        page = me.get(url(conv, "messages/?limit=3")).json()
        assert [m["id"] for m in page["results"]][-1] == sent["id"] and page["more"]
        older = me.get(page["next"]).json()
        assert len(older["results"]) == 3 and older["results"][-1]["id"] < page["results"][0]["id"]
        first = Message.objects.filter(conversation=conv).order_by("pk").first()
        gap = me.get(url(conv, f"messages/?after={first.pk}&limit=4")).json()
        assert [m["id"] for m in gap["results"]] == list(
            Message.objects.filter(conversation=conv, pk__gt=first.pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:4]
        )
        assert gap["more"] and "after=" in gap["next"]

    def test_history_queries_are_fixed(self, me, conv, colleague, django_assert_max_num_queries):
        for index in range(20):
            services.post_message(colleague, conv, f"m{index}", attachments=[png()])
        with django_assert_max_num_queries(10):
            response = me.get(url(conv, "messages/?limit=20"))
        assert len(response.json()["results"]) == 20

    def test_bad_input(self, me, conv):
        cases = [
            ({"body": ""}, "body"),
            ({"body": "x" * (services.MAX_LENGTH + 1)}, "body"),
            ({"body": "x", "parent": "abc"}, "parent"),
            ({"body": "x", "parent": 10**12}, "parent"),
            ({"body": "x", "send_at": "yesterday"}, "send_at"),
            ({"body": "x", "send_at": "2001-01-01T00:00:00Z"}, "send_at"),
            ({"body": "x", "client_id": "c" * 65}, "client_id"),
            ({"body": "x", "urgent": True}, None),
        ]
        for body, field in cases:
            response = me.post(url(conv, "messages/"), body, format="json")
            assert 400 <= response.status_code < 500, (body, response.content)
            if field:
                assert field in response.json()["errors"], (body, response.json())
        assert me.get(url(conv, "messages/?after=x")).status_code == 400
        assert me.get(url(conv, "messages/?limit=0")).status_code == 400
        assert not Message.objects.exists() and not ScheduledMessage.objects.exists()

    def test_attachments_multipart_and_download(self, me, conv, colleague, outsider):
        response = me.post(
            url(conv, "messages/"), {"body": "look", "attachments": [png()]}, format="multipart"
        )
        assert response.status_code == 201, response.content
        attachment = response.json()["attachments"][0]
        assert attachment["is_image"]
        download = client_for(colleague).get(attachment["url"])
        assert download.status_code == 200
        assert download["Content-Type"] == "image/png"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert client_for(outsider).get(attachment["url"]).status_code == 404
        refused = me.post(
            url(conv, "messages/"),
            {"body": "evil", "attachments": [SimpleUploadedFile("x.html", b"<script>")]},
            format="multipart",
        )
        assert refused.status_code == 400 and "attachments" in refused.json()["errors"]
        assert Message.objects.count() == 1 and MessageAttachment.objects.count() == 1

    def test_edit_and_delete_own_only(self, me, conv, employee, colleague):
        message = services.post_message(employee, conv, "helo")
        them = client_for(colleague)
        assert them.patch(url(conv, f"messages/{message.pk}/"), {"body": "x"}).status_code == 404
        assert them.delete(url(conv, f"messages/{message.pk}/")).status_code == 404
        edited = me.patch(url(conv, f"messages/{message.pk}/"), {"body": "hello"}, format="json")
        assert edited.status_code == 200 and edited.json()["edited_at"]
        assert me.delete(url(conv, f"messages/{message.pk}/")).status_code == 204
        shown = me.get(url(conv, f"messages/{message.pk}/")).json()
        assert shown["deleted"] and shown["body"] == ""
        assert me.patch(url(conv, f"messages/{message.pk}/"), {"body": "x"}).status_code == 404

    def test_thread(self, me, conv, employee, colleague):
        root = services.post_message(employee, conv, "q")
        response = me.post(url(conv, "messages/"), {"body": "a", "parent": root.pk}, format="json")
        assert response.status_code == 201 and response.json()["parent"] == root.pk
        thread = me.get(url(conv, f"messages/{root.pk}/thread/")).json()
        assert thread["parent"]["reply_count"] == 1 and len(thread["replies"]) == 1

    def test_reactions_through_the_core_api(self, me, conv, employee, colleague, outsider):
        message = services.post_message(colleague, conv, "cake")
        response = me.post(
            f"/api/messages/{message.pk}/reactions/", {"kind": "like"}, format="json"
        )
        assert response.status_code in (200, 201), response.content
        shown = me.get(url(conv, f"messages/{message.pk}/")).json()
        assert shown["reactions"]["counts"] == {"like": 1} and shown["reactions"]["mine"] == "like"
        hidden = client_for(outsider).post(
            f"/api/messages/{message.pk}/reactions/", {"kind": "like"}, format="json"
        )
        assert hidden.status_code == 404

    def test_schedule_list_and_cancel(self, me, conv, colleague):
        response = me.post(
            url(conv, "messages/"),
            {"body": "later", "send_at": "2999-01-01T09:00:00Z"},
            format="json",
        )
        assert response.status_code == 400  # more than a year ahead
        from datetime import timedelta

        from django.utils import timezone

        when = (timezone.now() + timedelta(hours=3)).isoformat()
        response = me.post(
            url(conv, "messages/"), {"body": "later", "send_at": when}, format="json"
        )
        assert response.status_code == 202, response.content
        scheduled = me.get(url(conv, "scheduled/")).json()
        assert [s["source"] for s in scheduled] == ["later"]
        assert client_for(colleague).get(url(conv, "scheduled/")).json() == []
        sid = scheduled[0]["id"]
        assert client_for(colleague).delete(url(conv, f"scheduled/{sid}/")).status_code == 404
        assert me.delete(url(conv, f"scheduled/{sid}/")).status_code == 204
        assert not Message.objects.exists()

    @override_settings(
        PORTAL_RATE_LIMITS={"message": ("3/m", "100/m"), "write": ("100/m", "100/m")}
    )
    def test_sending_is_rate_limited(self, me, conv):
        cache.clear()
        codes = [
            me.post(url(conv, "messages/"), {"body": f"m{i}"}, format="json").status_code
            for i in range(5)
        ]
        assert codes[:3] == [201, 201, 201] and codes[3] == 429
        assert Message.objects.count() == 3


class TestReading:
    def test_read_and_receipts(self, me, conv, employee, colleague):
        message = services.post_message(colleague, conv, "read me")
        assert me.get("/api/conversations/").json()[0]["unread"] == 1
        response = me.post(url(conv, "read/"), {"up_to": message.pk}, format="json")
        assert response.status_code == 200
        assert response.json() == {"last_read_id": message.pk, "unread": 0, "total": 0}
        receipts = client_for(colleague).get(url(conv, "receipts/")).json()["receipts"]
        assert receipts[str(employee.pk)] == message.pk
        # The company's switch (mode off's policy) turns receipts off for everyone.
        from portal.core.models import ModeOffPolicy

        ModeOffPolicy.objects.create(read_receipts=False)
        assert client_for(colleague).get(url(conv, "receipts/")).json() == {"receipts": {}}
        bad = me.post(url(conv, "read/"), {"up_to": "x"}, format="json")
        assert bad.status_code == 400 and "up_to" in bad.json()["errors"]

    def test_off(self, me, conv):
        assert me.get(url(conv, "off/")).json() == []


class TestGroupConversationApi:
    def test_moderators_turn_it_on_and_off(self, me, employee, colleague, outsider):
        from plugins.groups.models import Group, Membership
        from portal import visibility

        group = Group.objects.create(name="Design", slug="design", privacy=Group.SECRET)
        Membership.objects.create(group=group, user=employee, role=Membership.OWNER)
        Membership.objects.create(group=group, user=colleague)
        for person in (employee, colleague):
            visibility.forget_tokens(person)
        assert (
            client_for(colleague)
            .post("/api/conversations/spaces/", {"group": group.pk}, format="json")
            .status_code
            == 403
        )
        hidden = client_for(outsider).post(
            "/api/conversations/spaces/", {"group": group.pk}, format="json"
        )
        missing = client_for(outsider).post(
            "/api/conversations/spaces/", {"group": 10**12}, format="json"
        )
        assert hidden.status_code == 400 and hidden.json() == missing.json()
        response = me.post("/api/conversations/spaces/", {"group": group.pk}, format="json")
        assert response.status_code == 201 and response.json()["kind"] == "space"
        assert response.json()["display_title"] == "Design"
        assert client_for(colleague).get(url(response.json()["id"])).status_code == 200
        assert (
            me.post(
                "/api/conversations/spaces/", {"group": group.pk, "enabled": False}, format="json"
            ).status_code
            == 204
        )
        assert client_for(colleague).get(url(response.json()["id"])).status_code == 404


def test_top_level_history_leaves_replies_out(me, conv, employee):
    root = services.post_message(employee, conv, "q")
    services.post_message(employee, conv, "a", parent=root)
    data = me.get(url(conv, "messages/?top_level=true")).json()
    assert [m["id"] for m in data["results"]] == [root.pk]


def test_no_reaction_to_a_deleted_message(me, conv, employee):
    message = services.post_message(employee, conv, "gone")
    services.delete_message(employee, conv, message.pk)
    response = me.post(f"/api/messages/{message.pk}/reactions/", {"kind": "like"}, format="json")
    assert response.status_code in (403, 404)


def test_participant_list(me, conv, employee, outsider):
    people = me.get(url(conv, "participants/")).json()
    assert [p["id"] for p in people][0] == employee.pk and people[0]["is_admin"]
    assert len(people) == 3
    assert client_for(outsider).get(url(conv, "participants/")).status_code == 404


def test_messages_reach_the_channel_layer(conv, employee, colleague, commit):
    """Without any stand-in: stored, committed, then on the conversation's group."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(services.conversation_group(conv.pk), channel)
    with commit():
        message = services.post_message(colleague, conv, "live")
    event = async_to_sync(layer.receive)(channel)
    assert event["type"] == "message.new" and event["message"]["id"] == message.pk
    assert event["conversation"] == conv.pk


def test_naming_oneself_too_still_means_one_to_one(me, employee, colleague):
    response = me.post(
        "/api/conversations/", {"participants": [employee.pk, colleague.pk]}, format="json"
    )
    assert response.status_code == 201 and response.json()["kind"] == "direct"
