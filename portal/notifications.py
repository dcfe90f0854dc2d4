"""The one notification service: every plugin notifies people through :func:`notify`.

A notification says that ``actor`` did something (``kind``) about ``target`` (a post, a
comment, a group) that concerns ``recipients``. The target is the object the notification
is *about* and links to (a new post in a group is about the post, not the group): its
visibility decides who may receive and read the notification. The service

1. drops recipients who may not see the target (the one visibility policy), inactive
   accounts and the actor themself, so a mention in a secret group notifies nobody
   outside it; it asks again when the transaction commits, with the target as it is
   then, so a post hidden in the meantime notifies nobody;
2. asks :data:`portal.signals.notification_hold` whether to hold it back: mode off
   (:mod:`portal.modeoff`) answers with the end of the recipient's quiet hours, and what
   is held is neither counted, listed, pushed live nor mailed until then, when it is
   delivered as one summary (``manage.py deliver_mode_off_summaries``). An urgent
   notification passes ``urgent=`` the override that :func:`portal.modeoff.record_override`
   logged (who, when, why, to whom): it is delivered at once to the recipients that
   record names, and held as usual for anyone else;
3. hands it to :data:`portal.signals.notification_delivery`, which the notifications
   plugin receives to store it, count it as unread, push it live and mail the digest.

Reading is filtered by the same policy (the plugin's ``services.visible``): whoever loses
access to a notification's target (leaves the group, the post becomes hidden) stops seeing
it at once in the list, the API, the counts, the live badge and the digest.

Without the notifications plugin, nothing is delivered and nothing fails. Kinds are
declared here, so preferences and messages are the same whichever plugin sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from portal import signals, visibility

logger = logging.getLogger(__name__)

IN_APP = "in_app"
DIGEST = "digest"
OFF = "off"
CHANNELS = [
    (IN_APP, _("In the portal")),
    (DIGEST, _("In the portal and in a daily email")),
    (OFF, _("Off")),
]


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its key, its label on the preferences page and how it reads.

    ``message(actor, others, target)`` returns the sentence shown to the recipient:
    ``actor`` is the latest actor's name, ``others`` how many more people did the same
    (grouped notifications: "Anna and 4 others reacted to your post") and ``target`` the
    target's title.

    ``counted(n)`` names ``n`` of them in the mode off summary ("3 mentions"); kinds
    without it are counted as "n other notifications".
    """

    key: str
    label: str
    message: Callable[[str, int, str], str]
    default_channel: str = IN_APP
    counted: Callable[[int], str] | None = None


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    _kinds[kind.key] = kind
    return kind


def kinds() -> dict[str, Kind]:
    return dict(_kinds)


def get_kind(key: str) -> Kind | None:
    return _kinds.get(key)


def _grouped(one: str, many_singular: str, many_plural: str):
    """A message function: ``one`` alone, else "X and N other(s) ..." with plurals."""

    def message(actor: str, others: int, target: str) -> str:
        if others <= 0:
            return one % {"actor": actor, "target": target}
        return ngettext(many_singular, many_plural, others) % {
            "actor": actor,
            "others": others,
            "target": target,
        }

    return message


def _counted(singular: str, plural: str):
    """A ``counted`` function: "%(n)d mention" / "%(n)d mentions", translated when called
    (the strings are marked for translation where each kind declares them)."""

    def counted(n: int) -> str:
        return ngettext(singular, plural, n) % {"n": n}

    return counted


# Marked for the translation catalogue (``_counted`` translates them when called).
_COUNTED_STRINGS = [
    ngettext_lazy("%(n)d mention", "%(n)d mentions", 1),
    ngettext_lazy("%(n)d comment", "%(n)d comments", 1),
    ngettext_lazy("%(n)d comment on a page", "%(n)d comments on pages", 1),
    ngettext_lazy("%(n)d reply", "%(n)d replies", 1),
    ngettext_lazy("%(n)d reaction", "%(n)d reactions", 1),
    ngettext_lazy("%(n)d group invitation", "%(n)d group invitations", 1),
    ngettext_lazy("%(n)d request to join a group", "%(n)d requests to join a group", 1),
    ngettext_lazy("%(n)d answer to a request", "%(n)d answers to requests", 1),
    ngettext_lazy("%(n)d post in your groups", "%(n)d posts in your groups", 1),
]


MENTION = register_kind(
    Kind(
        "mention",
        _("Someone mentions me or one of my groups"),
        _grouped(
            _("%(actor)s mentioned you in “%(target)s”"),
            _("%(actor)s and %(others)d other person mentioned you in “%(target)s”"),
            _("%(actor)s and %(others)d other people mentioned you in “%(target)s”"),
        ),
        counted=_counted("%(n)d mention", "%(n)d mentions"),
    )
)
COMMENT = register_kind(
    Kind(
        "comment",
        _("Someone comments on my post"),
        _grouped(
            _("%(actor)s commented on your post “%(target)s”"),
            _("%(actor)s and %(others)d other person commented on your post “%(target)s”"),
            _("%(actor)s and %(others)d other people commented on your post “%(target)s”"),
        ),
        counted=_counted("%(n)d comment", "%(n)d comments"),
    )
)
#: A comment on anything else people publish (a news article, a course, an initiative).
CONTENT_COMMENT = register_kind(
    Kind(
        "content_comment",
        _("Someone comments on a page or something else I published"),
        _grouped(
            _("%(actor)s commented on “%(target)s”"),
            _("%(actor)s and %(others)d other person commented on “%(target)s”"),
            _("%(actor)s and %(others)d other people commented on “%(target)s”"),
        ),
        counted=_counted("%(n)d comment on a page", "%(n)d comments on pages"),
    )
)
REPLY = register_kind(
    Kind(
        "reply",
        _("Someone replies to my comment"),
        _grouped(
            _("%(actor)s replied to your comment on “%(target)s”"),
            _("%(actor)s and %(others)d other person replied to your comment on “%(target)s”"),
            _("%(actor)s and %(others)d other people replied to your comment on “%(target)s”"),
        ),
        counted=_counted("%(n)d reply", "%(n)d replies"),
    )
)
REACTION = register_kind(
    Kind(
        "reaction",
        _("Someone reacts to my post or comment"),
        _grouped(
            _("%(actor)s reacted to “%(target)s”"),
            _("%(actor)s and %(others)d other person reacted to “%(target)s”"),
            _("%(actor)s and %(others)d other people reacted to “%(target)s”"),
        ),
        counted=_counted("%(n)d reaction", "%(n)d reactions"),
    )
)
GROUP_INVITATION = register_kind(
    Kind(
        "group_invitation",
        _("I am invited to a group"),
        _grouped(
            _("%(actor)s invited you to join the group “%(target)s”"),
            _("%(actor)s and %(others)d other person invited you to join “%(target)s”"),
            _("%(actor)s and %(others)d other people invited you to join “%(target)s”"),
        ),
        counted=_counted("%(n)d group invitation", "%(n)d group invitations"),
    )
)
GROUP_REQUEST = register_kind(
    Kind(
        "group_request",
        _("Someone asks to join a group I moderate, or my request is answered"),
        _grouped(
            _("%(actor)s asked to join the group “%(target)s”"),
            _("%(actor)s and %(others)d other person asked to join “%(target)s”"),
            _("%(actor)s and %(others)d other people asked to join “%(target)s”"),
        ),
        counted=_counted("%(n)d request to join a group", "%(n)d requests to join a group"),
    )
)
GROUP_REQUEST_ANSWERED = register_kind(
    Kind(
        "group_request_answered",
        _("My request to join a group is answered"),
        _grouped(
            _("%(actor)s answered your request to join “%(target)s”"),
            _("%(actor)s and %(others)d other person answered your request to join “%(target)s”"),
            _("%(actor)s and %(others)d other people answered your request to join “%(target)s”"),
        ),
        counted=_counted("%(n)d answer to a request", "%(n)d answers to requests"),
    )
)
GROUP_POST = register_kind(
    Kind(
        "group_post",
        _("New posts in the groups I follow closely"),
        _grouped(
            _("%(actor)s posted in “%(target)s”"),
            _("%(actor)s and %(others)d other person posted in “%(target)s”"),
            _("%(actor)s and %(others)d other people posted in “%(target)s”"),
        ),
        counted=_counted("%(n)d post in your groups", "%(n)d posts in your groups"),
    )
)

#: What mode off held for someone, delivered as one line when their hours start again
#: ("While you were off: 3 mentions, 12 messages"); the summary writes the sentence.
MODE_OFF_SUMMARY = register_kind(
    Kind(
        "modeoff_summary",
        _("A summary of what arrived while I was off"),
        lambda actor, others, target: target,
    )
)


@dataclass
class Notice:
    """What :func:`notify` hands to the delivery receivers."""

    kind: str
    actor: object | None
    target: models.Model
    #: Notifications with the same key are grouped into one line while unread.
    group_key: str
    url: str = ""
    #: Extra data for the receivers (e.g. the reaction kind); JSON-serialisable.
    data: dict = field(default_factory=dict)
    #: What the message names, when not the target's title (a new post names its group).
    title: str = ""
    #: Delivered at once through mode off (an urgent override covers this recipient).
    urgent: bool = False

    @property
    def target_type(self) -> ContentType:
        return ContentType.objects.get_for_model(type(self.target))


def default_group_key(kind: str, target: models.Model) -> str:
    meta = target._meta
    return f"{kind}:{meta.app_label}.{meta.model_name}:{target.pk}"


def recipients_who_can_view(recipients: Iterable, target: models.Model, actor=None) -> list:
    """The active recipients, other than ``actor``, who may see ``target``, each once."""
    seen: set[int] = set()
    allowed = []
    actor_id = getattr(actor, "pk", None)
    for user in recipients:
        if user is None or user.pk in seen or user.pk == actor_id:
            continue
        seen.add(user.pk)
        if visibility.is_active_user(user) and visibility.can_view(user, target):
            allowed.append(user)
    return allowed


def urgent_recipients(override, actor, recipients: Iterable) -> set[int]:
    """The ids among ``recipients`` that ``override`` (an ``UrgentOverride``) lets through
    mode off: it must have been logged by ``actor``, and name them. One query."""
    from portal.core.models import UrgentOverride

    if override is None or not isinstance(override, UrgentOverride) or override.pk is None:
        return set()
    if override.actor_id is None or override.actor_id != getattr(actor, "pk", None):
        return set()
    wanted = {user.pk for user in recipients}
    return set(override.recipients.filter(pk__in=wanted).values_list("pk", flat=True))


def notify(
    kind: str,
    recipients: Iterable,
    *,
    actor,
    target: models.Model,
    url: str = "",
    group_key: str = "",
    data: dict | None = None,
    title: str = "",
    urgent=None,
) -> list:
    """Notify ``recipients`` that ``actor`` did ``kind`` about ``target`` (the object the
    notification links to, whose visibility decides who receives it); ``title`` is what
    the message names when not the target's title.

    Runs after the current transaction commits, so a rolled-back post notifies nobody, and
    asks the policy again then (a post hidden before the commit notifies nobody). Returns
    the recipients kept (those allowed to see the target now).

    ``urgent``: the :class:`portal.core.models.UrgentOverride` returned by
    :func:`portal.modeoff.record_override` (which refuses the roles the company does not
    allow). It lets the notification through mode off only for the recipients it names
    and only when ``actor`` logged it; anything else (``True``, someone else's override)
    is ignored, so a plugin cannot skip the hold without leaving a record.
    """
    from portal import modeoff

    if kind not in _kinds:
        raise ValueError(f"Unknown notification kind {kind!r}")
    kept = recipients_who_can_view(recipients, target, actor)
    if not kept:
        return []
    notice = Notice(
        kind=kind,
        actor=actor,
        target=target,
        group_key=group_key or default_group_key(kind, target),
        url=url,
        data=data or {},
        title=title,
    )

    def deliver():
        current = type(target)._default_manager.filter(pk=target.pk).first()
        if current is None:
            return
        notice.target = current
        by_hold: dict = {}
        allowed = recipients_who_can_view(kept, current, actor)
        covered = urgent_recipients(urgent, actor, allowed)
        with modeoff.prefetch(allowed):
            for user in allowed:
                hold_until = None
                if user.pk not in covered:
                    for receiver, answer in signals.notification_hold.send_robust(
                        sender=None, notice=notice, recipient=user
                    ):
                        if isinstance(answer, Exception):
                            logger.error("Hold receiver %r failed", receiver, exc_info=answer)
                        elif answer is not None and (hold_until is None or answer > hold_until):
                            hold_until = answer
                by_hold.setdefault((hold_until, user.pk in covered), []).append(user)
        for (hold_until, is_urgent), users in by_hold.items():
            notice.urgent = is_urgent
            for receiver, error in signals.notification_delivery.send_robust(
                sender=None, notice=notice, recipients=users, hold_until=hold_until
            ):
                if isinstance(error, Exception):
                    logger.error("Delivery receiver %r failed", receiver, exc_info=error)
        notice.urgent = False

    transaction.on_commit(deliver, robust=True)
    return kept
