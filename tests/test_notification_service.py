"""The one notification service (portal/notifications.py): who is notified, when, and
how the off mode can hold notifications back."""

import datetime

import pytest
from django.utils import timezone

from portal import notifications, signals
from tests.factories import make_user
from tests.sample_plugin.models import Note


@pytest.fixture
def delivered():
    received = []

    def receiver(sender, notice, recipients, hold_until, **kwargs):
        received.append((notice, [u.pk for u in recipients], hold_until))

    signals.notification_delivery.connect(receiver, dispatch_uid="test_delivered")
    yield received
    signals.notification_delivery.disconnect(dispatch_uid="test_delivered")


def test_only_people_who_can_see_the_target_are_notified(
    employee, colleague, departments, delivered, django_capture_on_commit_callbacks
):
    author = make_user("author@example.com", department=departments["platform"])
    note = Note(author=author, text="platform only")
    note.set_audience_department(departments["platform"])
    note.save()
    outsider = make_user("out@example.com", department=departments["sales"])
    with django_capture_on_commit_callbacks(execute=True):
        kept = notifications.notify(
            "mention", [employee, outsider, author, employee], actor=author, target=note
        )
    assert kept == [employee]
    assert len(delivered) == 1
    notice, recipients, hold_until = delivered[0]
    assert recipients == [employee.pk] and hold_until is None
    assert notice.group_key == f"mention:sample_plugin.note:{note.pk}"


def test_nothing_is_delivered_when_the_transaction_rolls_back(employee, colleague, delivered):
    note = Note.objects.create(author=colleague, text="hello")
    # Without executing on-commit callbacks, as when the surrounding transaction fails.
    notifications.notify("mention", [employee], actor=colleague, target=note)
    assert delivered == []


def test_inactive_people_and_unknown_kinds(employee, colleague, delivered):
    note = Note.objects.create(author=colleague, text="hello")
    employee.is_active = False
    assert notifications.notify("mention", [employee], actor=colleague, target=note) == []
    with pytest.raises(ValueError):
        notifications.notify("nonsense", [employee], actor=colleague, target=note)


def test_the_off_mode_can_hold_a_notification(
    employee, colleague, delivered, django_capture_on_commit_callbacks
):
    later = timezone.now() + datetime.timedelta(hours=10)

    def hold(sender, notice, recipient, **kwargs):
        return later if recipient.pk == employee.pk else None

    signals.notification_hold.connect(hold, dispatch_uid="test_hold")
    try:
        note = Note.objects.create(author=colleague, text="hello")
        other = make_user("other@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify("mention", [employee, other], actor=colleague, target=note)
    finally:
        signals.notification_hold.disconnect(dispatch_uid="test_hold")
    by_hold = {hold_until: recipients for _notice, recipients, hold_until in delivered}
    assert by_hold == {later: [employee.pk], None: [other.pk]}


def test_grouped_messages_use_plural_forms():
    kind = notifications.get_kind("reaction")
    assert kind.message("Anna", 0, "Lunch") == "Anna reacted to “Lunch”"
    assert kind.message("Anna", 1, "Lunch") == "Anna and 1 other person reacted to “Lunch”"
    assert kind.message("Anna", 4, "Lunch") == "Anna and 4 other people reacted to “Lunch”"
