"""Messages in search (participants only), the privacy export and erasure, the adoption
metrics and the demo conversations."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plugins.messaging import metrics, privacy, services
from plugins.messaging.models import Message, MessageAttachment, Participant
from search import query


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def found(user, word) -> list:
    results = query.search(user, word, types=[services.SEARCH_KEY])
    return [hit.object_id for hit in results.hits]


@pytest.fixture
def conv(employee, colleague, third):
    return services.start_group(employee, [colleague.pk, third.pk], "Plans")


class TestSearch:
    def test_only_participants_find_messages(self, conv, employee, third, outsider, commit):
        with commit():
            message = services.post_message(employee, conv, "the zanzibar launch")
        assert found(employee, "zanzibar") == [str(message.pk)]
        assert found(third, "zanzibar") == [str(message.pk)]
        assert found(outsider, "zanzibar") == []

    def test_a_removed_participant_finds_nothing(self, conv, employee, third, commit):
        with commit():
            services.post_message(third, conv, "quokka plans")
        assert found(third, "quokka")
        with commit():
            services.remove_participant(employee, conv, third.pk)
        assert found(third, "quokka") == []

    def test_edits_and_deletes_are_reindexed(self, conv, employee, colleague, commit):
        with commit():
            message = services.post_message(employee, conv, "platypus")
        with commit():
            services.edit_message(employee, conv, message.pk, "echidna")
        assert found(colleague, "platypus") == []
        assert found(colleague, "echidna") == [str(message.pk)]
        with commit():
            services.delete_message(employee, conv, message.pk)
        assert found(colleague, "echidna") == []


class TestPrivacy:
    def test_export(self, conv, employee, colleague):
        services.post_message(employee, conv, "mine", attachments=[png()])
        services.post_message(colleague, conv, "theirs")
        data = privacy.export_user_data(employee)
        assert [m["text"] for m in data["messages"]] == ["mine"]
        assert data["messages"][0]["attachments"] == ["p.png"]
        assert [c["id"] for c in data["conversations"]] == [conv.pk]

    def test_erasure(self, conv, employee, colleague, commit):
        message = services.post_message(employee, conv, "forget me", attachments=[png()])
        attachment = message.attachments.get()
        storage, name = attachment.file.storage, attachment.file.name
        reply = services.post_message(colleague, conv, "ok", parent=message)
        with commit():
            privacy.erase_user_data(employee)
        message.refresh_from_db()
        assert message.deleted_at is not None and message.source == "" and message.body == ""
        assert not MessageAttachment.objects.exists()
        assert not storage.exists(name)
        assert not Participant.objects.filter(user=employee).exists()
        assert Message.objects.filter(pk=reply.pk).exists()


def test_metrics(conv, employee, colleague):
    services.post_message(employee, conv, "a")
    services.post_message(employee, conv, "b")
    services.post_message(colleague, conv, "c")
    values = {m.key: m.value for m in metrics.collect_metrics()}
    assert values["messaging.conversations_started.last_30_days"] == 1
    assert values["messaging.messages_sent.last_7_days"] == 3
    assert values["messaging.active_senders.last_30_days"] == 2
    assert values["messaging.urgent_messages.last_30_days"] == 0


def test_demo(db):
    from plugins.groups import demo as groups_demo
    from plugins.messaging import demo
    from tests.factories import make_user

    emails = ["admin", "employee", "editor", "hr", "sales"] + [f"p{i:02}" for i in range(40)]
    people = {f"{name}@example.com": make_user(f"{name}@example.com") for name in emails}
    groups_demo.load_demo(people)
    demo.load_demo(people)
    assert Message.objects.count() >= 7
    assert services.unread_counts(people["employee@example.com"])
