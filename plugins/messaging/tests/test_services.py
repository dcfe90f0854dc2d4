"""Messaging services: conversations and participants, messages (edit, delete, threads,
reactions, mentions, attachments, previews), unread counts, receipts, notifications,
mode off and scheduled messages."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from plugins.groups.models import Group, Membership
from plugins.messaging import services
from plugins.messaging.models import (
    Conversation,
    Message,
    MessageAttachment,
    Participant,
    ScheduledMessage,
)
from portal import modeoff, visibility


def mention(user) -> str:
    return f"@[{user.get_full_name()}](user:{user.pk})"


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def off_for(monkeypatch, person, state):
    def states(users, at=None):
        return {u.pk: state if u.pk == person.pk else modeoff.ON for u in users}

    monkeypatch.setattr(modeoff, "states", states)


@pytest.fixture
def group_conv(employee, colleague, third):
    return services.start_group(employee, [colleague.pk, third.pk], "Lunch")


def make_group(owner, *members, name="Design"):
    group = Group.objects.create(name=name, slug=name.lower(), privacy=Group.PRIVATE)
    Membership.objects.create(group=group, user=owner, role=Membership.OWNER)
    for member in members:
        Membership.objects.create(group=group, user=member)
    for user in (owner, *members):
        visibility.forget_tokens(user)
    return group


# --- Conversations and participants ---------------------------------------------------


class TestParticipants:
    def test_admins_add_people_and_their_sockets_are_told(
        self, employee, colleague, third, outsider, sent, commit
    ):
        conv = services.start_group(employee, [colleague.pk], "Plans")
        with commit():
            added = services.add_participants(employee, conv, [third.pk, outsider.pk])
        assert sorted(added) == sorted([third.pk, outsider.pk])
        assert {"type": "conversation.added", "conversation": conv.pk} in sent.to_user(third.pk)
        assert services.get_conversation(third, conv.pk) == conv

    def test_a_newcomer_starts_with_everything_read(self, employee, colleague, third):
        conv = services.start_group(employee, [colleague.pk], "Plans")
        services.post_message(colleague, conv, "before you came")
        services.add_participants(employee, conv, [third.pk])
        assert services.unread_counts(third) == {}

    def test_only_admins_add_or_remove(self, group_conv, colleague, third, outsider):
        with pytest.raises(PermissionDenied):
            services.add_participants(colleague, group_conv, [outsider.pk])
        with pytest.raises(PermissionDenied):
            services.remove_participant(colleague, group_conv, third.pk)

    def test_nobody_is_added_to_a_direct_conversation(self, employee, colleague, third):
        conv = services.direct_conversation(employee, colleague.pk)
        with pytest.raises(services.MessagingError) as error:
            services.add_participants(employee, conv, [third.pk])
        assert error.value.field == "participants"

    def test_a_removed_participant_loses_everything_at_once(
        self, group_conv, employee, third, sent, commit
    ):
        message = services.post_message(third, group_conv, "mine")
        with commit():
            assert services.remove_participant(employee, group_conv, third.pk)
        assert services.get_conversation(third, group_conv.pk) is None
        assert not visibility.can_view(third, message)
        assert {"type": "conversation.removed", "conversation": group_conv.pk} in sent.to_user(
            third.pk
        )
        with pytest.raises(PermissionDenied):
            services.post_message(third, group_conv, "still here?")

    def test_leaving_hands_admin_to_the_oldest(self, group_conv, employee, colleague):
        assert services.leave(employee, group_conv)
        assert Participant.objects.get(conversation=group_conv, user=colleague).is_admin

    def test_leaving_a_direct_conversation_and_finding_it_again(self, employee, colleague):
        conv = services.direct_conversation(employee, colleague.pk)
        services.post_message(colleague, conv, "hello")
        services.leave(employee, conv)
        assert services.get_conversation(employee, conv.pk) is None
        again = services.direct_conversation(employee, colleague.pk)
        assert again == conv
        assert services.get_conversation(employee, conv.pk) == conv

    def test_rename_by_admins_of_group_conversations_only(self, group_conv, employee, colleague):
        services.rename(employee, group_conv, "  Friday lunch ")
        group_conv.refresh_from_db()
        assert group_conv.title == "Friday lunch"
        with pytest.raises(PermissionDenied):
            services.rename(colleague, group_conv, "Mine")
        with pytest.raises(services.MessagingError):
            services.rename(employee, group_conv, "x" * 121)

    def test_flags_are_per_person(self, group_conv, employee, colleague):
        services.set_muted(employee, group_conv, True)
        services.set_pinned(employee, group_conv, True)
        services.set_archived(employee, group_conv, True)
        mine = services.seat(employee, group_conv)
        theirs = services.seat(colleague, group_conv)
        assert (mine.muted, mine.pinned, mine.archived) == (True, True, True)
        assert (theirs.muted, theirs.pinned, theirs.archived) == (False, False, False)
        with pytest.raises(services.MessagingError):
            services.set_muted(employee, group_conv, "yes")

    def test_a_new_message_unarchives(self, group_conv, employee, colleague):
        services.set_archived(employee, group_conv, True)
        services.post_message(colleague, group_conv, "news")
        assert not services.seat(employee, group_conv).archived

    def test_pinned_first_in_the_list(self, employee, colleague, third):
        first = services.direct_conversation(employee, colleague.pk)
        second = services.direct_conversation(employee, third.pk)
        services.post_message(employee, first, "a")
        services.post_message(employee, second, "b")
        assert list(services.conversations_for(employee))[0] == second
        services.set_pinned(employee, first, True)
        assert list(services.conversations_for(employee))[0] == first


class TestGroupConversation:
    def test_moderators_turn_it_on_and_members_follow(
        self, employee, colleague, third, sent, commit
    ):
        group = make_group(employee, colleague)
        with pytest.raises(PermissionDenied):
            services.enable_space(colleague, group)
        conv = services.enable_space(employee, group)
        assert conv.kind == Conversation.SPACE
        assert set(services.participant_ids(conv)) == {employee.pk, colleague.pk}
        assert services.seat(employee, conv).is_admin
        with commit():
            Membership.objects.create(group=group, user=third)
        assert third.pk in services.participant_ids(conv)
        assert {"type": "conversation.added", "conversation": conv.pk} in sent.to_user(third.pk)
        with commit():
            Membership.objects.filter(group=group, user=colleague).delete()
        assert services.get_conversation(colleague, conv.pk) is None
        assert {"type": "conversation.removed", "conversation": conv.pk} in sent.to_user(
            colleague.pk
        )

    def test_leaving_the_group_through_its_service(self, employee, colleague):
        from plugins.groups import services as groups

        group = make_group(employee, colleague)
        conv = services.enable_space(employee, group)
        groups.leave(colleague, group)
        assert services.get_conversation(colleague, conv.pk) is None

    def test_its_participants_are_the_group_members(self, employee, colleague, third):
        group = make_group(employee, colleague)
        conv = services.enable_space(employee, group)
        with pytest.raises(services.MessagingError):
            services.add_participants(employee, conv, [third.pk])
        with pytest.raises(services.MessagingError):
            services.leave(colleague, conv)
        assert services.display_title(conv) == "Design"

    def test_a_department_group_seats_the_people_the_org_chart_adds(
        self, employee, colleague, third, sent, commit
    ):
        from django.contrib.auth import get_user_model

        from plugins.groups import services as groups
        from plugins.groups.models import Group
        from portal.accounts.models import Department
        from tests.factories import make_user

        sales = Department.objects.create(name="Sales")
        for person in (employee, colleague):
            person.department = sales
            person.save()
        groups.sync_department_groups()
        group = Group.objects.get(department=sales)
        Membership.objects.filter(group=group, user=employee).update(role=Membership.OWNER)
        conv = services.enable_space(employee, group)
        assert set(services.participant_ids(conv)) == {employee.pk, colleague.pk}
        # HR's import moves a third person into the department without a save (no signal):
        # the bulk sync seats them.
        get_user_model().objects.filter(pk=third.pk).update(department=sales)
        with commit():
            groups.sync_department_groups()
        assert third.pk in services.participant_ids(conv)
        assert {"type": "conversation.added", "conversation": conv.pk} in sent.to_user(third.pk)
        # And the one-person sync (a profile saved) too.
        fourth = make_user("fourth@example.com")
        get_user_model().objects.filter(pk=fourth.pk).update(department=sales)
        fourth.refresh_from_db()
        groups.sync_user_department_groups(fourth)
        assert fourth.pk in services.participant_ids(conv)
        # Leaving the department takes them out (each removal sends post_delete).
        get_user_model().objects.filter(pk=third.pk).update(department=None)
        groups.sync_department_groups()
        assert services.get_conversation(third, conv.pk) is None

    def test_sync_and_turning_off(self, employee, colleague, third):
        group = make_group(employee, colleague)
        conv = services.enable_space(employee, group)
        Membership.objects.bulk_create([Membership(group=group, user=third)])
        added, removed = services.sync_space(conv)
        assert added == [third.pk] and removed == []
        assert services.disable_space(employee, group)
        assert not Conversation.objects.filter(pk=conv.pk).exists()


# --- Messages --------------------------------------------------------------------------


class TestMessages:
    def test_edit_own_message_is_shown_edited_and_broadcast(
        self, group_conv, employee, colleague, sent, commit
    ):
        message = services.post_message(employee, group_conv, "helo")
        with commit():
            services.edit_message(employee, group_conv, message.pk, "hello")
        message.refresh_from_db()
        assert message.source == "hello" and message.edited_at is not None
        changed = [e for e in sent.to_conversation(group_conv.pk) if e["type"] == "message.changed"]
        assert changed and changed[-1]["message"]["edited_at"]
        with pytest.raises(LookupError):
            services.edit_message(colleague, group_conv, message.pk, "not mine")

    def test_delete_keeps_a_tombstone(self, group_conv, employee, colleague, commit):
        message = services.post_message(employee, group_conv, "oops", attachments=[png()])
        attachment = message.attachments.get()
        storage = attachment.file.storage
        name = attachment.file.name
        assert storage.exists(name)
        with pytest.raises(LookupError):
            services.delete_message(colleague, group_conv, message.pk)
        with commit():
            services.delete_message(employee, group_conv, message.pk)
        message.refresh_from_db()
        data = services.serialise(message)
        assert data["deleted"] and data["body"] == "" and data["attachments"] == []
        assert message.source == ""
        assert not MessageAttachment.objects.filter(pk=attachment.pk).exists()
        assert not storage.exists(name)
        assert services.unread_counts(colleague) == {}

    def test_threads_are_one_level(self, group_conv, employee, colleague):
        root = services.post_message(employee, group_conv, "question")
        reply = services.post_message(colleague, group_conv, "answer", parent=root.pk)
        root.refresh_from_db()
        assert root.reply_count == 1
        parent, replies = services.thread(employee, group_conv, root.pk)
        assert parent == root and replies == [reply]
        with pytest.raises(services.MessagingError) as error:
            services.post_message(employee, group_conv, "deeper", parent=reply)
        assert error.value.field == "parent"
        with pytest.raises(LookupError):
            services.thread(employee, group_conv, reply.pk)

    def test_a_reply_to_another_conversation_is_refused(self, group_conv, employee, colleague):
        other = services.direct_conversation(employee, colleague.pk)
        elsewhere = services.post_message(employee, other, "there")
        with pytest.raises(services.MessagingError):
            services.post_message(employee, group_conv, "here", parent=elsewhere.pk)

    def test_the_same_client_id_lands_once(self, group_conv, employee):
        first = services.post_message(employee, group_conv, "once", client_id="abc")
        again = services.post_message(employee, group_conv, "once", client_id="abc")
        assert first == again
        assert Message.objects.filter(conversation=group_conv).count() == 1

    def test_oversized_and_empty_are_refused(self, group_conv, employee):
        for body in ("", "   ", "x" * (services.MAX_LENGTH + 1), None, 12):
            with pytest.raises(services.MessagingError) as error:
                services.post_message(employee, group_conv, body)
            assert error.value.field == "body"
        assert not Message.objects.exists()

    def test_attachments_go_through_the_post_checks(self, group_conv, employee):
        message = services.post_message(employee, group_conv, "", attachments=[png("a.html")])
        attachment = message.attachments.get()
        assert attachment.is_image and attachment.name == "a.png"
        bad = SimpleUploadedFile("evil.html", b"<script>alert(1)</script>")
        with pytest.raises(services.MessagingError) as error:
            services.post_message(employee, group_conv, "look", attachments=[png(), bad])
        assert error.value.field == "attachments"
        assert Message.objects.count() == 1 and MessageAttachment.objects.count() == 1
        fake = SimpleUploadedFile("fake.png", b"not an image")
        with pytest.raises(services.MessagingError):
            services.post_message(employee, group_conv, "look", attachments=[fake])

    def test_attachments_of_outsiders_are_none(self, group_conv, employee, outsider):
        message = services.post_message(employee, group_conv, "", attachments=[png()])
        attachment = message.attachments.get()
        assert services.attachment_of(employee, group_conv, attachment.pk) == attachment
        assert services.attachment_of(outsider, group_conv, attachment.pk) is None

    def test_reactions_are_visible_with_the_message(
        self, group_conv, employee, colleague, outsider, sent, commit
    ):
        from django.http import Http404

        from plugins.reactions import services as reactions

        message = services.post_message(employee, group_conv, "party")
        with commit():
            reactions.react(colleague, message, "celebrate")
        message.refresh_from_db()
        assert message.reaction_count == 1
        data = services.serialise_many(employee, [message])[0]
        assert data["reactions"]["counts"] == {"celebrate": 1}
        assert any(
            e["type"] == "message.changed" and e["message"]["reactions"]["total"] == 1
            for e in sent.to_conversation(group_conv.pk)
        )
        with pytest.raises(Http404):
            reactions.react(outsider, message, "like")

    def test_previews_are_fetched_in_the_background(
        self, group_conv, employee, monkeypatch, commit
    ):
        from plugins.feed import previews

        asked = []

        def fake(url):
            asked.append(url)
            return previews.Preview(url=url, title="Example", site="example.com")

        monkeypatch.setattr(previews, "preview_for", fake)
        with commit():
            message = services.post_message(employee, group_conv, "see https://example.com/a")
            assert asked == []  # not inline
        assert asked == ["https://example.com/a"]
        message.refresh_from_db()
        assert message.preview["title"] == "Example"
        assert services.serialise(message)["preview"]["site"] == "example.com"

    def test_history_and_gap_have_no_n_plus_one(
        self, group_conv, employee, colleague, django_assert_max_num_queries
    ):
        for index in range(15):
            services.post_message(colleague, group_conv, f"m{index}", attachments=[png()])
        with django_assert_max_num_queries(6):
            page = services.history(employee, group_conv, limit=10)
            services.serialise_many(employee, page)
        assert len(page) == 10
        gap = services.messages_after(employee, group_conv, page[4].pk)
        assert [m.pk for m in gap] == [m.pk for m in page[5:]]


# --- Notifications ---------------------------------------------------------------------


class TestNotifications:
    def test_participants_but_the_author_and_the_muted(
        self, group_conv, employee, colleague, third, delivered, commit
    ):
        services.set_muted(third, group_conv, True)
        with commit():
            services.post_message(employee, group_conv, f"hi {mention(third)}")
        assert delivered.of("message") == [[colleague.pk]]
        assert delivered.of("mention") == []  # muted: nothing at all

    def test_mentions_of_participants_and_never_of_outsiders(
        self, group_conv, employee, colleague, outsider, delivered, commit
    ):
        with commit():
            services.post_message(
                employee, group_conv, f"{mention(colleague)} and {mention(outsider)}"
            )
        assert delivered.of("mention") == [[colleague.pk]]
        everyone = [pk for recipients in delivered.of("message") for pk in recipients]
        assert outsider.pk not in everyone and colleague.pk not in everyone

    def test_reading_marks_the_notifications_read(self, group_conv, employee, colleague, commit):
        from plugins.notifications import services as inbox

        with commit():
            services.post_message(employee, group_conv, "read me")
        assert inbox.unread_count(colleague) == 1
        with commit():
            services.mark_read(colleague, group_conv)
        assert inbox.unread_count(colleague) == 0


# --- Unread and receipts ---------------------------------------------------------------


class TestUnread:
    def test_counts_per_conversation_and_total(self, employee, colleague, third):
        one = services.direct_conversation(employee, colleague.pk)
        two = services.start_group(colleague, [employee.pk, third.pk])
        services.post_message(colleague, one, "a")
        services.post_message(colleague, one, "b")
        services.post_message(third, two, "c")
        services.post_message(employee, two, "mine")  # reading by writing
        services.post_message(third, two, "d")
        assert services.unread_counts(employee) == {one.pk: 2, two.pk: 1}
        assert services.total_unread(employee) == 3
        services.set_muted(employee, one, True)
        assert services.total_unread(employee) == 1

    def test_counts_in_one_query(self, employee, colleague, third, django_assert_num_queries):
        for other in (colleague, third):
            conv = services.direct_conversation(employee, other.pk)
            services.post_message(other, conv, "x")
        # One for the counts, two for mode off (the company's policy, the person's hours).
        with django_assert_num_queries(3):
            services.unread_counts(employee)

    def test_mark_read_is_monotonic_and_bounded(
        self, group_conv, employee, colleague, sent, commit
    ):
        first = services.post_message(colleague, group_conv, "1")
        second = services.post_message(colleague, group_conv, "2")
        with commit():
            assert services.mark_read(employee, group_conv, second.pk + 1000) == second.pk
        assert services.mark_read(employee, group_conv, first.pk) == second.pk
        assert services.unread_counts(employee) == {}
        assert {"type": "unread.changed", "conversation": group_conv.pk} in sent.to_user(
            employee.pk
        )
        receipts = [e for e in sent.to_conversation(group_conv.pk) if e["type"] == "receipt"]
        assert receipts[-1]["user"] == employee.pk and receipts[-1]["up_to"] == second.pk
        with pytest.raises(services.MessagingError):
            services.mark_read(employee, group_conv, "abc")

    def test_a_person_off_sees_no_count_move(self, group_conv, employee, colleague, monkeypatch):
        services.post_message(colleague, group_conv, "before")
        since = timezone.now()
        off = modeoff.State(
            off=True, since=since, until=since + timedelta(hours=12), reason="hours"
        )
        monkeypatch.setattr(
            modeoff,
            "states",
            lambda users, at=None: {
                u.pk: off if u.pk == employee.pk else modeoff.ON for u in users
            },
        )
        Message.objects.filter(conversation=group_conv).update(created_at=since - timedelta(1))
        services.post_message(colleague, group_conv, "after")
        assert services.unread_counts(employee) == {group_conv.pk: 1}
        assert services.unread_counts(colleague) == {}

    def test_receipts_honour_both_switches(self, group_conv, employee, colleague, monkeypatch):
        message = services.post_message(employee, group_conv, "seen?")
        services.mark_read(colleague, group_conv, message.pk)
        assert services.receipts(employee, group_conv)[colleague.pk] == message.pk
        # Who opted out (mode off's setting) neither shows nor sees receipts.
        from portal.accounts.models import WorkingHours

        WorkingHours.objects.create(user=colleague, show_read_receipts=False)
        assert colleague.pk not in services.receipts(employee, group_conv)
        assert services.receipts(colleague, group_conv) == {}
        WorkingHours.objects.filter(user=colleague).delete()
        # The company's switch (mode off's policy) turns receipts off for everyone.
        from portal.core.models import ModeOffPolicy

        ModeOffPolicy.objects.create(read_receipts=False)
        assert services.receipts(employee, group_conv) == {}

    def test_an_opted_out_reader_broadcasts_no_receipt(
        self, group_conv, employee, colleague, monkeypatch, sent, commit
    ):
        message = services.post_message(employee, group_conv, "seen?")
        monkeypatch.setattr(services, "receipts_enabled", lambda user: False)
        with commit():
            services.mark_read(colleague, group_conv, message.pk)
        assert "receipt" not in sent.types()


# --- Mode off --------------------------------------------------------------------------


class TestModeOff:
    def test_recipients_off(self, group_conv, employee, colleague, monkeypatch):
        until = timezone.now() + timedelta(hours=10)
        off = modeoff.State(off=True, since=timezone.now(), until=until, reason="hours")
        monkeypatch.setattr(
            modeoff,
            "states",
            lambda users, at=None: {
                u.pk: off if u.pk == colleague.pk else modeoff.ON for u in users
            },
        )
        found = services.recipients_off(employee, group_conv)
        assert [(p.pk, s.until) for p, s in found] == [(colleague.pk, until)]

    def test_schedule_list_cancel_release(self, group_conv, employee, colleague, third):
        later = timezone.now() + timedelta(hours=2)
        scheduled = services.schedule_message(employee, group_conv, "tomorrow", later)
        assert list(services.scheduled_messages(employee)) == [scheduled]
        assert list(services.scheduled_messages(colleague)) == []
        assert not services.cancel_scheduled(colleague, scheduled.pk)
        assert services.release_scheduled() == 0
        assert services.release_scheduled(later + timedelta(seconds=1)) == 1
        assert services.release_scheduled(later + timedelta(seconds=1)) == 0
        scheduled.refresh_from_db()
        assert scheduled.sent.source == "tomorrow"
        assert Message.objects.filter(conversation=group_conv).count() == 1
        other = services.schedule_message(employee, group_conv, "cancel me", later)
        assert services.cancel_scheduled(employee, other.pk)
        assert not ScheduledMessage.objects.filter(pk=other.pk).exists()

    def test_scheduling_refuses_the_past(self, group_conv, employee):
        with pytest.raises(services.MessagingError) as error:
            services.schedule_message(employee, group_conv, "x", timezone.now() - timedelta(1))
        assert error.value.field == "send_at"
        with pytest.raises(services.MessagingError):
            services.schedule_message(employee, group_conv, "x", "not a date")

    def test_a_removed_author_s_scheduled_message_is_dropped(self, group_conv, employee, third):
        later = timezone.now() + timedelta(hours=2)
        services.schedule_message(third, group_conv, "hidden", later)
        services.remove_participant(employee, group_conv, third.pk)
        assert services.release_scheduled(later + timedelta(1)) == 0
        assert not Message.objects.exists()

    def test_the_command(self, group_conv, employee):
        from django.core.management import call_command

        scheduled = services.schedule_message(
            employee, group_conv, "now", timezone.now() + timedelta(seconds=30)
        )
        ScheduledMessage.objects.filter(pk=scheduled.pk).update(
            send_at=timezone.now() - timedelta(seconds=1)
        )
        call_command("send_scheduled_messages", verbosity=0)
        assert Message.objects.filter(source="now").exists()

    def test_urgent_needs_the_override(self, group_conv, employee, colleague, monkeypatch):
        with pytest.raises(PermissionDenied):
            services.post_message(employee, group_conv, "now!", urgent=True, reason="outage")
        logged = []
        monkeypatch.setattr(modeoff, "can_override", lambda user: True)
        monkeypatch.setattr(
            modeoff,
            "record_override",
            lambda actor, recipients, reason, target=None, **kwargs: logged.append(
                (actor.pk, sorted(u.pk for u in recipients), reason, target.pk)
            ),
        )
        with pytest.raises(services.MessagingError) as error:
            services.post_message(employee, group_conv, "now!", urgent=True)
        assert error.value.field == "reason"
        message = services.post_message(employee, group_conv, "now!", urgent=True, reason="outage")
        assert message.urgent
        others = sorted(pk for pk in services.participant_ids(group_conv) if pk != employee.pk)
        assert logged == [(employee.pk, others, "outage", message.pk)]


def test_suggested_send_at_is_when_everyone_is_back(employee, colleague, third, monkeypatch):
    conversation = services.start_group(employee, [colleague.pk, third.pk])
    assert services.suggested_send_at(employee, conversation) is None
    back = timezone.now() + timedelta(hours=14)
    off_for(monkeypatch, third, modeoff.State(True, timezone.now(), back, modeoff.MANUAL))
    assert services.suggested_send_at(employee, conversation) == back
