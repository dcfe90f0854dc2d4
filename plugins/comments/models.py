"""Comments on any declared object (a post, a page, an initiative), with one level of
replies; visible exactly when their object is (see :mod:`portal.interactions`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Comment(models.Model):
    #: What the comment is on: an object of a model declared commentable (the declared
    #: model's content type, even for a subclass, as reactions do).
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
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
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="comments_target_created"
            )
        ]

    def __str__(self) -> str:
        from portal.text import plain_text

        text = plain_text(self.html)
        return (text[:57] + "…") if len(text) > 60 else text

    def get_absolute_url(self) -> str:
        from portal import interactions

        return f"{interactions.url_of(self.target)}#comment-{self.pk}"

    @property
    def post_id(self) -> int | None:
        """The post's id when the comment is on a feed post (what the API's ``post`` says)."""
        kind = ContentType.objects.get_for_id(self.content_type_id)  # cached
        return self.object_id if (kind.app_label, kind.model) == ("feed", "post") else None

    @property
    def title(self) -> str:
        return str(self)


class CommentReport(models.Model):
    """Someone tells the moderators of a comment's object that the comment breaks the rules."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    #: Whether the moderator deleted the comment when closing the report.
    removed = models.BooleanField(default=False)

    visibility_through = "comment"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="comments_one_open_report_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporter} → {self.comment_id}"
