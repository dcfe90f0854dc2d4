"""Mode off's summary: what was held for someone is delivered, when their hours start
again, as one notification ("While you were off: 3 mentions, 12 messages"), one live push
(the badge catches up) and one email if they take notifications by email.

A notification was *held* when it became visible later than it was last updated
(``visible_from > updated_at``: :func:`services.deliver` stores it so). Its ``visible_from``
is the moment the person's hours start again; everyone's summary for that moment is
recorded as a :class:`portal.core.models.ModeOffSummary` (unique per person and moment),
which is what makes the run idempotent: run twice, or late, and nothing is sent twice.

``manage.py deliver_mode_off_summaries`` (every minute from ``make run``) and the task
:func:`plugins.notifications.tasks.deliver_mode_off_summaries` call :func:`deliver_due`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plugins.notifications import digest, services
from plugins.notifications.models import Notification
from portal import modeoff, visibility
from portal.core.models import ModeOffSummary
from portal.notifications import MODE_OFF_SUMMARY, get_kind, notify

logger = logging.getLogger(__name__)

#: Held notifications older than this (a summary run missed for weeks) are not summarised.
LOOK_BACK = dt.timedelta(days=modeoff.HORIZON)


def held():
    """Notifications stored while their recipient was off (whether their time came or not)."""
    return Notification.objects.filter(visible_from__gt=F("updated_at")).exclude(
        kind=MODE_OFF_SUMMARY.key
    )


def due(at: dt.datetime | None = None) -> list[tuple[int, dt.datetime]]:
    """``(recipient id, until)`` of the held notifications whose time came and that no
    summary covers yet, oldest first."""
    at = at or timezone.now()
    pairs = (
        held()
        .filter(visible_from__lte=at, visible_from__gt=at - LOOK_BACK)
        .order_by("visible_from", "recipient_id")
        .values_list("recipient_id", "visible_from")
        .distinct()
    )
    pairs = list(pairs)
    if not pairs:
        return []
    done = set(
        ModeOffSummary.objects.filter(
            recipient_id__in={pk for pk, _until in pairs},
            until__in={until for _pk, until in pairs},
        ).values_list("recipient_id", "until")
    )
    return [pair for pair in pairs if pair not in done]


def sentence(counts: dict[str, int]) -> str:
    """ "While you were off: 3 mentions, 12 messages", in the active language."""
    parts = []
    others = 0
    for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        kind = get_kind(key)
        if kind is not None and kind.counted is not None:
            parts.append(kind.counted(n))
        else:
            others += n
    if others:
        parts.append(
            ngettext("%(n)d other notification", "%(n)d other notifications", others)
            % {"n": others}
        )
    return _("While you were off: %(items)s") % {"items": ", ".join(parts)}


def deliver_summary(user, until: dt.datetime) -> ModeOffSummary | None:
    """Summarise for ``user`` what was held until ``until``: once (``None`` if another run
    did it, or nothing they may still see was held)."""
    if not visibility.is_active_user(user):
        return None
    mine = services.visible(user).filter(
        visible_from=until, visible_from__gt=F("updated_at"), read_at__isnull=True
    )
    mine = mine.exclude(kind=MODE_OFF_SUMMARY.key)
    counts = {
        row["kind"]: row["n"] for row in mine.order_by().values("kind").annotate(n=Count("pk"))
    }
    try:
        with transaction.atomic():
            summary = ModeOffSummary.objects.create(recipient=user, until=until, counts=counts)
    except IntegrityError:
        return None  # another run got there first
    if not counts:
        return summary
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        title = sentence(counts)
    notify(
        MODE_OFF_SUMMARY.key,
        [user],
        actor=None,
        target=summary,
        url=reverse("notifications:list"),
        title=title,
        data={"counts": counts},
    )
    _mail(user, until)
    return summary


def _mail(user, until: dt.datetime) -> None:
    """One email with what was held, for someone who takes some of it by email: the held
    notifications of their email kinds go out now, and are marked emailed (so the daily
    digest does not send them again)."""
    if not user.email:
        return
    wanted = digest.digest_kinds([user.pk]).get(user.pk, set())
    if not wanted:
        return
    notifications = list(
        services.with_people(
            services.visible(user).filter(
                visible_from=until,
                read_at__isnull=True,
                emailed_at__isnull=True,
                kind__in=wanted,
            )
        )
    )
    if notifications:
        transaction.on_commit(
            lambda: digest.send(digest.Digest(user, notifications, while_off=True)), robust=True
        )


def deliver_due(at: dt.datetime | None = None) -> int:
    """Deliver every summary whose time came. Returns how many were sent."""
    at = at or timezone.now()
    pairs = due(at)
    if not pairs:
        return 0
    users = get_user_model().objects.in_bulk({pk for pk, _until in pairs})
    # Someone still off (their hours changed, a manual switch set since) gets their
    # summary when they are back: what was held is re-held until then.
    current = modeoff.states(list(users.values()), at)
    sent = 0
    for pk, until in pairs:
        user = users.get(pk)
        if user is None:
            continue
        now = current.get(pk, modeoff.ON)
        if now.off:
            # Their time came and went while no run happened (or they are off again):
            # hidden again until they are back, summarised then.
            held().filter(recipient=user, visible_from=until).update(visible_from=now.until)
            continue
        with transaction.atomic():
            if deliver_summary(user, until) is not None:
                sent += 1
    return sent


def rehold(user, at: dt.datetime | None = None) -> int:
    """``user``'s hours or switch changed: what is held for them is now held until their
    new ``until``, or released now (and summarised at the next run) when they are on.
    Returns how many notifications moved."""
    at = at or timezone.now()
    current = modeoff.state(user, at)
    new = current.until if current.off else at
    pending = held().filter(recipient=user, visible_from__gt=at).exclude(visible_from=new)
    # Released (they are on): visible now, summarised at the next run, within a minute.
    return pending.update(visible_from=new)


def changed(sender, user=None, state=None, at=None, **kwargs):
    """The ``modeoff_changed`` receiver: re-hold (a company change re-holds everyone's)."""
    if user is not None:
        rehold(user, at)
        return
    ids = (
        held().filter(visible_from__gt=at or timezone.now()).values_list("recipient_id", flat=True)
    )
    for person in get_user_model().objects.filter(pk__in=set(ids)):
        rehold(person, at)
