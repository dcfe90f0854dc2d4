"""Reconnection without loss across a server restart and with two ASGI processes sharing
Redis: two ``daphne`` processes serving ``portal.asgi`` on one database (the PostgreSQL
test database, or a file copy of the SQLite one) with the Redis channel layer and cache.

A client on each server: messages from one reach the other through Redis; one server is
killed, its client reconnects to the other and asks for what follows its last id: exactly
the gap; the killed server comes back and its clients carry on."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from plugins.messaging import services
from tests.realtime.test_messaging import Socket, cookie_for, send

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
]

ROOT = Path(__file__).resolve().parents[2]

SERVER = r"""
import json, os
from django.conf import settings
settings.DATABASES["default"] = json.loads(os.environ["CLUSTER_DATABASE"])
redis_url = os.environ["REDIS_URL"]
settings.CHANNEL_LAYERS = {"default": {
    "BACKEND": "channels_redis.core.RedisChannelLayer",
    "CONFIG": {"hosts": [{"address": redis_url, "socket_timeout": 30, "max_connections": 500}],
               "prefix": os.environ["CLUSTER_PREFIX"], "capacity": 1000},
}}
settings.CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
    "KEY_PREFIX": os.environ["CLUSTER_PREFIX"],
}}
import django
django.setup()
from daphne.server import Server
from portal.asgi import application
Server(application=application,
       endpoints=["tcp:port=%s:interface=127.0.0.1" % os.environ["CLUSTER_PORT"]],
       signal_handlers=True, verbosity=0).run()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, database: dict, log_dir: str):
        self.database = database
        self.prefix = f"cluster-{uuid.uuid4().hex[:8]}"
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.host = "127.0.0.1"

    def start(self) -> tuple[subprocess.Popen, int]:
        port = free_port()
        log = open(os.path.join(self.log_dir, f"daphne-{port}.log"), "w")  # noqa: SIM115
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "CLUSTER_DATABASE": json.dumps(self.database, default=str),
            "CLUSTER_PREFIX": self.prefix,
            "CLUSTER_PORT": str(port),
        }
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER], cwd=ROOT, env=env, stdout=log, stderr=log
        )
        self.processes.append(process)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.flush()
                pytest.fail(Path(log.name).read_text()[-3000:])
            with contextlib.suppress(OSError), socket.create_connection((self.host, port), 0.5):
                return process, port
            time.sleep(0.2)
        pytest.fail("daphne did not start listening")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)


@pytest.fixture
def cluster(transactional_db):
    with tempfile.TemporaryDirectory(prefix="msgws-cluster-") as tmp:
        database = dict(connection.settings_dict)
        database.pop("TEST", None)
        if connection.vendor == "sqlite":
            path = os.path.join(tmp, "db.sqlite3")
            database["NAME"] = path
            database["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
        cluster = Cluster(database, tmp)
        cluster.sqlite_path = database["NAME"] if connection.vendor == "sqlite" else None
        try:
            yield cluster
        finally:
            cluster.stop_all()


def share_database(cluster) -> None:
    """SQLite: copy the in-memory test database (people, sessions) to the servers' file."""
    if cluster.sqlite_path:
        connection.ensure_connection()
        target = sqlite3.connect(cluster.sqlite_path)
        connection.connection.backup(target)
        target.close()


def on(cluster, port, cookie) -> Socket:
    headers = {"Origin": f"http://{cluster.host}:{port}", "Cookie": cookie}
    return Socket(cluster.host, port, "/ws/messaging/", headers)


def test_two_servers_share_messages_and_a_reconnection_gets_exactly_the_gap(
    cluster, employee, colleague
):
    talk = services.direct_conversation(employee, colleague.pk)
    # Log the two in (sessions in the database) before the servers get their copy.
    employee_cookie, colleague_cookie = cookie_for(employee), cookie_for(colleague)
    share_database(cluster)
    server_a, port_a = cluster.start()
    _server_b, port_b = cluster.start()

    mine = on(cluster, port_a, employee_cookie)
    theirs = on(cluster, port_b, colleague_cookie)
    try:
        one = send(theirs, talk, "From B")["message"]
        assert mine.expect_message(one["id"])
        retry = uuid.uuid4().hex
        two = send(mine, talk, "From A", client_id=retry)["message"]
        assert theirs.expect_message(two["id"])

        # Server A dies (no goodbye); the colleague writes on while the employee is cut off.
        server_a.send_signal(signal.SIGKILL)
        server_a.wait(10)
        with contextlib.suppress(Exception):
            mine.close()
        gap = [send(theirs, talk, f"While A is down {n}")["message"]["id"] for n in range(3)]

        # The employee reconnects to B: a retried send lands once, the gap is exact.
        mine = on(cluster, port_b, employee_cookie)
        assert send(mine, talk, "From A", client_id=retry)["message"]["id"] == two["id"]
        mine.send_json({"type": "resume", "after": {str(talk.pk): two["id"]}})
        page = mine.expect("messages")
        assert [m["id"] for m in page["messages"]] == gap and page["more"] is False

        # A comes back (a restart); a client there resumes with nothing missing, then live.
        _server_a2, port_a2 = cluster.start()
        second = on(cluster, port_a2, employee_cookie)
        second.send_json({"type": "resume", "after": {str(talk.pk): gap[-1]}})
        page = second.expect("messages")
        assert page["messages"] == [] and page["more"] is False
        live = send(theirs, talk, "After the restart")["message"]
        assert second.expect_message(live["id"])
        assert mine.expect_message(live["id"])
        second.close()
    finally:
        with contextlib.suppress(Exception):
            mine.close()
        theirs.close()
