"""Mode off: the right to disconnect, enforced by the server for every channel.

(Interface fixed first; the implementation is being filled in: see issue 15.)

Each person has working days and hours in their time zone, and can switch off by hand
until a date; the company sets a floor (nothing after 20:00, nothing on Sundays) that
people may narrow but never widen. Outside those hours nothing reaches the person: the
notification service holds notifications (``portal.signals.notification_hold``), sockets
push nothing, badges do not move, no email leaves; what was held is delivered as one
summary when their hours start again.

Every plugin asks the same functions:

* :func:`state` / :func:`states`: is this person off now, since when, until when, why;
* :func:`next_start`: when their next working hour starts (to schedule a message);
* :func:`can_override` / :func:`record_override`: the urgent override, for the roles the
  company allows, logged with who, when and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

#: Why someone is off.
HOURS = "hours"  # outside their working hours (or the company's floor)
MANUAL = "manual"  # switched off by hand, until a date


@dataclass(frozen=True)
class State:
    """A person's mode off at one moment."""

    off: bool
    #: When the current off period started (``None`` when on).
    since: datetime | None = None
    #: When they are back (``None`` when on). Always set when off: the next working hour.
    until: datetime | None = None
    #: :data:`HOURS` or :data:`MANUAL` when off, else "".
    reason: str = ""

    def as_json(self) -> dict:
        return {
            "off": self.off,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "reason": self.reason,
        }


ON = State(off=False)


def state(user, at: datetime | None = None) -> State:
    """``user``'s mode off at ``at`` (now by default)."""
    return states([user], at).get(getattr(user, "pk", None), ON)


def states(users: Iterable, at: datetime | None = None) -> dict[int, State]:
    """The mode off of several people at once, in a fixed number of queries."""
    return {user.pk: ON for user in users if getattr(user, "pk", None)}


def next_start(user, at: datetime | None = None) -> datetime:
    """When ``user``'s next working hour starts (``at`` itself when they are on)."""
    at = at or timezone.now()
    current = state(user, at)
    return current.until if current.off and current.until else at


def can_override(user) -> bool:
    """Whether ``user`` holds a role the company allows to send urgently during mode off."""
    return False


def record_override(actor, recipients: Iterable, reason: str, target=None):
    """Log an urgent override (who, when, why, to whom, about what); counted in the
    adoption figures. Raises ``PermissionDenied`` for someone not allowed to."""
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied
