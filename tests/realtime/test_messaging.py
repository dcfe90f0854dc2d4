"""The messaging socket (/ws/messaging/) over a real websocket: daphne serving the portal's
ASGI application in the test process (tests/asgi_server.py) and real clients.

Every test runs twice: on the in-memory channel layer and, when REDIS_URL is set, on
channels-redis against the machine's Redis (the PostgreSQL pass of CI sets both)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.test import Client

from plugins.messaging import consumers, services
from plugins.messaging.models import Message, Participant
from portal import modeoff
from portal.accounts.models import WorkingHours
from portal.core.models import ModeOffPolicy
from tests.realtime.wsclient import TEXT, Closed, WebSocket

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/messaging/"
BINARY = 0x2
#: Frames a socket may get at any moment, which most tests do not look at.
BACKGROUND = {"presence", "unread"}


class Socket(WebSocket):
    """The test client, with sending, and a backlog of frames kept for later questions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.backlog: list[dict] = []
        self.hello = self.expect("hello")

    def send_json(self, data) -> None:
        self._send(TEXT, json.dumps(data).encode())

    def send_text(self, text: str) -> None:
        self._send(TEXT, text.encode())

    def send_binary(self, data: bytes) -> None:
        self._send(BINARY, data)

    def expect(self, kind: str, **match) -> dict:
        """The first frame of type ``kind`` (matching ``match``), from the backlog or the
        wire; frames of other types stay in the backlog."""
        for index, frame in enumerate(self.backlog):
            if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
                return self.backlog.pop(index)
        while True:
            frame = self.receive_json()
            if frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame
            self.backlog.append(frame)

    def expect_message(self, message_id: int) -> dict:
        """The ``message`` frame of message ``message_id`` (others stay in the backlog)."""
        while True:
            for index, frame in enumerate(self.backlog):
                if frame.get("type") == "message" and frame["message"]["id"] == message_id:
                    return self.backlog.pop(index)
            self.backlog.append(self.receive_json())

    def drain(self) -> list[dict]:
        """Everything the server sent so far: a ping's pong comes after what was already
        queued for this socket."""
        self.send_json({"type": "ping"})
        self.expect("pong")
        frames, self.backlog = self.backlog, []
        return frames

    def foreground(self) -> list[dict]:
        return [f for f in self.drain() if f.get("type") not in BACKGROUND]


def cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def open_socket(server, user=None, host=None, port=None) -> Socket:
    host, port = host or server.host, port or server.port
    headers = {"Origin": f"http://{host}:{port}", "Accept-Language": "en"}
    if user is not None:
        headers["Cookie"] = cookie_for(user)
    return Socket(host, port, PATH, headers)


def in_server(server, function):
    """Run ``function`` the way a request runs in the server (its thread, its loop)."""
    future = asyncio.run_coroutine_threadsafe(database_sync_to_async(function)(), server.loop)
    return future.result(timeout=20)


@pytest.fixture(params=["memory", "redis"])
def layer(request, settings):
    if request.param == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL is not set")
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    # redis-py 8 reads with a 5 s timeout by default, which races the
                    # layer's 5 s BZPOPMIN (TimeoutError in an idle consumer).
                    "hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": 30}],
                    "prefix": f"portal-test-{uuid.uuid4().hex[:8]}",
                },
            }
        }
    return request.param


@pytest.fixture
def outsider(db, departments):
    from tests.factories import make_user

    return make_user("outsider@example.com", department=departments["sales"])


@pytest.fixture
def talk(employee, colleague):
    """A one-to-one conversation of the employee and the colleague."""
    return services.direct_conversation(employee, colleague.pk)


def send(socket, conversation, body, client_id=None, **extra) -> dict:
    client_id = client_id or uuid.uuid4().hex
    socket.send_json(
        {"type": "send", "conversation": conversation.pk, "body": body, "client_id": client_id}
        | extra
    )
    return socket.expect("ack", client_id=client_id)


def test_anonymous_connections_are_refused(asgi_server, layer, db):
    with pytest.raises(Closed) as closed:
        open_socket(asgi_server)
    assert closed.value.code == 4401


def test_hello_lists_my_conversations_and_unread_counts(asgi_server, layer, employee, colleague):
    talk = services.direct_conversation(employee, colleague.pk)
    services.post_message(colleague, talk, "One")
    services.post_message(colleague, talk, "Two")
    socket = open_socket(asgi_server, employee)
    try:
        assert socket.hello == {
            "type": "hello",
            "user": employee.pk,
            "conversations": [talk.pk],
            "unread": {str(talk.pk): 2},
            "total": 2,
            "modeoff": modeoff.ON.as_json(),
        }
    finally:
        socket.close()


def test_a_message_is_stored_then_delivered_to_every_participant(
    asgi_server, layer, employee, colleague, talk
):
    mine, theirs, second = (
        open_socket(asgi_server, employee),
        open_socket(asgi_server, colleague),
        open_socket(asgi_server, colleague),
    )
    try:
        ack = send(mine, talk, "Hello *there*")
        message = ack["message"]
        assert message["body"] and message["author"]["id"] == employee.pk
        for socket in (theirs, second, mine):
            frame = socket.expect("message")
            assert frame == {"type": "message", "message": message}
        # Stored before it was delivered: the history has it.
        assert Message.objects.filter(pk=message["id"], conversation=talk).exists()
        unread = theirs.expect("unread", conversation=talk.pk)
        assert unread == {"type": "unread", "conversation": talk.pk, "unread": 1, "total": 1}
    finally:
        for socket in (mine, theirs, second):
            socket.close()


def test_outsiders_get_the_answer_of_a_missing_conversation_and_nothing_else(
    asgi_server, layer, employee, colleague, outsider, talk
):
    services.post_message(employee, talk, "Private")
    missing = talk.pk + 1000
    spy = open_socket(asgi_server, outsider)
    theirs = open_socket(asgi_server, colleague)
    try:
        assert spy.hello["conversations"] == []
        answers = {}
        for pk in (talk.pk, missing):
            frames = []
            spy.send_json({"type": "send", "conversation": pk, "body": "hi", "client_id": "x"})
            frames.append(spy.expect("error"))
            spy.send_json({"type": "resume", "after": {str(pk): 0}})
            frame = spy.expect("error")
            assert frame.pop("conversation") == pk
            frames.append(frame)
            spy.send_json({"type": "typing", "conversation": pk})
            frames.append(spy.expect("error"))
            spy.send_json({"type": "read", "conversation": pk, "up_to": 1})
            frames.append(spy.expect("error"))
            answers[pk] = frames
        assert answers[talk.pk] == answers[missing]
        assert {f["code"] for f in answers[talk.pk]} == {"not_found"}
        assert not Message.objects.filter(author=outsider).exists()

        # The participants' traffic does not reach the outsider.
        mine = open_socket(asgi_server, employee)
        send(mine, talk, "Still private")
        mine.send_json({"type": "typing", "conversation": talk.pk})
        theirs.expect("message")
        theirs.expect("typing")
        assert spy.foreground() == []
        mine.close()
    finally:
        spy.close()
        theirs.close()


def test_reconnecting_returns_exactly_the_gap(asgi_server, layer, employee, colleague, talk):
    mine = open_socket(asgi_server, employee)
    retry_id = uuid.uuid4().hex
    first = send(mine, talk, "Before", client_id=retry_id)["message"]
    mine.close()

    # While the employee is away: the colleague writes three messages.
    theirs = open_socket(asgi_server, colleague)
    sent = [send(theirs, talk, f"While away {n}")["message"]["id"] for n in range(3)]

    again = open_socket(asgi_server, employee)
    try:
        assert again.hello["unread"] == {str(talk.pk): 3}
        # A send retried after the reconnection (the ack was lost): stored once.
        ack = send(again, talk, "Before", client_id=retry_id)
        assert ack["message"]["id"] == first["id"]
        assert Message.objects.filter(client_id=retry_id).count() == 1
        again.send_json({"type": "resume", "after": {str(talk.pk): first["id"]}})
        gap = again.expect("messages")
        assert gap["conversation"] == talk.pk and gap["more"] is False
        assert [m["id"] for m in gap["messages"]] == sent
        # And live again, once.
        live = send(theirs, talk, "Back")["message"]
        assert again.expect("message")["message"]["id"] == live["id"]
        assert not [f for f in again.foreground() if f["type"] in {"message", "messages"}]
    finally:
        again.close()
        theirs.close()


def test_a_long_gap_comes_in_pages(asgi_server, layer, employee, colleague, talk, monkeypatch):
    monkeypatch.setattr(consumers, "RESUME_PAGE", 3)
    ids = [services.post_message(colleague, talk, f"m{n}").pk for n in range(7)]
    socket = open_socket(asgi_server, employee)
    try:
        received, after, more = [], 0, True
        while more:
            socket.send_json({"type": "resume", "after": {str(talk.pk): after}})
            page = socket.expect("messages")
            received += [m["id"] for m in page["messages"]]
            after, more = received[-1], page["more"]
        assert received == ids
    finally:
        socket.close()


def test_typing_reaches_the_others_once_per_few_seconds(
    asgi_server, layer, employee, colleague, talk
):
    mine, theirs = open_socket(asgi_server, employee), open_socket(asgi_server, colleague)
    try:
        mine.send_json({"type": "typing", "conversation": talk.pk})
        mine.send_json({"type": "typing", "conversation": talk.pk})  # throttled: dropped
        assert theirs.expect("typing") == {
            "type": "typing",
            "conversation": talk.pk,
            "user": employee.pk,
        }
        send(mine, talk, "Done typing")
        theirs.expect("message")
        assert [f for f in theirs.foreground() if f["type"] == "typing"] == []
        assert [f for f in mine.foreground() if f["type"] in {"typing", "error"}] == []
    finally:
        mine.close()
        theirs.close()


def _read_then_write(reader, writer_socket, talk, up_to):
    reader.send_json({"type": "read", "conversation": talk.pk, "up_to": up_to})
    return reader.expect("unread", conversation=talk.pk)


def test_reading_updates_my_sockets_and_shows_a_receipt(
    asgi_server, layer, employee, colleague, talk
):
    last = services.post_message(colleague, talk, "Read me").pk
    mine, other_tab = open_socket(asgi_server, employee), open_socket(asgi_server, employee)
    theirs = open_socket(asgi_server, colleague)
    try:
        assert mine.hello["total"] == 1
        unread = _read_then_write(mine, theirs, talk, last)
        assert unread == {"type": "unread", "conversation": talk.pk, "unread": 0, "total": 0}
        assert other_tab.expect("unread", conversation=talk.pk)["unread"] == 0
        assert theirs.expect("receipt") == {
            "type": "receipt",
            "conversation": talk.pk,
            "user": employee.pk,
            "up_to": last,
        }
        assert Participant.objects.get(conversation=talk, user=employee).last_read_id == last
    finally:
        for socket in (mine, other_tab, theirs):
            socket.close()


def _no_receipt_reaches(theirs, mine, talk):
    """The reader writes after reading: the message arrives, no receipt before it."""
    send(mine, talk, "After reading")
    theirs.expect("message")
    return [f for f in theirs.backlog + theirs.drain() if f["type"] == "receipt"]


def test_the_company_switch_turns_receipts_off(
    asgi_server, layer, employee, colleague, talk, settings
):
    # The company's switch (mode off's policy) turns receipts off for everyone.
    ModeOffPolicy.objects.create(read_receipts=False)
    last = services.post_message(colleague, talk, "Read me").pk
    mine, theirs = open_socket(asgi_server, employee), open_socket(asgi_server, colleague)
    try:
        _read_then_write(mine, theirs, talk, last)
        assert _no_receipt_reaches(theirs, mine, talk) == []
    finally:
        mine.close()
        theirs.close()


@pytest.mark.parametrize("who", ["reader", "viewer"])
def test_a_personal_opt_out_neither_shows_nor_sees_receipts(
    asgi_server, layer, employee, colleague, talk, monkeypatch, who
):
    opted_out = employee if who == "reader" else colleague
    # The personal opt-out, kept with the person's working hours: hours that cover every
    # day and every minute, so that mode off (which silences a socket's pushes) never
    # kicks in whatever the hour the test runs at.
    WorkingHours.objects.create(
        user=opted_out,
        days="1234567",
        start=dt.time(0, 0),
        end=dt.time.max,
        show_read_receipts=False,
    )
    last = services.post_message(colleague, talk, "Read me").pk
    mine, theirs = open_socket(asgi_server, employee), open_socket(asgi_server, colleague)
    try:
        _read_then_write(mine, theirs, talk, last)
        assert _no_receipt_reaches(theirs, mine, talk) == []
    finally:
        mine.close()
        theirs.close()


def test_a_muted_conversation_pushes_no_unread_count(asgi_server, layer, employee, colleague, talk):
    Participant.objects.filter(conversation=talk, user=colleague).update(muted=True)
    mine, theirs = open_socket(asgi_server, employee), open_socket(asgi_server, colleague)
    try:
        send(mine, talk, "Psst")
        theirs.expect("message")  # the open conversation still shows it
        assert [f for f in theirs.drain() if f["type"] == "unread"] == []
    finally:
        mine.close()
        theirs.close()


def test_someone_removed_from_a_conversation_stops_receiving_it(
    asgi_server, layer, employee, colleague, outsider
):
    group = services.start_group(employee, [colleague.pk, outsider.pk], "Trio")
    mine, theirs = open_socket(asgi_server, employee), open_socket(asgi_server, colleague)
    try:
        assert group.pk in theirs.hello["conversations"]

        def remove():
            Participant.objects.filter(conversation=group, user=colleague).delete()
            services.tell_user(
                colleague.pk, {"type": "conversation.removed", "conversation": group.pk}
            )

        in_server(asgi_server, remove)
        assert theirs.expect("conversation_removed") == {
            "type": "conversation_removed",
            "conversation": group.pk,
        }
        send(mine, group, "Without you")
        mine.expect("message")
        assert [f for f in theirs.foreground() if f["type"] != "conversation_removed"] == []
        theirs.send_json({"type": "resume", "after": {str(group.pk): 0}})
        assert theirs.expect("error")["code"] == "not_found"
    finally:
        mine.close()
        theirs.close()


def test_a_new_conversation_joins_live(asgi_server, layer, employee, colleague):
    theirs = open_socket(asgi_server, colleague)
    mine = open_socket(asgi_server, employee)
    try:
        group = in_server(asgi_server, lambda: services.start_group(employee, [colleague.pk]))
        assert theirs.expect("conversation_added") == {
            "type": "conversation_added",
            "conversation": group.pk,
        }
        mine.expect("conversation_added")
        send(mine, group, "Welcome")
        assert theirs.expect("message")["message"]["body"]
    finally:
        mine.close()
        theirs.close()


def test_a_deactivated_account_is_closed_at_once(asgi_server, layer, employee, colleague, talk):
    theirs = open_socket(asgi_server, colleague)
    try:
        colleague.is_active = False
        in_server(asgi_server, colleague.save)
        # Not drain(): over Redis the layer's event may come after a ping's pong, so read
        # until the server closes (the socket's own timeout fails the test otherwise).
        with pytest.raises(Closed) as closed:
            while True:
                theirs.receive_json()
        assert closed.value.code == 4401
    finally:
        theirs.close()


def _off_until(until):
    state = modeoff.State(off=True, since=None, until=until, reason=modeoff.MANUAL)
    return lambda user, at=None: state


def test_mode_off_holds_pushes_then_says_hello_again(
    asgi_server, layer, employee, colleague, talk, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    monkeypatch.setattr(modeoff, "state", _off_until(timezone.now() + timedelta(hours=2)))
    theirs = open_socket(asgi_server, colleague)
    mine = open_socket(asgi_server, employee)
    try:
        assert theirs.hello["modeoff"]["off"] is True
        held = send(mine, talk, "Evening question")["message"]
        mine.send_json({"type": "typing", "conversation": talk.pk})
        mine.send_json({"type": "ping"})
        mine.expect("pong")
        assert [f for f in theirs.drain() if f["type"] in {"message", "typing", "unread"}] == []

        monkeypatch.setattr(modeoff, "state", lambda user, at=None: modeoff.ON)
        in_server(
            asgi_server, lambda: services.tell_user(colleague.pk, {"type": "modeoff.changed"})
        )
        hello = theirs.expect("hello")
        assert hello["modeoff"]["off"] is False and hello["unread"] == {str(talk.pk): 1}
        theirs.send_json({"type": "resume", "after": {str(talk.pk): 0}})
        assert [m["id"] for m in theirs.expect("messages")["messages"]] == [held["id"]]
        live = send(mine, talk, "Morning")["message"]
        assert theirs.expect("message")["message"]["id"] == live["id"]
    finally:
        mine.close()
        theirs.close()


def test_the_end_of_an_off_period_wakes_the_socket(
    asgi_server, layer, employee, colleague, talk, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    until = timezone.now() + timedelta(seconds=1)
    monkeypatch.setattr(
        modeoff,
        "state",
        lambda user, at=None: _off_until(until)(user) if timezone.now() < until else modeoff.ON,
    )
    theirs = open_socket(asgi_server, colleague)
    try:
        assert theirs.hello["modeoff"]["off"] is True
        hello = theirs.expect("hello")  # at State.until, without being told
        assert hello["modeoff"]["off"] is False
    finally:
        theirs.close()


def test_presence_online_away_off(asgi_server, layer, employee, colleague, monkeypatch):
    from plugins.messaging import presence

    watcher = open_socket(asgi_server, colleague)
    try:
        watcher.send_json({"type": "watch", "users": [employee.pk, 999_999]})
        assert watcher.expect("presence", user=employee.pk)["state"] == "away"
        mine = open_socket(asgi_server, employee)
        assert watcher.expect("presence", user=employee.pk)["state"] == "online"
        assert presence.states([employee.pk, colleague.pk]) == {
            employee.pk: "online",
            colleague.pk: "online",
        }
        mine.send_json({"type": "presence", "state": "idle"})
        assert watcher.expect("presence", user=employee.pk)["state"] == "away"
        mine.send_json({"type": "presence", "state": "active"})
        assert watcher.expect("presence", user=employee.pk)["state"] == "online"
        mine.close()
        assert watcher.expect("presence", user=employee.pk)["state"] == "away"
        assert presence.states([employee.pk]) == {employee.pk: "away"}
        assert not [f for f in watcher.drain() if f.get("user") == 999_999]

        from datetime import timedelta

        from django.utils import timezone

        until = timezone.now() + timedelta(hours=3)
        monkeypatch.setattr(
            modeoff,
            "states",
            lambda users, at=None: {
                u.pk: modeoff.State(off=True, until=until, reason=modeoff.HOURS) for u in users
            },
        )
        assert presence.states([employee.pk]) == {employee.pk: "off"}
        watcher.send_json({"type": "watch", "users": [employee.pk]})
        frame = watcher.expect("presence", user=employee.pk)
        assert frame == {
            "type": "presence",
            "user": employee.pk,
            "state": "off",
            "until": until.isoformat(),
            # As the conversation's page says it (services.until_label), in English here.
            "until_text": services.until_label(until),
        }
    finally:
        watcher.close()


def test_pings_are_answered(asgi_server, layer, employee):
    socket = open_socket(asgi_server, employee)
    try:
        socket.send_json({"type": "ping"})
        assert socket.expect("pong") == {"type": "pong"}
    finally:
        socket.close()
