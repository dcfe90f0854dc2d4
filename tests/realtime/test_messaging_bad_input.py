"""Bad input on the messaging socket: malformed, oversized, HTML, binary, a flood. Each is
refused with an error frame naming the field; the socket stays open, nothing partial is
stored, and well-behaved clients on other sockets are not affected."""

from __future__ import annotations

import uuid

import pytest

from plugins.messaging import consumers, services
from plugins.messaging.models import Message
from tests.realtime import test_messaging as base
from tests.realtime.test_messaging import open_socket, send

# The fixtures of the main module (the channel layers, the people, the conversation).
layer, outsider, talk = base.layer, base.outsider, base.talk

pytestmark = pytest.mark.django_db(transaction=True)


def error_of(socket) -> dict:
    frame = socket.expect("error")
    assert set(frame) >= {"code", "field", "message"} and frame["message"]
    return frame


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ("{not json", "invalid", "frame"),
        ("[1, 2, 3]", "invalid", "frame"),
        ('"send"', "invalid", "frame"),
        ("null", "invalid", "frame"),
        ('{"no": "type"}', "invalid", "type"),
        ('{"type": "explode"}', "invalid", "type"),
        ('{"type": ["send"]}', "invalid", "type"),
        ('{"type": "send", "conversation": "1", "body": "x"}', "invalid", "conversation"),
        ('{"type": "send", "conversation": true, "body": "x"}', "invalid", "conversation"),
        ('{"type": "send", "conversation": 1, "body": 5}', "invalid", "body"),
        (
            '{"type": "send", "conversation": 1, "body": "x", "client_id": 7}',
            "invalid",
            "client_id",
        ),
        ('{"type": "send", "conversation": 1, "body": "x", "parent": "a"}', "invalid", "parent"),
        ('{"type": "resume", "after": [1]}', "invalid", "after"),
        ('{"type": "resume", "after": {"x": 1}}', "invalid", "after"),
        ('{"type": "resume", "after": {"1": "7"}}', "invalid", "after"),
        ('{"type": "typing", "conversation": 1e999}', "invalid", "conversation"),
        ('{"type": "read", "conversation": 1, "up_to": -4}', "invalid", "up_to"),
        ('{"type": "presence", "state": "asleep"}', "invalid", "state"),
        ('{"type": "watch", "users": "everyone"}', "invalid", "users"),
        ('{"type": "watch", "users": [1, "2"]}', "invalid", "users"),
    ],
)
def test_malformed_frames_answer_an_error_and_the_socket_stays_open(
    asgi_server, layer, employee, frame, code, field
):
    socket = open_socket(asgi_server, employee)
    try:
        socket.send_text(frame)
        error = error_of(socket)
        assert (error["code"], error["field"]) == (code, field)
        socket.send_json({"type": "ping"})
        assert socket.expect("pong") == {"type": "pong"}
    finally:
        socket.close()


def test_watching_too_many_people_is_refused(asgi_server, layer, employee):
    socket = open_socket(asgi_server, employee)
    try:
        socket.send_json({"type": "watch", "users": list(range(1, 202))})
        assert error_of(socket)["field"] == "users"
    finally:
        socket.close()


def test_binary_frames_are_refused(asgi_server, layer, employee):
    socket = open_socket(asgi_server, employee)
    try:
        socket.send_binary(b"\x00\x01\x02")
        error = error_of(socket)
        assert (error["code"], error["field"]) == ("invalid", "frame")
        socket.send_json({"type": "ping"})
        socket.expect("pong")
    finally:
        socket.close()


def test_oversized_messages_and_frames_are_refused_and_nothing_is_stored(
    asgi_server, layer, employee, talk
):
    socket = open_socket(asgi_server, employee)
    try:
        too_long = "a" * (services.MAX_LENGTH + 1)
        socket.send_json(
            {"type": "send", "conversation": talk.pk, "body": too_long, "client_id": "long"}
        )
        error = error_of(socket)
        assert (error["code"], error["field"], error["client_id"]) == ("too_long", "body", "long")
        socket.send_text('{"type": "ping", "pad": "' + "x" * consumers.MAX_FRAME + '"}')
        error = error_of(socket)
        assert (error["code"], error["field"]) == ("too_long", "frame")
        # The longest message allowed goes through.
        ack = send(socket, talk, "b" * services.MAX_LENGTH)
        assert ack["message"]["id"]
        assert Message.objects.filter(conversation=talk).count() == 1
    finally:
        socket.close()


def test_empty_messages_are_refused(asgi_server, layer, employee, talk):
    socket = open_socket(asgi_server, employee)
    try:
        socket.send_json({"type": "send", "conversation": talk.pk, "body": "   "})
        error = error_of(socket)
        assert (error["code"], error["field"]) == ("invalid", "body")
        assert not Message.objects.exists()
    finally:
        socket.close()


def test_replies_to_another_conversations_message_are_refused(
    asgi_server, layer, employee, colleague, outsider, talk
):
    elsewhere = services.direct_conversation(colleague, outsider.pk)
    foreign = services.post_message(colleague, elsewhere, "Not yours")
    socket = open_socket(asgi_server, employee)
    try:
        socket.send_json(
            {"type": "send", "conversation": talk.pk, "body": "Re", "parent": foreign.pk}
        )
        assert error_of(socket)["field"] == "parent"
        assert not Message.objects.filter(conversation=talk).exists()
    finally:
        socket.close()


def test_html_is_sanitised(asgi_server, layer, employee, colleague, talk):
    mine, theirs = open_socket(asgi_server, employee), open_socket(asgi_server, colleague)
    try:
        source = '<script>alert(1)</script><img src=x onerror="alert(2)"> <b>bold</b>'
        body = send(mine, talk, source)["message"]["body"]
        delivered = theirs.expect("message")["message"]["body"]
        assert delivered == body
        for bad in ("<script", "onerror", "<img"):
            assert bad not in body.lower()
        assert Message.objects.get(conversation=talk).source == source
    finally:
        mine.close()
        theirs.close()


def test_a_flood_is_rate_limited_and_others_are_not_affected(
    asgi_server, layer, employee, colleague, outsider, talk, settings
):
    # One long window (the defaults are shorter), so that the test does not straddle two.
    settings.PORTAL_MESSAGING_SOCKET_RATES = {"send": [(5, 3600)]}
    other = services.direct_conversation(colleague, outsider.pk)
    flood, second_tab = open_socket(asgi_server, employee), open_socket(asgi_server, employee)
    theirs, bystander = open_socket(asgi_server, colleague), open_socket(asgi_server, outsider)
    try:
        answers = {}
        for socket in (flood, second_tab):
            ids = [uuid.uuid4().hex for _ in range(4)]
            for client_id in ids:
                socket.send_json(
                    {
                        "type": "send",
                        "conversation": talk.pk,
                        "body": "spam",
                        "client_id": client_id,
                    }
                )
            while not set(ids) <= set(answers):
                frame = socket.receive_json()
                if frame["type"] in {"ack", "error"}:
                    answers[frame["client_id"]] = (socket, frame)
        refused = [(s, f) for s, f in answers.values() if f["type"] == "error"]
        # The limit is the person's, across their sockets: the second tab meets it.
        assert len(refused) == 3 and {f["code"] for _s, f in refused} == {"rate_limited"}
        assert all(s is second_tab for s, _f in refused)
        assert Message.objects.filter(conversation=talk, author=employee).count() == 5
        # The flooding sockets are still up; other people send and receive as usual.
        for socket in (flood, second_tab):
            socket.send_json({"type": "ping"})
            socket.expect("pong")
        ack = send(bystander, other, "Unaffected")
        assert theirs.expect("message", message=ack["message"])
    finally:
        for socket in (flood, second_tab, theirs, bystander):
            socket.close()


def test_a_frame_flood_is_rate_limited_on_the_socket(asgi_server, layer, employee):
    socket = open_socket(asgi_server, employee)
    try:
        for _ in range(2 * consumers.DEFAULT_RATES["frame"][0][0] + 10):  # over, in any split
            socket.send_json({"type": "ping"})
        socket.expect("error", code="rate_limited")
    finally:
        socket.close()
