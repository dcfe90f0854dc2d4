"""Mode off: the right to disconnect, enforced by the server for every channel.

Each person has working days and hours in their time zone
(:class:`portal.accounts.models.WorkingHours`), and can switch off by hand until a date;
the company sets a floor (:class:`portal.core.models.ModeOffPolicy`: nothing after 20:00,
nothing on Sundays) that people may narrow but never widen. Outside those hours nothing
reaches the person: the notification service holds notifications
(``portal.signals.notification_hold``, answered here), sockets push nothing, badges do not
move, no email leaves; what was held is delivered as one summary when their hours start
again (:mod:`plugins.notifications.summaries`, run every minute).

Every plugin asks the same functions:

* :func:`state` / :func:`states`: is this person off now, since when, until when, why;
* :func:`next_start`: when their next working hour starts (to schedule a message);
* :func:`can_override` / :func:`record_override`: the urgent override, for the roles the
  company allows, logged with who, when and why; :func:`portal.notifications.notify`
  takes the record as ``urgent=`` to deliver at once.

The rules, in order:

1. The company switch off (``ModeOffPolicy.enabled``): everyone is on, nothing is held.
2. The manual switch: off until ``off_until``, then until the next working start after it.
3. Hours: the person's days and hours intersected with the company floor, in the
   person's time zone (their own, else the company's, else ``settings.TIME_ZONE``).
   Someone who never set hours follows the floor alone.
4. Hours and floor that leave no working time at all (a person who works only Sundays in
   a company closed on Sundays) would hold everything for ever: the person's own hours
   are then ignored and the floor alone applies; a floor with no day at all holds
   nothing. Nobody is ever off with no end.

Every function takes ``at`` (now by default), so tests and previews freeze the clock.
Time zones and daylight saving come from :mod:`zoneinfo`: 9:00 is 9:00 on the wall
clock, winter or summer.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

#: Why someone is off.
HOURS = "hours"  # outside their working hours (or the company's floor)
MANUAL = "manual"  # switched off by hand, until a date

#: How far ahead (and back) to look for working hours, in days.
HORIZON = 14
#: The longest reason an urgent override may give.
REASON_LENGTH = 500


@dataclass(frozen=True)
class State:
    """A person's mode off at one moment."""

    off: bool
    #: When the current off period started (``None`` when on).
    since: dt.datetime | None = None
    #: When they are back (``None`` when on). Always set when off: the next working hour.
    until: dt.datetime | None = None
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


@dataclass(frozen=True)
class Schedule:
    """Someone's effective working week: days (ISO weekdays), one interval a day, in a
    time zone; ``end`` ``None`` is midnight. Empty ``days``: never restricted."""

    zone: ZoneInfo
    days: frozenset[int]
    start: dt.time
    end: dt.time | None
    off_until: dt.datetime | None = None
    off_since: dt.datetime | None = None

    def intervals(self, around: dt.datetime):
        """The working intervals (aware datetimes) from a day before ``around`` (less the
        look-back) to :data:`HORIZON` days after it, in order."""
        local = around.astimezone(self.zone).date()
        for offset in range(-HORIZON - 1, HORIZON + 2):
            day = local + dt.timedelta(days=offset)
            if day.isoweekday() not in self.days:
                continue
            begin = _wall(day, self.start, self.zone)
            finish = (
                _wall(day + dt.timedelta(days=1), dt.time(0, 0), self.zone)
                if self.end is None
                else _wall(day, self.end, self.zone)
            )
            if finish > begin:
                yield begin, finish


def _wall(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """``time`` on the wall clocks of ``zone`` on ``day``, as an aware UTC datetime. A
    time that does not exist (in the spring gap) moves forward by the gap, as clocks do."""
    local = dt.datetime.combine(day, time, tzinfo=zone)
    return local.astimezone(dt.UTC)


def zone_named(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def policy():
    """The company's floor and switches: one query, and no write (before an administrator
    saves the setting, its defaults, unsaved)."""
    from portal.core.models import ModeOffPolicy

    return ModeOffPolicy.objects.order_by("pk").first() or ModeOffPolicy()


def company_zone(company=None) -> ZoneInfo:
    company = company or policy()
    return zone_named(company.time_zone) or zone_named(settings.TIME_ZONE) or ZoneInfo("UTC")


def _days(value: str) -> frozenset[int]:
    return frozenset(int(ch) for ch in value or "" if ch in "1234567")


def schedule(company, hours) -> Schedule:
    """The effective schedule: ``hours`` (a ``WorkingHours`` or ``None``) within the floor."""
    floor_days = _days(company.days)
    floor_start = company.earliest_start or dt.time(0, 0)
    floor_end = company.latest_end
    zone = company_zone(company)
    if hours is None:
        return Schedule(zone, floor_days, floor_start, floor_end)
    zone = zone_named(hours.time_zone) or zone
    days = _days(hours.days) & floor_days
    start = max(hours.start, floor_start)
    end = hours.end if floor_end is None else min(hours.end, floor_end)
    if not days or start >= end:
        # No working time left: the floor alone applies (see the module's rule 4).
        days, start, end = floor_days, floor_start, floor_end
    return Schedule(zone, days, start, end, hours.off_until, hours.off_since)


def _hours_state(plan: Schedule, at: dt.datetime) -> State:
    if not plan.days:
        return ON
    previous_end = None
    for begin, finish in plan.intervals(at):
        if begin <= at < finish:
            return ON
        if finish <= at:
            previous_end = finish
        elif begin > at:
            return State(off=True, since=previous_end, until=begin, reason=HOURS)
    return ON  # nothing ahead within the horizon: never hold with no end


def _next_working_start(plan: Schedule, at: dt.datetime) -> dt.datetime:
    """``at`` when it falls within working hours, else the next start."""
    current = _hours_state(plan, at)
    return current.until if current.off else at


def compute(plan: Schedule, at: dt.datetime) -> State:
    """The state of someone with this effective schedule at ``at`` (no query)."""
    if plan.off_until is not None and plan.off_until > at:
        since = plan.off_since if plan.off_since and plan.off_since <= at else None
        return State(
            off=True, since=since, until=_next_working_start(plan, plan.off_until), reason=MANUAL
        )
    return _hours_state(plan, at)


_prefetched: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "modeoff_prefetched", default=None
)


@contextmanager
def prefetch(users: Iterable, at: dt.datetime | None = None):
    """Within this block, :func:`state` answers for ``users`` at ``at`` from one bulk
    look-up: the notification service asks the hold once per recipient, and this keeps
    it to a fixed number of queries whatever their number."""
    at = at or timezone.now()
    known = states(users, at)
    token = _prefetched.set({"at": at, "states": known})
    try:
        yield known
    finally:
        _prefetched.reset(token)


def state(user, at: dt.datetime | None = None) -> State:
    """``user``'s mode off at ``at`` (now by default)."""
    pk = getattr(user, "pk", None)
    memo = _prefetched.get()
    if memo is not None and (at is None or at == memo["at"]) and pk in memo["states"]:
        return memo["states"][pk]
    return states([user], at).get(pk, ON)


def states(users: Iterable, at: dt.datetime | None = None) -> dict[int, State]:
    """The mode off of several people at once, in two queries whatever their number (the
    company's policy and everyone's hours). Accepts users or their ids."""
    from portal.accounts.models import WorkingHours

    at = at or timezone.now()
    pks = []
    for user in users:
        pk = user if isinstance(user, int) else getattr(user, "pk", None)
        if pk:
            pks.append(pk)
    if not pks:
        return {}
    company = policy()
    if not company.enabled:
        return dict.fromkeys(pks, ON)
    hours = {row.user_id: row for row in WorkingHours.objects.filter(user_id__in=pks)}
    return {pk: compute(schedule(company, hours.get(pk)), at) for pk in pks}


def annotate(users: Iterable, at: dt.datetime | None = None) -> list:
    """Set ``modeoff_state`` on each of ``users`` (one bulk :func:`states`): what
    ``{% avatar person presence=True %}`` reads to show the "off" dot without a query
    per person. Returns the users."""
    users = [user for user in users if getattr(user, "pk", None)]
    known = states(users, at)
    for user in users:
        user.modeoff_state = known.get(user.pk, ON)
    return users


def next_start(user, at: dt.datetime | None = None) -> dt.datetime:
    """When ``user``'s next working hour starts (``at`` itself when they are on)."""
    at = at or timezone.now()
    current = state(user, at)
    return current.until if current.off and current.until else at


def hold_until(user, at: dt.datetime | None = None) -> dt.datetime | None:
    """Until when to hold what is sent to ``user`` now: ``None`` when they are on."""
    current = state(user, at)
    return current.until if current.off else None


def until_text(current: State, at: dt.datetime | None = None) -> str:
    """ "Off until Monday 9:00" (within a week), "Off until 4 Jan 2027, 9:00" (later), in
    the active language, time zone and the project's formats; "" when on."""
    from django.utils import formats
    from django.utils.translation import gettext as _

    if not current.off or current.until is None:
        return ""
    at = at or timezone.now()
    local = timezone.localtime(current.until)
    time = formats.time_format(local, "TIME_FORMAT")
    if local.date() == timezone.localtime(at).date():
        return _("Off until %(time)s") % {"time": time}
    if local - at < dt.timedelta(days=6):
        day = formats.date_format(local, "l")
        return _("Off until %(day)s %(time)s") % {"day": day, "time": time}
    return _("Off until %(date)s") % {"date": formats.date_format(local, "DATETIME_FORMAT")}


# --- Urgent override -------------------------------------------------------------------


def can_override(user) -> bool:
    """Whether ``user`` holds a role the company allows to send urgently during mode off."""
    from django.contrib.auth.models import Group

    from portal.core.models import ModeOffPolicy

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Group.objects.filter(
        pk__in=ModeOffPolicy.override_groups.through.objects.values("group_id"),
        user=getattr(user, "_wrapped", user),
    ).exists()


def record_override(
    actor, recipients: Iterable, reason: str, target=None, *, channel: str = "", at=None
):
    """Log an urgent override (who, when, why, to whom, about what); counted in the
    adoption figures. Raises ``PermissionDenied`` for someone not allowed to, and
    ``ValidationError`` (naming ``reason``) without a reason or with one too long.

    Returns the :class:`portal.core.models.UrgentOverride`; hand it to
    ``notify(..., urgent=override)`` to deliver at once to those it names."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    from portal.core.models import UrgentOverride

    if not can_override(actor):
        raise PermissionDenied(_("Your role may not send urgent messages during mode off."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why it cannot wait.")]})
    if len(reason) > REASON_LENGTH:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": REASON_LENGTH}]})
    people = [getattr(person, "pk", person) for person in recipients]
    people = [pk for pk in dict.fromkeys(people) if pk]
    if not people:
        raise ValidationError({"recipients": [_("Choose at least one person.")]})
    with transaction.atomic():
        override = UrgentOverride.objects.create(
            actor=getattr(actor, "_wrapped", actor),
            created_at=at or timezone.now(),
            reason=reason,
            channel=channel[:60],
            target_type=ContentType.objects.get_for_model(type(target)) if target else None,
            target_id=getattr(target, "pk", None),
        )
        override.recipients.add(*people)
    return override


def collect_metrics():
    """The adoption dashboard's count of urgent overrides (the last 30 days, and ever):
    a company that overrides often has a problem the figures should show."""
    from django.utils.translation import gettext_lazy as _

    from portal.core.models import UrgentOverride
    from portal.metrics import Metric

    since = timezone.now() - dt.timedelta(days=30)
    return [
        Metric(
            "modeoff.urgent_overrides_30d",
            _("Urgent overrides of mode off in the last 30 days"),
            UrgentOverride.objects.filter(created_at__gte=since).count(),
        ),
        Metric(
            "modeoff.urgent_overrides",
            _("Urgent overrides of mode off, ever"),
            UrgentOverride.objects.count(),
        ),
    ]


# --- Read receipts ---------------------------------------------------------------------


def receipts_enabled(user) -> bool:
    """Whether ``user`` shows and sees read receipts: the company's switch and their own
    opt-out (someone who opted out neither shows nor sees them). Independent of whether
    mode off is on."""
    return receipts_for([user]).get(getattr(user, "pk", user), False)


def receipts_for(users: Iterable) -> dict[int, bool]:
    """:func:`receipts_enabled` for several people (users or ids) in two queries."""
    from portal.accounts.models import WorkingHours

    pks = [user if isinstance(user, int) else getattr(user, "pk", None) for user in users]
    pks = [pk for pk in pks if pk]
    if not pks:
        return {}
    if not policy().read_receipts:
        return dict.fromkeys(pks, False)
    opted_out = set(
        WorkingHours.objects.filter(user_id__in=pks, show_read_receipts=False).values_list(
            "user_id", flat=True
        )
    )
    return {pk: pk not in opted_out for pk in pks}


def receipts_between(reader, author) -> bool:
    """Whether ``author`` may see that ``reader`` read their message: both have receipts on."""
    both = receipts_for([reader, author])
    return bool(both) and all(both.values())


# --- Hold, and what changes when someone's settings change -----------------------------


def hold(sender, notice, recipient, **kwargs):
    """The ``notification_hold`` receiver: until when to hold ``notice`` for ``recipient``.
    An urgent notice (``notice.urgent``, checked by the notification service) is not held."""
    if getattr(notice, "urgent", False):
        return None
    return hold_until(recipient)


def _policy_saved(sender, instance, **kwargs):
    """The company's floor changed: everyone's held notifications are re-held (after the
    commit, with the floor as saved)."""
    from django.db import transaction

    from portal import signals

    def tell():
        signals.modeoff_changed.send_robust(sender=None, user=None, state=None, at=timezone.now())

    transaction.on_commit(tell, robust=True)


def connect() -> None:
    from django.db.models.signals import post_save

    from portal import signals
    from portal.core.models import ModeOffPolicy

    signals.notification_hold.connect(hold, dispatch_uid="modeoff_hold")
    post_save.connect(_policy_saved, sender=ModeOffPolicy, dispatch_uid="modeoff_policy_saved")


def changed(user, at: dt.datetime | None = None) -> State:
    """Someone's hours or switch changed: what was held for them is now held until their
    new ``until`` (or released, if they are on), and their open pages are told
    (``modeoff.changed`` for sockets; the summary comes with the next run)."""
    from portal import signals

    at = at or timezone.now()
    current = state(user, at)
    signals.modeoff_changed.send_robust(sender=None, user=user, state=current, at=at)
    return current
