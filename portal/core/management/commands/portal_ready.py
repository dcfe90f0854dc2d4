"""``manage.py portal_ready --host H --port P [--pid N]``: wait until the server answers
at ``http://H:P/``, then print where the portal is and the demo logins, once.

``make run`` starts it in the background next to the server, so that the address is the
last thing printed and only once it is true (the server takes a few seconds to listen)."""

from __future__ import annotations

import os
import socket
import time

from django.core.management.base import BaseCommand

from portal.core.management.commands.load_demo import FIXTURE
from portal.core.management.commands.load_demo import Command as LoadDemo


def answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether a server accepts connections at ``host:port`` (daphne listens once the
    application is loaded; a TCP connection leaves no line in its access log)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def alive(pid: int | None) -> bool:
    if not pid:
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


class Command(BaseCommand):
    help = "Wait until the portal answers, then print its address and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--pid", type=int, default=0, help="Stop waiting once it is gone.")
        parser.add_argument("--timeout", type=float, default=120.0, help="Seconds to wait.")
        parser.add_argument("--interval", type=float, default=0.3, help=argparse_hidden())

    def handle(self, *args, host, port, pid, timeout, interval, **options):
        # A server listening on every interface is reached on this machine's loopback.
        probe_host = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and alive(pid):
            if answers(probe_host, port):
                self.stdout.write(self.message(host, port))
                return
            time.sleep(interval)
        self.stderr.write(
            f"The portal did not answer at {probe_host}:{port} within {timeout:.0f} s."
        )

    @staticmethod
    def message(host: str, port: int) -> str:
        logins = LoadDemo.logins_line(FIXTURE) if FIXTURE.exists() else ""
        line = f"The portal is at http://{host}:{port}/"
        return f"{line} — demo logins: {logins}" if logins else line


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
