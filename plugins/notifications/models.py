"""Stored in-app notifications and each person's preference per kind.

Notifications about the same thing are grouped while unread ("Anna and 4 others reacted
to your post"): one row per recipient and ``group_key``, with the people who acted.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.notifications import CHANNELS, IN_APP


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    group_key = models.CharField(max_length=200)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    #: The target's title when the latest actor acted: lists and emails show it without
    #: loading every target (a post's title may cost a query of its own).
    target_title = models.CharField(max_length=300, blank=True)
    #: The latest person who acted, and everyone who did (for "Anna and 4 others").
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    actor_count = models.PositiveIntegerField(default=1)
    url = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When the latest actor acted; the list's order.
    updated_at = models.DateTimeField(db_index=True)
    #: Held back (off mode) until then: not counted, not shown, not pushed before.
    visible_from = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-updated_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True),
                name="notif_unread_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient}"


class Preference(models.Model):
    """How someone wants one kind of notification: in the portal, also by email, or off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNELS, default=IN_APP)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.channel}"
