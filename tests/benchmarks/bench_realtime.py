"""Real-time delivery: 500 concurrent WebSocket clients and a 100-member conversation.

The ASGI server is daphne in a process of its own (the portal's socket routes, plus a bare
Channels echo consumer mounted only in this benchmark's ASGI application), on the
benchmark's database. The clients are asyncio connections in this process: 500 on the
messaging socket (100 of them members of one conversation, the others in conversations of
two) and 500 on the echo consumer (100 of them in its group).

One sender posts a message (``{"type": "send"}``: stored, then broadcast after the commit)
and the time from sending to the ``message`` frame is taken at each of the 100 members'
clients; the echo consumer's sender sends a frame that the consumer ``group_send``s to its
group of 100, timed the same way. Messages alternate between the two, in rounds, so both
see the same noise. Reported for the in-memory layer and the Redis layer (127.0.0.1:6379,
or REDIS_URL; skipped with a message when Redis does not answer): delivery latency p50 and
p99, and the ratio of each p99 to the echo's p99 of the same run. Targets: p99 under
100 ms, and under 3x the echo's p99. A third server, ``memory-throttled``, runs the stock
in-memory layer with its expiry sweep limited to once a second
(:class:`ThrottledInMemoryChannelLayer`, a suggestion for the product, not its default).

The socket's rate limits are lifted in the server (one sender posts far faster than a
person may). The server freezes its start-up objects out of the garbage collector
(``gc.freeze()`` after ``django.setup()``, as ``portal/asgi.py`` does): without it, full
collections of a process holding Django, Wagtail and 1000 connections pause every consumer
for hundreds of milliseconds, echo and messaging alike (``BENCH_RT_GC_FREEZE=0`` measures
without it). ``BENCH_RT_LAYERS=memory`` (or ``redis``) runs one layer only.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import InMemoryChannelLayer

from tests.benchmarks.harness import Context, percentile

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 500
MEMBERS = 100
TARGET_P99_MS = 100.0
TARGET_RATIO = 3.0
ECHO_GROUP = "bench.echo"
RECEIVE_TIMEOUT = 15
SERVER_START_SECONDS = 90

SERVER_CODE = r"""
import json, os, sys
from django.conf import settings
settings.DATABASES["default"] = json.loads(os.environ["BENCH_RT_DATABASE"])
settings.PORTAL_MESSAGING_SOCKET_RATES = {
    "send": [(10**9, 1)], "read": [(10**9, 1)], "frame": [(10**9, 1)]
}
if os.environ["BENCH_RT_LAYER"] == "redis":
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # redis-py 8 reads with a 5 s timeout by default: the layer's 5 s BZPOPMIN races it.
        "CONFIG": {"hosts": [{"address": os.environ["BENCH_RT_REDIS"], "socket_timeout": 30,
                             "max_connections": 2000}],
                   # One process's sockets share one inbox key in Redis: the default
                   # capacity (100) drops a 100-member group_send's surplus.
                   "capacity": 5000,
                   "prefix": os.environ["BENCH_RT_PREFIX"]},
    }}
if os.environ["BENCH_RT_LAYER"] == "memory-throttled":
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "tests.benchmarks.bench_realtime.ThrottledInMemoryChannelLayer"}}
import django
django.setup()
if os.environ.get("BENCH_RT_GC_FREEZE", "1") == "1":
    import gc
    gc.collect()
    gc.freeze()
from daphne.server import Server
from tests.benchmarks.bench_realtime import application
Server(application=application(),
       endpoints=["tcp:port=%s:interface=127.0.0.1" % os.environ["BENCH_RT_PORT"]],
       signal_handlers=True, verbosity=0).run()
"""


class ThrottledInMemoryChannelLayer(InMemoryChannelLayer):
    """A SUGGESTION for the product, measured beside the stock layer: Channels' in-memory
    layer sweeps every channel and every group membership for expired entries on each
    ``receive`` (O(sockets) per delivered frame, so O(sockets x members) per group_send);
    sweeping at most once a second gives the same expiry with a constant cost."""

    _swept = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._swept >= 1.0:
            self._swept = now
            super()._clean_expired()


class EchoConsumer(AsyncWebsocketConsumer):
    """The baseline: a bare consumer that group_sends what it gets to a group of 100."""

    async def connect(self):
        self.member = b"member=1" in self.scope.get("query_string", b"")
        if self.member:
            await self.channel_layer.group_add(ECHO_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.member:
            await self.channel_layer.group_discard(ECHO_GROUP, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send(ECHO_GROUP, {"type": "echo", "text": text_data})

    async def echo(self, event):
        await self.send(text_data=event["text"])


def application():
    """The benchmark's ASGI application: the portal's socket routes and the echo consumer,
    behind the same origin check and session authentication as production."""
    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator
    from django.urls import path

    from portal.realtime import websocket_urlpatterns

    routes = [path("ws/bench-echo/", EchoConsumer.as_asgi()), *websocket_urlpatterns()]
    return ProtocolTypeRouter(
        {"websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(routes)))}
    )


# --- A small asyncio WebSocket client ------------------------------------------------------


class Client:
    def __init__(self, label: str):
        self.label = label
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.on_text = None
        self.task: asyncio.Task | None = None

    async def connect(self, port: int, path: str, cookie: str = "") -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: http://127.0.0.1:{port}",
        ]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0] + b" ":
            raise RuntimeError(f"{self.label}: handshake refused: {head[:80]!r}")

    async def first_text(self) -> str:
        return await self._frame()

    async def _frame(self) -> str:
        while True:
            first, second = await self.reader.readexactly(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            payload = await self.reader.readexactly(length)
            if opcode == 0x1:
                return payload.decode()
            if opcode == 0x9:
                self._write(0xA, payload)
            elif opcode == 0x8:
                raise ConnectionError(f"{self.label}: closed {payload[:2].hex()}")

    def start(self, on_text) -> None:
        self.on_text = on_text
        self.task = asyncio.ensure_future(self._loop())

    async def _loop(self) -> None:
        with contextlib.suppress(
            asyncio.CancelledError, ConnectionError, asyncio.IncompleteReadError
        ):
            while True:
                text = await self._frame()
                self.on_text(text, time.perf_counter())

    def _write(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        length = len(payload)
        header = bytes([0x80 | opcode])
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(header + mask + masked)

    def send(self, data: dict) -> None:
        self._write(0x1, json.dumps(data).encode())

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self._write(0x8, struct.pack("!H", 1000))
                self.writer.close()


# --- Data ------------------------------------------------------------------------------------


def make_people(count: int, members: int) -> tuple[list, int, list[str]]:
    """``count`` people with a session each, the first ``members`` in one conversation and
    the others two by two. Returns (users, conversation id, cookies)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from plugins.messaging.models import Conversation, Participant

    User = get_user_model()
    tag = uuid.uuid4().hex[:6]
    users = [User(email=f"rt-{tag}-{n}@example.com", first_name=f"P{n}") for n in range(count)]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    users = list(User.objects.filter(email__startswith=f"rt-{tag}-").order_by("pk"))
    room = Conversation.objects.create(kind=Conversation.GROUP, title="Bench", created_by=users[0])
    seats = [Participant(conversation=room, user=u) for u in users[:members]]
    rest = users[members:]
    for a, b in zip(rest[::2], rest[1::2], strict=False):
        pair = Conversation.objects.create(kind=Conversation.GROUP, created_by=a)
        seats += [Participant(conversation=pair, user=a), Participant(conversation=pair, user=b)]
    Participant.objects.bulk_create(seats)
    backend = settings.AUTHENTICATION_BACKENDS[0]
    cookies = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    return users, room.pk, cookies


# --- The server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(layer: str, redis_url: str, log) -> tuple[subprocess.Popen, int]:
    from django.db import connection

    port = free_port()
    database = dict(connection.settings_dict)
    database.pop("TEST", None)
    env = {
        **os.environ,
        "BENCH_RT_DATABASE": json.dumps(database, default=str),
        "BENCH_RT_LAYER": layer,
        "BENCH_RT_REDIS": redis_url,
        "BENCH_RT_PREFIX": f"bench-rt-{uuid.uuid4().hex[:8]}",
        "BENCH_RT_PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_CODE], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return process, port
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start listening")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def redis_answers(url: str) -> str:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as error:  # noqa: BLE001 — any failure means "skip"
        return f"{type(error).__name__}: {error}"
    return ""


# --- Measuring -------------------------------------------------------------------------------


class Delivery:
    """Waits for one marker at ``expected`` clients and keeps their latencies."""

    def __init__(self):
        self.marker = None
        self.started = 0.0
        self.samples: list[float] = []
        self.expected = 0
        self.done = asyncio.Event()

    def begin(self, marker: str, expected: int) -> None:
        self.marker, self.expected, self.samples = marker, expected, []
        self.done.clear()
        self.started = time.perf_counter()

    def arrived(self, marker: str, at: float) -> None:
        if marker == self.marker:
            self.samples.append((at - self.started) * 1000)
            if len(self.samples) >= self.expected:
                self.done.set()


async def open_clients(port, cookies, members) -> tuple[list, list, Delivery, Delivery]:
    messaging_delivery, echo_delivery = Delivery(), Delivery()

    def on_message(text, at):
        if '"type": "message"' in text or '"type":"message"' in text:
            frame = json.loads(text)
            if frame.get("type") == "message":
                messaging_delivery.arrived(frame["message"].get("client_id"), at)

    def on_echo(text, at):
        echo_delivery.arrived(text, at)

    messaging, echo = [], []

    async def one_messaging(index):
        client = Client(f"messaging-{index}")
        await client.connect(port, "/ws/messaging/", cookies[index])
        hello = json.loads(await client.first_text())
        if hello.get("type") != "hello":
            raise RuntimeError(f"expected hello, got {hello}")
        client.start(on_message)
        return client

    async def one_echo(index):
        client = Client(f"echo-{index}")
        member = "?member=1" if index < members else ""
        await client.connect(port, f"/ws/bench-echo/{member}")
        client.start(on_echo)
        return client

    batch = 50
    for start in range(0, len(cookies), batch):
        stop = min(start + batch, len(cookies))
        messaging += await asyncio.gather(*(one_messaging(i) for i in range(start, stop)))
        echo += await asyncio.gather(*(one_echo(i) for i in range(start, stop)))
    return messaging, echo, messaging_delivery, echo_delivery


async def measure(port, cookies, room, members, rounds, per_round, warmup) -> dict:
    messaging, echo, m_delivery, e_delivery = await open_clients(port, cookies, members)
    # The clients' process holds Django and the seeded data: its full collections would
    # be counted as delivery time. (The harness collects between rounds for the same reason.)
    gc.collect()
    gc.freeze()
    # Every echo client sees the marker only in its group; the members are clients 0..99.
    results = {"messaging": [], "echo": []}
    sender_m, sender_e = messaging[0], echo[0]
    counter = 0
    run = uuid.uuid4().hex[:8]

    async def one(kind, record=True):
        nonlocal counter
        counter += 1
        marker = f"{run}-{counter}"  # client ids are unique per sender: a reused one is a retry
        if kind == "messaging":
            m_delivery.begin(marker, members)
            sender_m.send(
                {
                    "type": "send",
                    "conversation": room,
                    "body": f"Bench {counter}",
                    "client_id": marker,
                }
            )
            delivery = m_delivery
        else:
            text = json.dumps({"marker": marker})
            e_delivery.begin(text, members)
            sender_e._write(0x1, text.encode())
            delivery = e_delivery
        try:
            await asyncio.wait_for(delivery.done.wait(), RECEIVE_TIMEOUT)
        except TimeoutError:
            raise RuntimeError(
                f"{kind} message {counter}: {len(delivery.samples)} of {delivery.expected} "
                f"members received it within {RECEIVE_TIMEOUT}s"
            ) from None
        if record:
            results[kind].extend(delivery.samples)
        await asyncio.sleep(0.005)

    try:
        for _ in range(warmup):
            await one("echo", record=False)
            await one("messaging", record=False)
        for round_index in range(rounds):
            order = ["echo", "messaging"] if round_index % 2 == 0 else ["messaging", "echo"]
            for _ in range(per_round):
                for kind in order:
                    await one(kind)
    finally:
        gc.unfreeze()
        await asyncio.gather(*(c.close() for c in messaging + echo), return_exceptions=True)
    return results


def report_layer(layer: str, results: dict) -> list[str]:
    echo_p99 = percentile(results["echo"], 99)
    lines = []
    for kind in ("echo", "messaging"):
        samples = results[kind]
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        if kind == "echo":
            verdict = "1.0x (baseline)"
        else:
            ratio = p99 / echo_p99 if echo_p99 else float("inf")
            ok = p99 < TARGET_P99_MS and ratio < TARGET_RATIO
            verdict = f"{ratio:.2f}x echo p99  {'target met' if ok else 'TARGET MISSED'}"
        lines.append(f"{layer:<17} {kind:<10} {len(samples):>8} {p50:>9.2f} {p99:>9.2f}  {verdict}")
    return lines


def run(ctx: Context) -> bool:
    clients = 100 if ctx.quick else CLIENTS
    members = min(MEMBERS, clients) if not ctx.quick else 50
    rounds, per_round = ctx.rounds, ctx.requests
    warmup = min(ctx.warmup, 5)
    print(
        f"Real time: {clients} messaging clients + {clients} echo clients in this process, "
        f"a {members}-member conversation, {rounds} rounds x {per_round} messages of each "
        "kind (alternating), daphne in its own process"
        + ("" if os.environ.get("BENCH_RT_GC_FREEZE", "1") == "1" else " (no gc.freeze)"),
        flush=True,
    )
    users, room, cookies = make_people(clients, members)
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    lines = []
    ok = True
    for layer in os.environ.get("BENCH_RT_LAYERS", "memory,memory-throttled,redis").split(","):
        if layer == "redis":
            reason = redis_answers(redis_url)
            if reason:
                print(f"  Redis layer skipped: {redis_url} does not answer ({reason})")
                continue
        with tempfile.TemporaryFile(mode="w+") as log:
            try:
                process, port = start_server(layer, redis_url, log)
            except RuntimeError as error:
                log.seek(0)
                print(f"  {layer}: BROKEN, {error}\n{log.read()[-2000:]}")
                ok = False
                continue
            try:
                results = asyncio.run(
                    measure(port, cookies, room, members, rounds, per_round, warmup)
                )
            except (TimeoutError, Exception) as error:  # noqa: BLE001
                log.seek(0)
                print(f"  {layer}: BROKEN, {type(error).__name__}: {error}\n{log.read()[-2000:]}")
                ok = False
                continue
            finally:
                stop_server(process)
        lines += report_layer(layer, results)
    print()
    print(f"{'layer':<17} {'consumer':<10} {'samples':>8} {'p50 ms':>9} {'p99 ms':>9}  ratio")
    print("-" * 90)
    for line in lines:
        print(line)
    print(
        f"Targets: p99 < {TARGET_P99_MS:.0f} ms and < {TARGET_RATIO:.0f}x the echo's p99 "
        "(delivery latency: send -> frame at each member's client)"
    )
    print(flush=True)
    return ok
