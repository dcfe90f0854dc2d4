"""Comments on posts, with one level of replies; visible exactly when their post is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Comment(models.Model):
    visibility_through = "post"

    post = models.ForeignKey("feed.Post", on_delete=models.CASCADE, related_name="comments")
    #: The comment this one replies to (always a top-level comment: one level of replies).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    #: What the author typed; ``html`` is it rendered and sanitised.
    text = models.TextField(_("comment"), max_length=10_000)
    html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    reaction_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "created_at"], name="comments_post_created")]

    def __str__(self) -> str:
        from portal.text import plain_text

        text = plain_text(self.html)
        return (text[:57] + "…") if len(text) > 60 else text

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def title(self) -> str:
        return str(self)
