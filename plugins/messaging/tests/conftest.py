"""Fixtures of the messaging tests: people, a recorder of what the services broadcast and
of what the notification service delivers."""

from __future__ import annotations

import pytest

from plugins.messaging import services
from portal import signals
from tests.factories import make_user


class Sent:
    """What services would have sent on the channel layer: ``(group, event)``."""

    def __init__(self):
        self.events = []

    def __call__(self, group, event):
        self.events.append((group, event))

    def types(self, group=None):
        return [e["type"] for g, e in self.events if group is None or g == group]

    def to_user(self, user_id):
        return [e for g, e in self.events if g == services.user_group(user_id)]

    def to_conversation(self, conversation_id):
        return [e for g, e in self.events if g == services.conversation_group(conversation_id)]


@pytest.fixture
def sent(monkeypatch):
    recorder = Sent()
    monkeypatch.setattr(services, "_send", recorder)
    return recorder


class Delivered:
    def __init__(self):
        self.notices = []

    def __call__(self, sender, notice, recipients, **kwargs):
        self.notices.append((notice, sorted(u.pk for u in recipients)))

    def of(self, kind):
        return [recipients for notice, recipients in self.notices if notice.kind == kind]


@pytest.fixture
def delivered():
    receiver = Delivered()
    signals.notification_delivery.connect(receiver, dispatch_uid="test_messaging_delivered")
    yield receiver
    signals.notification_delivery.disconnect(dispatch_uid="test_messaging_delivered")


@pytest.fixture
def third(db, departments):
    return make_user("third@example.com", department=departments["sales"])


@pytest.fixture
def outsider(db, departments):
    return make_user("outsider@example.com", department=departments["sales"])


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks of what the block does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
