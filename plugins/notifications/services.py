"""Notification services: delivery (what the core's notification service hands over),
reading, marking read, preferences and the live push. Pages, the API, the websocket
consumer and the digest all go through these."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from asgiref.sync import async_to_sync
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins.notifications.models import Notification, Preference
from portal import avatars, visibility
from portal.notifications import CHANNELS, OFF, Notice, get_kind, kinds

logger = logging.getLogger(__name__)

#: The longest target title kept on a notification.
TITLE_LENGTH = 300


def user_group(user_id: int) -> str:
    """The channel-layer group of one person's open pages."""
    return f"notifications.user.{user_id}"


# --- Preferences ---------------------------------------------------------------------


class PreferenceError(ValueError):
    """A preference that cannot be saved; ``kind`` names the faulty entry."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def channel_names() -> set[str]:
    return {value for value, _label in CHANNELS}


def preferences(user) -> dict[str, str]:
    """Each registered kind's channel for ``user``: their choice, else the kind's default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {key: chosen.get(key, kind.default_channel) for key, kind in kinds().items()}


def set_preferences(user, choices: dict[str, str]) -> dict[str, str]:
    """Save ``{kind: channel}`` for ``user``; an unknown kind or channel raises
    :class:`PreferenceError` naming the kind, and nothing is saved."""
    known = kinds()
    for key, channel in choices.items():
        if key not in known:
            raise PreferenceError(key, _("Unknown notification kind."))
        if channel not in channel_names():
            raise PreferenceError(
                key,
                _("“%(channel)s” is not a valid choice: %(choices)s.")
                % {"channel": channel, "choices": ", ".join(sorted(channel_names()))},
            )
    with transaction.atomic():
        for key, channel in choices.items():
            Preference.objects.update_or_create(user=user, kind=key, defaults={"channel": channel})
    return preferences(user)


# --- Delivery ------------------------------------------------------------------------


def target_title(target) -> str:
    title = getattr(target, "title", None) or str(target)
    return str(title)[:TITLE_LENGTH]


def deliver(notice: Notice, recipients: Iterable, hold_until: datetime | None = None) -> list:
    """Store ``notice`` for each recipient who has not turned its kind off, grouping it
    into their unread notification with the same ``group_key``; then push the news live
    to those not held back. Costs the same number of queries whatever the number of
    recipients. Returns the ids of the stored (new or updated) notifications."""
    kind = get_kind(notice.kind)
    if kind is None:
        return []
    users = {user.pk: user for user in recipients}
    if not users:
        return []
    chosen = dict(
        Preference.objects.filter(user__in=users, kind=notice.kind).values_list(
            "user_id", "channel"
        )
    )
    wanted = [pk for pk in users if chosen.get(pk, kind.default_channel) != OFF]
    if not wanted:
        return []
    now = timezone.now()
    held = hold_until is not None and hold_until > now
    actor = notice.actor if getattr(notice.actor, "pk", None) else None
    fields = {
        "actor": actor,
        "updated_at": now,
        # A group of notifications is about its latest target (the latest post of a
        # group), so reading it follows that target's visibility.
        "target_type": ContentType.objects.get_for_model(type(notice.target)),
        "target_id": notice.target.pk,
        "url": notice.url,
        # An urgent override says so on the line it let through mode off.
        "data": {**notice.data, "urgent": True}
        if getattr(notice, "urgent", False)
        else notice.data,
        "target_title": (notice.title or target_title(notice.target))[:TITLE_LENGTH],
        # New activity: the digest mentions the group again.
        "emailed_at": None,
        # Held notifications become visible as soon as one arrives that is not held.
        "visible_from": Least(F("visible_from"), hold_until or now),
    }
    through = Notification.actors.through
    with transaction.atomic():
        unread = Notification.objects.filter(
            recipient__in=wanted, group_key=notice.group_key, read_at__isnull=True
        ).order_by("recipient", "-updated_at", "-pk")
        if held:
            # Held activity never changes a line the person already sees (its actors, its
            # title, the digest's "new" mark): it groups with what is held, or waits in a
            # line of its own until mode off ends.
            unread = unread.filter(visible_from__gt=now)
        # Reversed, so that the latest unread row of each recipient wins.
        existing = dict(reversed(list(unread.values_list("recipient_id", "pk"))))
        known_actor = set()
        if actor is not None and existing:
            known_actor = set(
                through.objects.filter(notification__in=existing.values(), user=actor).values_list(
                    "notification_id", flat=True
                )
            )
        new_actor = [pk for pk in existing.values() if pk not in known_actor]
        if new_actor:
            bump = {"actor_count": F("actor_count") + 1} if actor is not None else {}
            Notification.objects.filter(pk__in=new_actor).update(**fields, **bump)
        if known_actor:
            Notification.objects.filter(pk__in=known_actor).update(**fields)
        created = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=pk,
                    kind=notice.kind,
                    group_key=notice.group_key,
                    target_type=fields["target_type"],
                    target_id=fields["target_id"],
                    actor=actor,
                    actor_count=1,
                    url=notice.url,
                    data=fields["data"],
                    target_title=fields["target_title"],
                    updated_at=now,
                    visible_from=hold_until or now,
                )
                for pk in wanted
                if pk not in existing
            ]
        )
        if actor is not None:
            through.objects.bulk_create(
                [through(notification_id=pk, user_id=actor.pk) for pk in new_actor]
                + [through(notification_id=n.pk, user_id=actor.pk) for n in created]
            )
    if not held:
        transaction.on_commit(lambda: push(wanted), robust=True)
    return [*existing.values(), *(n.pk for n in created)]


def push(user_ids: Iterable[int], event: str = "notification.new") -> None:
    """Tell the open pages of these people that their notifications changed; each page's
    connection then counts its own unread notifications (through the visibility policy).
    Does nothing without a channel layer, and a layer that is down only logs an error."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all():
        for pk in user_ids:
            await layer.group_send(user_group(pk), {"type": event})

    try:
        async_to_sync(send_all)()
    except Exception:  # the real-time layer is a bonus: delivery already succeeded
        logger.exception("Could not push notifications to the real-time layer")


# --- Reading -------------------------------------------------------------------------


def visible(user) -> QuerySet[Notification]:
    """The notifications ``user`` may see now: theirs, of a registered kind, not held back,
    about a target that still exists and that they may still see (a member removed from a
    group stops seeing its notifications at once).

    Builds one query to know the kinds of targets present, and adds one subquery per kind
    of target rather than one check per notification."""
    if not visibility.is_active_user(user):
        return Notification.objects.none()
    user = _account(user)
    mine = Notification.objects.filter(recipient=user, kind__in=list(kinds()))
    type_ids = set(mine.order_by().values_list("target_type", flat=True).distinct())
    condition = Q(pk__in=[])
    for type_id in type_ids:
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or not visibility.is_known(model):
            continue  # a removed plugin's content, or content no one may see: hidden
        allowed = visibility.filter_visible(user, model._default_manager.all()).values("pk")
        condition |= Q(target_type=type_id, target_id__in=allowed)
    return mine.filter(condition, visible_from__lte=timezone.now())


def _account(user):
    """The account behind ``request.user``'s lazy proxy: the policy asks plugins for a
    user's audience tokens with the user's class as sender, which a proxy would hide."""
    return getattr(user, "_wrapped", user)


def unread_count(user) -> int:
    return visible(user).filter(read_at__isnull=True).count()


def recent(user, limit: int = 10) -> list[Notification]:
    return list(with_people(visible(user))[:limit])


def with_people(queryset: QuerySet[Notification]) -> QuerySet[Notification]:
    """What a list of notifications shows, loaded with it (no query per row)."""
    return queryset.select_related("actor", "target_type", *avatars.related("actor"))


def message(notification: Notification) -> str:
    """The sentence shown for ``notification``, in the active language."""
    kind = get_kind(notification.kind)
    actor = notification.actor
    name = (actor.get_full_name() or str(actor)) if actor is not None else _("Someone")
    title = notification.target_title or _("(untitled)")
    others = max(notification.actor_count - 1, 0)
    return kind.message(name, others, title) if kind else title


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s unread notifications read: those of ``ids``, or all of them, among
    those they may see (:func:`visible`: the count never tells of hidden ones). Their
    other open pages are told. Returns how many changed."""
    unread = visible(user).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    changed = unread.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: push([user.pk], "notification.read"), robust=True)
    return changed


def purge_orphans() -> int:
    """Delete notifications whose target no longer exists (a generic relation has no
    cascade). One query per kind of target. Returns how many were deleted."""
    deleted = 0
    type_ids = set(Notification.objects.order_by().values_list("target_type", flat=True).distinct())
    for type_id in type_ids:
        model = ContentType.objects.get_for_id(type_id).model_class()
        stale = Notification.objects.filter(target_type=type_id)
        if model is not None:
            stale = stale.exclude(target_id__in=model._default_manager.values("pk"))
        deleted += stale.delete()[1].get(Notification._meta.label, 0)
    return deleted
