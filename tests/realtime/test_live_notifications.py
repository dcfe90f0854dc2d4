"""Live notifications over a real websocket: daphne serving the portal's ASGI application
(the same routing, session authentication and origin check as production) and a real
websocket client. With REDIS_URL set, the same over channels-redis."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.test import Client

from plugins.feed.models import Post
from plugins.notifications import services
from portal.notifications import notify
from tests.realtime.wsclient import Closed, WebSocket

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/ws/notifications/"


def open_socket(server, user=None, origin=None) -> WebSocket:
    headers = {"Origin": origin or f"http://{server.host}:{server.port}"}
    if user is not None:
        client = Client()
        client.force_login(user)
        headers["Cookie"] = (
            f"{django_settings.SESSION_COOKIE_NAME}="
            f"{client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
        )
    return WebSocket(server.host, server.port, PATH, headers)


def in_server(server, function):
    """Run ``function`` the way a request runs in the server: sync code in its worker
    thread, answering to the server's event loop, its database connection closed after
    (as at the end of a request)."""
    future = asyncio.run_coroutine_threadsafe(database_sync_to_async(function)(), server.loop)
    return future.result(timeout=10)


def make_post(author) -> Post:
    return Post.objects.create(author=author, text="Launch", html="<p>Launch</p>", audience="all")


def test_the_unread_count_arrives_live(asgi_server, employee, colleague):
    post = make_post(employee)
    socket = open_socket(asgi_server, employee)
    try:
        assert socket.receive_json() == {"type": "unread", "unread": 0}
        in_server(
            asgi_server,
            lambda: notify("mention", [employee], actor=colleague, target=post, url="/"),
        )
        assert socket.receive_json() == {"type": "unread", "unread": 1}
        # Read on another page: this one is told too.
        in_server(asgi_server, lambda: services.mark_read(employee))
        assert socket.receive_json() == {"type": "unread", "unread": 0}
    finally:
        socket.close()


def test_other_peoples_notifications_are_not_pushed_to_me(asgi_server, employee, colleague):
    post = make_post(colleague)
    socket = open_socket(asgi_server, employee)
    try:
        assert socket.receive_json() == {"type": "unread", "unread": 0}
        in_server(
            asgi_server,
            lambda: notify("comment", [colleague], actor=employee, target=post, url="/"),
        )
        in_server(
            asgi_server,
            lambda: notify("mention", [employee], actor=colleague, target=post, url="/"),
        )
        # The first message I get is about my own notification.
        assert socket.receive_json() == {"type": "unread", "unread": 1}
    finally:
        socket.close()


def test_a_leaver_s_live_count_drops_their_group_s_notifications(asgi_server, employee, colleague):
    """The socket only ever sends a count, made through the policy at the moment: leaving
    the group (their own post in it included) takes its notifications off the badge."""
    from plugins.groups.models import Group, Membership

    group = Group.objects.create(name="Board", slug="board", privacy=Group.PRIVATE)
    membership = Membership.objects.create(group=group, user=employee)
    Membership.objects.create(group=group, user=colleague, role=Membership.OWNER)
    own = Post.objects.create(
        author=employee, text="Mine", html="<p>Mine</p>", audience=f"group:{group.pk}"
    )
    socket = open_socket(asgi_server, employee)
    try:
        assert socket.receive_json() == {"type": "unread", "unread": 0}
        in_server(
            asgi_server,
            lambda: notify("comment", [employee], actor=colleague, target=own, url="/"),
        )
        assert socket.receive_json() == {"type": "unread", "unread": 1}
        in_server(asgi_server, membership.delete)
        in_server(asgi_server, lambda: services.push([employee.pk]))
        assert socket.receive_json() == {"type": "unread", "unread": 0}
    finally:
        socket.close()


def test_anonymous_connections_are_refused(asgi_server, db):
    socket = open_socket(asgi_server)
    with pytest.raises(Closed) as closed:
        socket.receive()
    assert closed.value.code == 4401


def test_deactivated_accounts_are_refused(asgi_server, employee):
    socket = open_socket(asgi_server, employee)
    # The server has finished reading the account once it sends the count (on in-memory
    # SQLite, writing while it reads fails with "table is locked").
    assert socket.receive_json() == {"type": "unread", "unread": 0}
    type(employee).objects.filter(pk=employee.pk).update(is_active=False)
    # The session of an inactive account no longer authenticates.
    second = open_socket(asgi_server, employee)
    with pytest.raises(Closed) as closed:
        second.receive()
    assert closed.value.code == 4401
    socket.close()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_the_unread_count_arrives_through_redis(asgi_server, employee, colleague, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [os.environ["REDIS_URL"]],
                "prefix": f"portal-test-{uuid.uuid4().hex[:8]}",
            },
        }
    }
    post = make_post(employee)
    socket = open_socket(asgi_server, employee)
    try:
        assert socket.receive_json() == {"type": "unread", "unread": 0}
        # Sent from outside the server (another process would do the same through Redis).
        notify("mention", [employee], actor=colleague, target=post, url="/")
        assert socket.receive_json() == {"type": "unread", "unread": 1}
    finally:
        socket.close()
