"""The one notification service: every plugin notifies people through :func:`notify`.

A notification says that ``actor`` did something (``kind``) about ``target`` (a post, a
comment, a group) that concerns ``recipients``. The target is the object the notification
is *about* and links to (a new post in a group is about the post, not the group): its
visibility decides who may receive and read the notification. The service

1. drops recipients who may not see the target (the one visibility policy), inactive
   accounts and the actor themself, so a mention in a secret group notifies nobody
   outside it; it asks again when the transaction commits, with the target as it is
   then, so a post hidden in the meantime notifies nobody;
2. asks :data:`portal.signals.notification_hold` whether to hold it back (the off mode
   answers with the end of the recipient's quiet hours);
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
from django.utils.translation import ngettext

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
    """

    key: str
    label: str
    message: Callable[[str, int, str], str]
    default_channel: str = IN_APP


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


MENTION = register_kind(
    Kind(
        "mention",
        _("Someone mentions me or one of my groups"),
        _grouped(
            _("%(actor)s mentioned you in “%(target)s”"),
            _("%(actor)s and %(others)d other person mentioned you in “%(target)s”"),
            _("%(actor)s and %(others)d other people mentioned you in “%(target)s”"),
        ),
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
) -> list:
    """Notify ``recipients`` that ``actor`` did ``kind`` about ``target`` (the object the
    notification links to, whose visibility decides who receives it); ``title`` is what
    the message names when not the target's title.

    Runs after the current transaction commits, so a rolled-back post notifies nobody, and
    asks the policy again then (a post hidden before the commit notifies nobody). Returns
    the recipients kept (those allowed to see the target now).
    """
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
        for user in recipients_who_can_view(kept, current, actor):
            hold_until = None
            for receiver, answer in signals.notification_hold.send_robust(
                sender=None, notice=notice, recipient=user
            ):
                if isinstance(answer, Exception):
                    logger.error("Hold receiver %r failed", receiver, exc_info=answer)
                elif answer is not None and (hold_until is None or answer > hold_until):
                    hold_until = answer
            by_hold.setdefault(hold_until, []).append(user)
        for hold_until, users in by_hold.items():
            for receiver, error in signals.notification_delivery.send_robust(
                sender=None, notice=notice, recipients=users, hold_until=hold_until
            ):
                if isinstance(error, Exception):
                    logger.error("Delivery receiver %r failed", receiver, exc_info=error)

    transaction.on_commit(deliver, robust=True)
    return kept
