"""Reactions (like, celebrate, love, insightful, funny) on posts and comments.

One reaction per person and object, which they may change or take back. The target is
generic (any model registered with :func:`plugins.reactions.registry.register`) and a
reaction is visible exactly when its target is.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Reaction(models.Model):
    LIKE = "like"
    CELEBRATE = "celebrate"
    LOVE = "love"
    INSIGHTFUL = "insightful"
    FUNNY = "funny"
    KIND_CHOICES = [
        (LIKE, _("Like")),
        (CELEBRATE, _("Celebrate")),
        (LOVE, _("Love")),
        (INSIGHTFUL, _("Insightful")),
        (FUNNY, _("Funny")),
    ]
    EMOJI = {LIKE: "👍", CELEBRATE: "🎉", LOVE: "❤️", INSIGHTFUL: "💡", FUNNY: "😄"}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(_("reaction"), max_length=12, choices=KIND_CHOICES, default=LIKE)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"], name="reactions_one_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "kind"], name="reactions_target")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.content_type_id}:{self.object_id}"
