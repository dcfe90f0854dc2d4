"""A real ASGI server for the real-time and the browser tests: daphne serving
``portal.asgi`` in a thread of the test process, so that it shares the test database (even
SQLite in memory).

Twisted's reactor runs once per process: the server starts with the first test that
needs it and stops at the end of the session. So the fixture is defined once, here, and
registered by tests/fixtures.py: a second definition (a test module importing it, say)
is a second session fixture, whose server dies with ``ReactorAlreadyRunning`` while the
first one serves, and whose teardown then waits for a loop that no longer runs."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connections


class LiveServer:
    def __init__(self, server, host: str, port: int):
        self.server = server
        self.host = host
        self.port = port

    @property
    def loop(self):
        """The server's event loop: where its requests run."""
        from twisted.internet import reactor

        return reactor._asyncioEventloop


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _end_other_sessions() -> None:
    """End the connections the server's per-request threads left open (PostgreSQL)."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker):
    from daphne.server import Server  # installs Twisted's asyncio reactor: import it first

    from portal.asgi import application

    port = _free_port()
    server = Server(
        application=application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, name="daphne", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.listening_addresses:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("daphne did not start listening")
        time.sleep(0.05)
    live = LiveServer(server, "127.0.0.1", port)
    yield live
    # The server's threads keep database connections; close them, or PostgreSQL refuses
    # to drop the test database at the end of the session.
    if thread.is_alive():
        close = sync_to_async(connections.close_all)()
        asyncio.run_coroutine_threadsafe(close, live.loop).result(5)
    with django_db_blocker.unblock():
        _end_other_sessions()
    from twisted.internet import reactor

    reactor.callFromThread(server.stop)
    thread.join(timeout=5)
