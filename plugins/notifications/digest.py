"""The daily email digest: unread notifications of the kinds people chose to receive by
email, once each, in each person's language, with links back to the portal. Nobody who
is off (:mod:`portal.modeoff`) gets one: it waits for their hours, and what was held is
never in it before its time (it reads :func:`services.visible`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plugins.notifications import services
from plugins.notifications.models import Notification, Preference
from portal import links, modeoff, visibility
from portal.notifications import DIGEST, kinds


@dataclass
class Digest:
    user: object
    notifications: list
    #: Mode off's summary: what was held while the person was off, mailed when they are
    #: back (its own subject; the same body as the daily digest).
    while_off: bool = False


def digest_kinds(user_ids) -> dict[int, set[str]]:
    """The kinds each of these people wants by email (their choice, else the default)."""
    known = kinds()
    chosen: dict[int, dict[str, str]] = {}
    for user_id, kind, channel in Preference.objects.filter(user__in=user_ids).values_list(
        "user_id", "kind", "channel"
    ):
        chosen.setdefault(user_id, {})[kind] = channel
    result = {}
    for user_id in user_ids:
        mine = chosen.get(user_id, {})
        result[user_id] = {
            key for key, kind in known.items() if mine.get(key, kind.default_channel) == DIGEST
        }
    return result


def pending() -> list[Digest]:
    """Who gets a digest now, and with what: unread, not yet emailed, visible now."""
    candidates = Notification.objects.filter(
        read_at__isnull=True, emailed_at__isnull=True, visible_from__lte=timezone.now()
    )
    user_ids = set(candidates.order_by().values_list("recipient", flat=True).distinct())
    wanted = digest_kinds(user_ids)
    users = list(
        get_user_model()
        .objects.filter(pk__in=[pk for pk, k in wanted.items() if k])
        .select_related("department")
        .order_by("pk")
    )
    # Mode off: no email reaches someone outside their hours; their digest waits.
    off = {pk for pk, state in modeoff.states(users).items() if state.off}
    digests = []
    for user in users:
        if not visibility.is_active_user(user) or not user.email or user.pk in off:
            continue
        notifications = list(
            services.with_people(
                services.visible(user).filter(
                    read_at__isnull=True, emailed_at__isnull=True, kind__in=wanted[user.pk]
                )
            )
        )
        if notifications:
            digests.append(Digest(user, notifications))
    return digests


def send(digest: Digest) -> None:
    """Mail one digest and mark its notifications emailed, together: a failed send leaves
    them to the next run."""
    user = digest.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        items = [
            {
                "message": services.message(n),
                "url": links.absolute_url(reverse("notifications:open", args=[n.pk])),
                "when": n.updated_at,
            }
            for n in digest.notifications
        ]
        context = {
            "user": user,
            "items": items,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "list_url": links.absolute_url(reverse("notifications:list")),
            "preferences_url": links.absolute_url(reverse("notifications:preferences")),
        }
        if digest.while_off:
            subject = ngettext(
                "While you were off: %(count)d notification on %(site)s",
                "While you were off: %(count)d notifications on %(site)s",
                len(items),
            ) % {
                "count": len(items),
                "site": settings.WAGTAIL_SITE_NAME,
            }
        else:
            subject = _("Your notifications on %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    with transaction.atomic():
        Notification.objects.filter(
            pk__in=[n.pk for n in digest.notifications], emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        message.send()
