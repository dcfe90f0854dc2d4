"""/ws/messaging/: messages, typing, receipts, unread counts and presence, live.

The protocol (JSON text frames) is the one of the shared brief (issue 15):

client → server: ``send``, ``resume``, ``typing``, ``read``, ``presence``, ``watch``, ``ping``;
server → client: ``hello``, ``ack``, ``message``, ``messages``, ``message_changed``,
``typing``, ``unread``, ``receipt``, ``presence``, ``conversation_added``,
``conversation_removed``, ``pong`` and ``error``.

Rules the socket keeps:

* Everything is stored before it is sent (``services.post_message`` broadcasts after the
  commit), so a client that reconnects and asks for what follows its last id
  (``resume``) gets exactly the gap, from the database.
* A socket joins the group of each conversation of its person when it connects, keeps the
  set in memory and forwards a conversation's event only when its id is in that set; it
  joins and leaves as its person is added and removed (checked again in the database).
* A conversation someone does not take part in answers like a missing one (``not_found``).
* Bad input answers an ``error`` frame naming the field; the socket stays open. A closed
  or deactivated account is closed with 4401.
* Mode off: while the person is off, the socket forwards nothing others do (messages,
  typing, receipts, unread counts); it looks again at the end of the off period (or when
  told ``modeoff.changed``) and then sends a fresh ``hello`` so the client catches up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
import uuid

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models.signals import post_save
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from plugins.messaging import presence, services
from plugins.messaging.models import Message
from portal import modeoff, visibility

logger = logging.getLogger(__name__)

#: Close code for a connection without a signed-in, active account (like HTTP 401).
UNAUTHORISED = 4401
#: The largest frame read (characters): room for the longest message, JSON-escaped.
MAX_FRAME = 16 * 1024 + 2 * services.MAX_LENGTH
#: The most conversations one ``resume`` may name.
MAX_RESUME = 500
#: Messages per conversation in one ``messages`` frame (``more`` says when there are more).
RESUME_PAGE = 100
#: Seconds between a new message and the unread count it changes (one count per burst).
UNREAD_DELAY = 0.5
#: One typing event per person and conversation per this many seconds (others are dropped).
TYPING_EVERY = 3

#: Default limits: (events, seconds) windows that must all hold. Sends and reads count per
#: person, across their sockets (shared cache); every frame also counts per socket.
DEFAULT_RATES = {
    "send": [(20, 2), (100, 10)],  # a burst of 20, 10 a second sustained
    "read": [(30, 2), (150, 10)],
    "frame": [(60, 2), (300, 10)],
}

MAX_INT = 2**63 - 1
#: The account is read again every this many heartbeats (and at every write, and when
#: told by the account's own save).
ACCOUNT_CHECK_BEATS = 4


def cache_call(function):
    """Cache-only work off the event loop, but not queued behind the database thread."""
    return sync_to_async(function, thread_sensitive=False)


def rates() -> dict:
    return {**DEFAULT_RATES, **getattr(settings, "PORTAL_MESSAGING_SOCKET_RATES", {})}


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_INT


def _within(scope: str, key: str) -> bool:
    """Count one event of ``scope`` for ``key`` on the shared cache; False when over."""
    ok = True
    now = int(time.time())
    for limit, window in rates().get(scope, []):
        bucket = f"messaging:rate:{scope}:{key}:{window}:{now // window}"
        cache.add(bucket, 0, window * 2)
        try:
            count = cache.incr(bucket)
        except ValueError:  # evicted between add and incr
            cache.set(bucket, 1, window * 2)
            count = 1
        if count > limit:
            ok = False
    return ok


class _Bucket:
    """Per-socket fixed windows, in memory (every frame, whatever its type)."""

    def __init__(self, windows):
        self.windows = windows
        self.counts: dict[int, tuple[int, int]] = {}

    def hit(self) -> bool:
        now = int(time.monotonic())
        ok = True
        for limit, window in self.windows:
            slot = now // window
            seen_slot, count = self.counts.get(window, (slot, 0))
            count = count + 1 if seen_slot == slot else 1
            self.counts[window] = (slot, count)
            if count > limit:
                ok = False
        return ok


class Refused(Exception):
    """An input error to answer with an error frame."""

    def __init__(self, code: str, field: str, message: str, **extra):
        super().__init__(message)
        self.code, self.field, self.message, self.extra = code, field, message, extra


class AccountClosed(Exception):
    """The account was deactivated (or deleted) since the socket opened."""


def _language(user, scope) -> str:
    chosen = getattr(user, "preferred_language", "") or ""
    if chosen:
        return chosen
    from django.utils.translation.trans_real import (
        get_supported_language_variant,
        parse_accept_lang_header,
    )

    header = ""
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            header = value.decode("latin-1")
    for code, _q in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class MessagingConsumer(AsyncJsonWebsocketConsumer):
    user_id: int | None = None

    # --- Opening and closing -----------------------------------------------------------

    async def connect(self):
        user = self.scope.get("user")
        if not visibility.is_active_user(user) or self.channel_layer is None:
            # Accept first, so that the browser sees the close code rather than a failed
            # handshake it cannot tell from a network error.
            await self.accept()
            await self.close(code=UNAUTHORISED)
            return
        self.user_id = user.pk
        self.language = _language(user, self.scope)
        self.socket_id = uuid.uuid4().hex
        self.joined: set[int] = set()
        self.watching: set[int] = set()
        self.sent_upto: dict[int, int] = {}  # the highest message id sent, per conversation
        self.catching_up: set[int] = set()  # a resume said "more": live ones come in pages
        self.unread: dict[int, int] = {}
        self.unread_pending: set[int] = set()
        self.muted: set[int] = set()
        self.off = False
        self.modeoff_json = modeoff.ON.as_json()
        self.receipts = True
        self.activity = "active"
        self.last_frame = time.monotonic()
        self.frames = _Bucket(rates()["frame"])
        self.timer: asyncio.TimerHandle | None = None
        self.beat_task: asyncio.Task | None = None
        self.closed = False

        snapshot = await self.snapshot(with_groups=True)
        if snapshot is None:
            await self.accept()
            await self.close(code=UNAUTHORISED)
            return
        await self.channel_layer.group_add(services.user_group(self.user_id), self.channel_name)
        for pk in snapshot["conversations"]:
            await self.channel_layer.group_add(services.conversation_group(pk), self.channel_name)
        self.joined = set(snapshot["conversations"])
        await self.accept()
        await self.apply_snapshot(snapshot)
        await self.send_hello()
        await self.report_presence()
        self.beat_task = asyncio.ensure_future(self.beat())

    async def disconnect(self, code):
        self.closed = True
        if self.user_id is None or self.channel_layer is None:
            return
        if self.timer is not None:
            self.timer.cancel()
        if self.beat_task is not None:
            self.beat_task.cancel()
        groups = [services.user_group(self.user_id)]
        groups += [services.conversation_group(pk) for pk in getattr(self, "joined", ())]
        groups += [presence.presence_group(pk) for pk in getattr(self, "watching", ())]
        for group in groups:
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)
        if hasattr(self, "socket_id"):
            with contextlib.suppress(Exception):
                await cache_call(presence.forget)(self.user_id, self.socket_id)
                await self.tell_presence()

    async def close_unauthorised(self):
        if not self.closed:
            self.closed = True
            await self.close(code=UNAUTHORISED)

    # --- Reading the database ----------------------------------------------------------

    def _user(self):
        user = get_user_model().objects.filter(pk=self.user_id).first()
        if not visibility.is_active_user(user):
            raise AccountClosed
        return user

    @database_sync_to_async
    def snapshot(self, with_groups=False) -> dict | None:
        """Everything ``hello`` says, read now (``None`` when the account is closed)."""
        try:
            user = self._user()
        except AccountClosed:
            return None
        return {
            "conversations": sorted(services.conversation_ids_of(user.pk)),
            "unread": services.unread_counts(user),
            "muted": services.muted_ids(user),
            "modeoff": modeoff.state(user),
            "receipts": services.receipts_enabled(user),
        }

    async def apply_snapshot(self, snapshot: dict) -> None:
        self.unread = dict(snapshot["unread"])
        self.muted = set(snapshot["muted"])
        self.receipts = snapshot["receipts"]
        self.set_modeoff(snapshot["modeoff"])

    def set_modeoff(self, state) -> None:
        self.off = bool(state.off)
        self.modeoff_json = state.as_json()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if state.off and state.until is not None:
            delay = max(0.0, (state.until - timezone.now()).total_seconds()) + 0.5
            loop = asyncio.get_running_loop()
            self.timer = loop.call_later(min(delay, 24 * 3600), self._wake)

    def _wake(self) -> None:
        """The off period ends: look again, in the consumer's own order of events."""
        if not self.closed:
            asyncio.ensure_future(
                self.channel_layer.send(self.channel_name, {"type": "modeoff.changed"})
            )

    def total(self) -> int:
        return sum(n for pk, n in self.unread.items() if pk not in self.muted and pk in self.joined)

    async def send_hello(self) -> None:
        await self.send_json(
            {
                "type": "hello",
                "user": self.user_id,
                "conversations": sorted(self.joined),
                "unread": {
                    str(pk): n for pk, n in sorted(self.unread.items()) if pk in self.joined and n
                },
                "total": self.total(),
                "modeoff": self.modeoff_json,
            }
        )

    # --- Frames from the client ----------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if self.user_id is None or self.closed:
            return
        self.last_frame = time.monotonic()
        content = None
        try:
            if text_data is None:
                raise Refused("invalid", "frame", _("Send JSON text frames."))
            if not self.frames.hit():
                raise Refused("rate_limited", "frame", _("Too many frames: slow down."))
            if len(text_data) > MAX_FRAME:
                raise Refused("too_long", "frame", _("This frame is too large."))
            try:
                content = json.loads(text_data)
            except ValueError:
                raise Refused("invalid", "frame", _("Send a JSON object.")) from None
            if not isinstance(content, dict):
                raise Refused("invalid", "frame", _("Send a JSON object."))
            kind = content.get("type")
            handler = self.HANDLERS.get(kind) if isinstance(kind, str) else None
            if handler is None:
                raise Refused("invalid", "type", _("Unknown frame type."))
            await handler(self, content)
        except Refused as refused:
            await self.send_error(refused, content if isinstance(content, dict) else None)
        except AccountClosed:
            await self.close_unauthorised()
        except Exception:  # a bug or a database hiccup: logged, the socket stays up
            logger.exception("Messaging socket frame failed")
            with translation.override(self.language):
                refused = Refused("invalid", "frame", _("This could not be done: try again."))
            await self.send_error(refused, content if isinstance(content, dict) else None)

    async def send_error(self, refused: Refused, content: dict | None) -> None:
        frame = {
            "type": "error",
            "code": refused.code,
            "field": refused.field,
            "message": refused.message,
            **refused.extra,
        }
        if content is not None and isinstance(content.get("client_id"), str):
            frame["client_id"] = content["client_id"][:64]
        await self.send_json(frame)

    def refuse(self, code, field, message, **extra):
        with translation.override(self.language):
            return Refused(code, field, str(message), **extra)

    # ping
    async def on_ping(self, content):
        await self.send_json({"type": "pong"})

    # send
    async def on_send(self, content):
        conversation = content.get("conversation")
        body = content.get("body")
        client_id = content.get("client_id", "")
        parent = content.get("parent")
        with translation.override(self.language):
            if not _is_id(conversation):
                raise Refused("invalid", "conversation", _("Choose a conversation."))
            if not isinstance(body, str):
                raise Refused("invalid", "body", _("Write a message."))
            if len(body) > services.MAX_LENGTH:
                raise Refused(
                    "too_long",
                    "body",
                    _("A message holds at most %(max)d characters.") % {"max": services.MAX_LENGTH},
                )
            if client_id is None:
                client_id = ""
            if not isinstance(client_id, str) or len(client_id) > 64:
                raise Refused(
                    "invalid", "client_id", _("Send an identifier of 64 characters at most.")
                )
            if parent is not None and not _is_id(parent):
                raise Refused("invalid", "parent", _("Reply to a message of this conversation."))
        result = await self.post(conversation, body, client_id, parent)
        if conversation not in self.joined:  # a conversation this socket had not heard of
            await self.join(conversation)
        await self.send_json({"type": "ack", "client_id": client_id, "message": result})
        # A message ends the typing: the next keystroke tells the others again at once
        # (the client resets its own pace when it sends).
        await database_sync_to_async(cache.delete)(
            f"messaging:typing:{self.user_id}:{conversation}"
        )

    @database_sync_to_async
    def post(self, conversation_id, body, client_id, parent_id) -> dict:
        with translation.override(self.language):
            # Counted in the same trip to the worker thread as the write (one hop, not two).
            if not _within("send", f"user:{self.user_id}"):
                raise Refused("rate_limited", "body", _("You are sending too fast: wait a moment."))
            user = self._user()
            conversation = services.get_conversation(user, conversation_id)
            if conversation is None:
                raise Refused("not_found", "conversation", _("This conversation cannot be found."))
            parent = None
            if parent_id is not None:
                parent = visibility.filter_visible(
                    user, Message.objects.filter(pk=parent_id, conversation=conversation)
                ).first()
                if parent is None:
                    raise Refused(
                        "invalid", "parent", _("Reply to a message of this conversation.")
                    )
            try:
                message = services.post_message(
                    user, conversation, body, parent=parent, client_id=client_id
                )
            except services.MessagingError as error:
                code = (
                    "too_long"
                    if error.field == "body" and len(body) > services.MAX_LENGTH
                    else "invalid"
                )
                raise Refused(code, error.field, str(error.message)) from None
            return services.serialise(message)

    # resume
    async def on_resume(self, content):
        after = content.get("after")
        with translation.override(self.language):
            if not isinstance(after, dict) or len(after) > MAX_RESUME:
                raise Refused(
                    "invalid", "after", _("Send the last message id of each conversation.")
                )
            wanted = []
            for key, value in after.items():
                try:
                    pk = int(key)
                except ValueError:
                    pk = 0
                if (
                    pk <= 0
                    or pk > MAX_INT
                    or not (
                        isinstance(value, int)
                        and not isinstance(value, bool)
                        and 0 <= value <= MAX_INT
                    )
                ):
                    raise Refused(
                        "invalid", "after", _("Send the last message id of each conversation.")
                    )
                wanted.append((pk, value))
        pages = await self.gaps(wanted)
        for pk, page in pages:
            if page is None:
                await self.send_error(
                    self.refuse(
                        "not_found",
                        "conversation",
                        _("This conversation cannot be found."),
                        conversation=pk,
                    ),
                    None,
                )
                continue
            messages, more = page
            if pk not in self.joined:
                await self.join(pk)
            if messages:
                self.sent_upto[pk] = max(self.sent_upto.get(pk, 0), messages[-1]["id"])
            if more:
                self.catching_up.add(pk)
            else:
                self.catching_up.discard(pk)
            await self.send_json(
                {"type": "messages", "conversation": pk, "messages": messages, "more": more}
            )

    @database_sync_to_async
    def gaps(self, wanted) -> list:
        user = self._user()
        result = []
        for pk, after_id in wanted:
            conversation = services.get_conversation(user, pk)
            if conversation is None:
                result.append((pk, None))
                continue
            found = services.messages_after(user, conversation, after_id, limit=RESUME_PAGE + 1)
            more = len(found) > RESUME_PAGE
            result.append((pk, ([services.serialise(m) for m in found[:RESUME_PAGE]], more)))
        return result

    # typing
    async def on_typing(self, content):
        conversation = content.get("conversation")
        with translation.override(self.language):
            if not _is_id(conversation):
                raise Refused("invalid", "conversation", _("Choose a conversation."))
            if conversation not in self.joined:
                if not await self.takes_part(conversation):
                    raise Refused(
                        "not_found", "conversation", _("This conversation cannot be found.")
                    )
                await self.join(conversation)
        key = f"messaging:typing:{self.user_id}:{conversation}"
        if not await database_sync_to_async(cache.add)(key, 1, TYPING_EVERY):
            return  # told less than TYPING_EVERY seconds ago: dropped, no error
        await self.channel_layer.group_send(
            services.conversation_group(conversation),
            {"type": "typing", "conversation": conversation, "user": self.user_id},
        )

    @database_sync_to_async
    def takes_part(self, conversation_id) -> bool:
        user = self._user()
        return services.get_conversation(user, conversation_id) is not None

    # read
    async def on_read(self, content):
        conversation = content.get("conversation")
        up_to = content.get("up_to")
        with translation.override(self.language):
            if not _is_id(conversation):
                raise Refused("invalid", "conversation", _("Choose a conversation."))
            if not _is_id(up_to):
                raise Refused("invalid", "up_to", _("Choose a message of this conversation."))
            allowed = await database_sync_to_async(_within)("read", f"user:{self.user_id}")
            if not allowed:
                raise Refused("rate_limited", "up_to", _("Too many frames: slow down."))
        await self.read(conversation, up_to)

    @database_sync_to_async
    def read(self, conversation_id, up_to) -> int:
        with translation.override(self.language):
            user = self._user()
            conversation = services.get_conversation(user, conversation_id)
            if conversation is None:
                raise Refused("not_found", "conversation", _("This conversation cannot be found."))
            try:
                return services.mark_read(user, conversation, up_to)
            except LookupError:  # no longer a participant (removed meanwhile)
                raise Refused(
                    "not_found", "conversation", _("This conversation cannot be found.")
                ) from None
            except services.MessagingError as error:
                raise Refused("invalid", error.field, str(error.message)) from None

    # presence
    async def on_presence(self, content):
        state = content.get("state")
        if state not in (presence.ACTIVE, presence.IDLE):
            raise self.refuse("invalid", "state", _("Say active or idle."))
        self.activity = state
        await self.report_presence()

    async def on_watch(self, content):
        users = content.get("users")
        with translation.override(self.language):
            if (
                not isinstance(users, list)
                or len(users) > presence.MAX_WATCH
                or not all(_is_id(pk) for pk in users)
            ):
                raise Refused(
                    "invalid",
                    "users",
                    _("Send at most %(max)d people.") % {"max": presence.MAX_WATCH},
                )
        visible, now = await self.watchable(set(users))
        for pk in self.watching - visible:
            await self.channel_layer.group_discard(presence.presence_group(pk), self.channel_name)
        for pk in visible - self.watching:
            await self.channel_layer.group_add(presence.presence_group(pk), self.channel_name)
        self.watching = visible
        for pk in users:
            if pk in now:
                await self.send_json(self.presence_frame(pk, **now[pk]))

    @database_sync_to_async
    def watchable(self, ids) -> tuple[set[int], dict]:
        user = self._user()
        visible = visibility.visible_ids(user, get_user_model(), ids)
        return set(visible), presence.details(visible)

    HANDLERS = {
        "ping": on_ping,
        "send": on_send,
        "resume": on_resume,
        "typing": on_typing,
        "read": on_read,
        "presence": on_presence,
        "watch": on_watch,
    }

    # --- Presence ------------------------------------------------------------------------

    async def report_presence(self) -> None:
        state = self.activity
        if time.monotonic() - self.last_frame > presence.IDLE_AFTER:
            state = presence.IDLE
        await cache_call(presence.report)(self.user_id, self.socket_id, state)
        await self.tell_presence()

    async def tell_presence(self) -> None:
        value = await cache_call(self._presence_now)()
        if value is not None:
            await self.channel_layer.group_send(
                presence.presence_group(self.user_id),
                {"type": "presence.changed", "user": self.user_id, **value},
            )

    def _presence_now(self) -> dict | None:
        value = presence.state_of(self.user_id, self.off)
        if self.off:
            value["until"] = self.modeoff_json.get("until")
        return value if presence.changed(self.user_id, value) else None

    async def beat(self):
        """Renew this socket's presence every HEARTBEAT seconds (and look at the account
        every few beats). The first beat comes at a random moment, so that sockets opened
        together (a server restart) do not all beat at once."""
        try:
            await asyncio.sleep(random.uniform(0, presence.HEARTBEAT))  # noqa: S311
            while not self.closed:
                await self.channel_layer.send(self.channel_name, {"type": "presence.beat"})
                await asyncio.sleep(presence.HEARTBEAT)
        except asyncio.CancelledError:
            pass

    async def presence_beat(self, event):
        self.beats = getattr(self, "beats", 0) + 1
        if self.beats % ACCOUNT_CHECK_BEATS == 0:
            try:
                await database_sync_to_async(self._user)()
            except AccountClosed:
                await self.close_unauthorised()
                return
        await self.report_presence()

    async def presence_changed(self, event):
        pk = event.get("user")
        if pk in self.watching:
            await self.send_json(self.presence_frame(pk, event["state"], event.get("until")))

    def presence_frame(self, pk: int, state: str, until: str | None) -> dict:
        """``{"type": "presence", "user", "state", "until"}``, and while someone is off until
        a known time, ``until_text`` as the page says it, in this socket's language."""
        frame = {"type": "presence", "user": pk, "state": state, "until": until}
        moment = parse_datetime(until) if isinstance(until, str) else None
        if moment is not None:
            with translation.override(self.language):
                frame["until_text"] = services.until_label(moment)
        return frame

    # --- Events from the channel layer ---------------------------------------------------

    async def join(self, pk: int) -> None:
        await self.channel_layer.group_add(services.conversation_group(pk), self.channel_name)
        self.joined.add(pk)

    async def leave(self, pk: int) -> None:
        await self.channel_layer.group_discard(services.conversation_group(pk), self.channel_name)
        self.joined.discard(pk)
        self.unread.pop(pk, None)
        self.sent_upto.pop(pk, None)
        self.catching_up.discard(pk)

    async def message_new(self, event):
        pk = event.get("conversation")
        message = event.get("message") or {}
        if pk not in self.joined:
            return
        mid = message.get("id", 0)
        author = (message.get("author") or {}).get("id")
        if author == self.user_id:
            self.unread[pk] = 0  # the author has read what they wrote
        elif mid > self.sent_upto.get(pk, 0):
            self.unread[pk] = self.unread.get(pk, 0) + 1
        if self.off or pk in self.catching_up or mid <= self.sent_upto.get(pk, 0):
            return
        self.sent_upto[pk] = mid
        await self.send_json({"type": "message", "message": message})
        if author != self.user_id and pk not in self.muted:
            self.unread_soon(pk)

    async def message_changed(self, event):
        if event.get("conversation") in self.joined and not self.off:
            await self.send_json({"type": "message_changed", "message": event.get("message")})

    async def typing(self, event):
        pk = event.get("conversation")
        if pk in self.joined and not self.off and event.get("user") != self.user_id:
            await self.send_json({"type": "typing", "conversation": pk, "user": event["user"]})

    async def receipt(self, event):
        pk = event.get("conversation")
        if (
            pk in self.joined
            and self.receipts
            and not self.off
            and event.get("user") != self.user_id
        ):
            await self.send_json(
                {
                    "type": "receipt",
                    "conversation": pk,
                    "user": event["user"],
                    "up_to": event["up_to"],
                }
            )

    def unread_soon(self, pk: int) -> None:
        """Push the new count shortly after the message, once for a burst: the count is
        off the path of the message itself (and a busy conversation sends one count)."""
        if pk in self.unread_pending:
            return
        self.unread_pending.add(pk)
        asyncio.get_running_loop().call_later(UNREAD_DELAY, self._unread_due, pk)

    def _unread_due(self, pk: int) -> None:
        # A task of this socket, not a message through the channel layer: with Redis that
        # would be one more round trip per recipient and message.
        if not self.closed:
            asyncio.ensure_future(self.unread_due({"conversation": pk}))

    async def unread_due(self, event):
        pk = event.get("conversation")
        self.unread_pending.discard(pk)
        if self.closed:
            return
        if pk in self.joined and pk not in self.muted and not self.off:
            await self.send_unread(pk)

    async def send_unread(self, pk: int) -> None:
        await self.send_json(
            {
                "type": "unread",
                "conversation": pk,
                "unread": self.unread.get(pk, 0),
                "total": self.total(),
            }
        )

    async def unread_changed(self, event):
        """Read (or muted) on some socket or page of this person: counted again."""
        pk = event.get("conversation")
        snapshot = await self.snapshot()
        if snapshot is None:
            await self.close_unauthorised()
            return
        await self.apply_snapshot_counts(snapshot)
        if _is_id(pk) and pk in self.joined:
            await self.send_unread(pk)

    async def apply_snapshot_counts(self, snapshot):
        self.unread = dict(snapshot["unread"])
        self.muted = set(snapshot["muted"])
        self.receipts = snapshot["receipts"]

    async def conversation_added(self, event):
        pk = event.get("conversation")
        if not _is_id(pk) or pk in self.joined:
            return
        try:
            takes_part = await self.takes_part(pk)
        except AccountClosed:
            await self.close_unauthorised()
            return
        if takes_part:
            await self.join(pk)
            await self.send_json({"type": "conversation_added", "conversation": pk})

    async def conversation_removed(self, event):
        pk = event.get("conversation")
        if not _is_id(pk):
            return
        try:
            takes_part = await self.takes_part(pk)
        except AccountClosed:
            await self.close_unauthorised()
            return
        if not takes_part and pk in self.joined:
            await self.leave(pk)
            await self.send_json({"type": "conversation_removed", "conversation": pk})

    async def modeoff_changed(self, event):
        was_off = self.off
        snapshot = await self.snapshot()
        if snapshot is None:
            await self.close_unauthorised()
            return
        await self.apply_snapshot(snapshot)
        if was_off != self.off:
            # Back (or gone): a fresh hello, with the counts, so that the client resumes.
            self.catching_up.clear()
            await self.send_hello()
            await self.tell_presence()

    async def account_closed(self, event):
        await self.close_unauthorised()


def _account_saved(sender, instance, **kwargs):
    """A deactivated account stops receiving at once: its open sockets are closed."""
    if not instance.is_active and instance.pk:
        services.tell_user(instance.pk, {"type": "account.closed"})


post_save.connect(
    _account_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="messaging_socket_account"
)
