"""Presence (online, away, off), driven by the server.

A person is

* ``off`` when :func:`portal.modeoff.state` says so (whatever their sockets say);
* ``online`` when at least one of their open sockets reports activity;
* ``away`` otherwise: every socket idle (the client said ``{"type": "presence",
  "state": "idle"}``, or sent nothing for :data:`IDLE_AFTER` seconds), or no socket at all.

What each socket reports lives in the shared cache (one process: local memory; several
processes: the Redis cache of ``REDIS_URL``), one key per socket with a time to live that
the socket's heartbeat renews: a process that dies takes its sockets' presence with it
within :data:`SOCKET_TTL` seconds, without anyone cleaning up. A per-person index lists the
socket ids to read (renewed by every heartbeat too, so an index lost to a race between two
processes mends itself at the next beat).

Changes are told to the channel-layer group :func:`presence_group` of the person, which
the sockets watching them join (``{"type": "watch", "users": [...]}``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.cache import cache

from portal import modeoff

ONLINE = "online"
AWAY = "away"
OFF = "off"

#: How often an open socket renews its presence (seconds).
HEARTBEAT = 25
#: How long a socket's presence outlives its last heartbeat (a crashed process).
SOCKET_TTL = HEARTBEAT * 3
#: A socket that sent nothing for this long counts as idle.
IDLE_AFTER = 120
#: The most people one socket may watch.
MAX_WATCH = 200

ACTIVE = "active"
IDLE = "idle"


def presence_group(user_id: int) -> str:
    return f"presence.user.{user_id}"


def _index_key(user_id: int) -> str:
    return f"messaging:presence:index:{user_id}"


def _socket_key(user_id: int, socket_id: str) -> str:
    return f"messaging:presence:socket:{user_id}:{socket_id}"


def _last_key(user_id: int) -> str:
    return f"messaging:presence:last:{user_id}"


# --- What sockets report -------------------------------------------------------------------


def report(user_id: int, socket_id: str, state: str) -> None:
    """Socket ``socket_id`` of ``user_id`` is open and ``active`` or ``idle`` (renews it)."""
    cache.set(_socket_key(user_id, socket_id), state, SOCKET_TTL)
    index = cache.get(_index_key(user_id)) or []
    live = [sid for sid in index if sid != socket_id]
    live.append(socket_id)
    cache.set(_index_key(user_id), live[-50:], SOCKET_TTL)


def forget(user_id: int, socket_id: str) -> None:
    """Socket ``socket_id`` closed."""
    cache.delete(_socket_key(user_id, socket_id))
    index = cache.get(_index_key(user_id)) or []
    if socket_id in index:
        index = [sid for sid in index if sid != socket_id]
        if index:
            cache.set(_index_key(user_id), index, SOCKET_TTL)
        else:
            cache.delete(_index_key(user_id))


def _socket_states(user_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(user_ids)
    indexes = cache.get_many([_index_key(pk) for pk in ids])
    keys = {}
    for pk in ids:
        for sid in indexes.get(_index_key(pk)) or []:
            keys[_socket_key(pk, sid)] = pk
    found = cache.get_many(list(keys)) if keys else {}
    result: dict[int, list[str]] = {pk: [] for pk in ids}
    for key, value in found.items():
        result[keys[key]].append(value)
    return result


def _combine(socket_states: list[str], off: bool) -> str:
    if off:
        return OFF
    return ONLINE if ACTIVE in socket_states else AWAY


# --- What others see -----------------------------------------------------------------------


def states(user_ids: Iterable[int], at=None) -> dict[int, str]:
    """``{id: "online"|"away"|"off"}`` for these people (for server-rendered pages). Ids of
    people who do not exist (or are no longer active) are left out. A fixed number of
    queries and cache reads, whatever the number of people."""
    return {pk: value["state"] for pk, value in details(user_ids, at).items()}


def details(user_ids: Iterable[int], at=None) -> dict[int, dict]:
    """``{id: {"state": ..., "until": iso|None}}``: :func:`states` with the end of an off
    period (when they are back)."""
    try:
        ids = {int(pk) for pk in user_ids}
    except (TypeError, ValueError):
        return {}
    if not ids:
        return {}
    people = list(get_user_model().objects.filter(pk__in=ids, is_active=True))
    off = modeoff.states(people, at)
    sockets = _socket_states([p.pk for p in people])
    result = {}
    for person in people:
        current = off.get(person.pk, modeoff.ON)
        state = _combine(sockets.get(person.pk, []), current.off)
        until = current.until.isoformat() if current.off and current.until else None
        result[person.pk] = {"state": state, "until": until}
    return result


def state_of(user_id: int, off: bool | None = None) -> dict:
    """The presence of one person; ``off`` is their mode off when the caller knows it."""
    if off is None:
        return details([user_id]).get(user_id, {"state": AWAY, "until": None})
    sockets = _socket_states([user_id])[user_id]
    return {"state": _combine(sockets, off), "until": None}


def changed(user_id: int, value: dict) -> bool:
    """Remember ``value`` as the person's last told presence; True when it differs from
    what was told before (then the caller tells the watchers)."""
    key = _last_key(user_id)
    if cache.get(key) == value:
        cache.touch(key, SOCKET_TTL * 4)
        return False
    cache.set(key, value, SOCKET_TTL * 4)
    return True


def now() -> float:
    return time.monotonic()
