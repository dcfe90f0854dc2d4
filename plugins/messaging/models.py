"""Conversations, their participants and their messages.

A conversation is one-to-one (``direct``: one per pair of people, found again rather than
duplicated), an ad hoc group (``group``: a title, people added and removed), or a group's
own conversation (``space``: its participants follow the group's members). Only current
participants see a conversation and its messages (the visibility rule in
``visibility_rules.py``); someone who leaves, or leaves the group of a space, loses it.

Message ids only grow: a client that reconnects asks for what came after the last id it
holds (``services.messages_after``), and the client's own ``client_id`` makes a re-sent
message land once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal import links
from portal.files import private_storage


class Conversation(models.Model):
    DIRECT = "direct"
    GROUP = "group"
    SPACE = "space"
    KIND_CHOICES = [
        (DIRECT, _("One-to-one")),
        (GROUP, _("Group conversation")),
        (SPACE, _("A group's conversation")),
    ]

    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES, default=GROUP)
    title = models.CharField(_("title"), max_length=120, blank=True)
    #: ``"<smaller user id>:<larger user id>"`` for a one-to-one conversation, so that the
    #: same two people always find the same conversation.
    direct_key = models.CharField(max_length=40, null=True, blank=True, unique=True)
    #: The group whose conversation this is (``space``).
    group = models.OneToOneField(
        "groups.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conversation",
        verbose_name=_("group"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    #: The latest message's time and id: the list's order and the unread counts.
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_message_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.pk}"

    def get_absolute_url(self) -> str:
        return links.reverse("messaging:conversation", args=[self.pk])


class Participant(models.Model):
    """One person in one conversation, with what they read and how they follow it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    #: The id of the latest message this person has read (0: none).
    last_read_id = models.PositiveBigIntegerField(default=0)
    muted = models.BooleanField(_("muted"), default=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    archived = models.BooleanField(_("archived"), default=False)
    #: May add and remove people and rename the conversation (its starter at first).
    is_admin = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"], name="messaging_one_seat_per_person"
            )
        ]
        indexes = [models.Index(fields=["user", "conversation"], name="messaging_seat_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    #: What the author typed (mentions as tokens), and its sanitised HTML rendering.
    source = models.TextField(_("message"), blank=True)
    body = models.TextField(blank=True)
    #: A reply in the thread of this message (threads are one level deep).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    reply_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    #: The id the sending client gave it: a message sent twice (a retry after a lost
    #: connection) is stored once.
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    #: Sent through the urgent override of mode off (logged in the core).
    urgent = models.BooleanField(default=False)
    #: The link preview, as the feed makes them (``plugins.feed.previews``), or empty.
    preview = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "author", "client_id"],
                condition=~Q(client_id=""),
                name="messaging_client_id_once",
            )
        ]
        indexes = [models.Index(fields=["conversation", "id"], name="messaging_history")]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.conversation_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ScheduledMessage(models.Model):
    """A message its author scheduled (for a recipient's next working hour). Only its
    author sees it; when its time comes it is sent as a new :class:`Message`, so it takes
    an id after everything already sent and reconnecting clients never miss it."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="scheduled_messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.TextField(_("message"))
    parent = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    client_id = models.CharField(max_length=64, blank=True)
    send_at = models.DateTimeField(_("scheduled for"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: The message it became, once sent.
    sent = models.OneToOneField(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["send_at", "pk"]
        verbose_name = _("scheduled message")
        verbose_name_plural = _("scheduled messages")

    def __str__(self) -> str:
        return f"Scheduled message {self.pk} for {self.send_at}"


class MessageAttachment(models.Model):
    """A file attached to a message, judged and stored as post attachments are."""

    visibility_through = "message"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="messaging/%Y/%m/", storage=private_storage, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=120)
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["message", "position", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
