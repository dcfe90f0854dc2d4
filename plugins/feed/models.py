"""Posts (status, event, poll), their attachments and link previews, follows and reports.

A post is :class:`portal.visibility.Restricted`: its ``audience`` is ``all`` (the whole
company), ``dept:<id>`` or ``group:<id>``; everything hanging off a post (attachments, the
event and its answers, the poll, its options and votes) is visible exactly when the post
is (``visibility_through``).

A *share* (kind ``share``) links an object someone shared (a news article, a course...)
through ``shared_type`` and ``shared_id``; its text is the sharer's comment. Its card shows
the object's preview only to people the visibility policy lets see the object (see
:func:`plugins.feed.sharing.attach`). The link is two columns of the post itself, not a
row of its own: a feed page reads them with the post, so a page without shares asks
nothing more, and one with shares asks one query per kind of object shared.

``activity_at`` orders the feed: the creation time, or the time a post was relaunched.
``comment_count`` and ``reaction_count`` are kept by the comments and reactions plugins
(which declare ``feed`` as a dependency) so a feed page costs no query per post for them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from portal import links
from portal.files import private_storage
from portal.visibility import Restricted


class Hashtag(TaggedItemBase):
    content_object = models.ForeignKey("feed.Post", on_delete=models.CASCADE, related_name="+")


class Post(Restricted):
    visibility_owner_field = "author"
    # Posts go to the company, a department or a group, never to named people.
    visibility_named_people = False

    STATUS = "status"
    EVENT = "event"
    POLL = "poll"
    SHARE = "share"
    KIND_CHOICES = [
        (STATUS, _("Status")),
        (EVENT, _("Event")),
        (POLL, _("Poll")),
        (SHARE, pgettext_lazy("kind of post", "Share")),
    ]
    #: The kinds the composer and ``POST /api/posts/`` make (a share comes from a share).
    COMPOSED_KINDS = [STATUS, EVENT, POLL]

    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES, default=STATUS)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="posts",
        verbose_name=_("author"),
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="posts",
        verbose_name=_("group"),
    )
    #: What the author typed (plain text or the composer's HTML, with mention markup).
    text = models.TextField(_("text"), blank=True, max_length=20_000)
    #: ``text`` rendered and sanitised by :func:`portal.text.render`.
    html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    #: The feed's order: ``created_at``, or when the post was relaunched.
    activity_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    pinned = models.BooleanField(_("pinned"), default=False, db_index=True)
    pinned_at = models.DateTimeField(null=True, blank=True, editable=False)
    relaunched_at = models.DateTimeField(_("relaunched at"), null=True, blank=True)
    relaunched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    reaction_count = models.PositiveIntegerField(default=0, editable=False)
    #: Kept by the feed's signals: a card asks for no attachment when it is 0.
    attachment_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # The preview of the first link, read from the linked page's own metadata.
    link_url = models.URLField(_("link"), max_length=1000, blank=True)
    link_title = models.CharField(max_length=300, blank=True)
    link_description = models.CharField(max_length=1000, blank=True)
    link_image = models.URLField(max_length=1000, blank=True)
    link_site = models.CharField(max_length=200, blank=True)
    hashtags = TaggableManager(through=Hashtag, blank=True, verbose_name=_("hashtags"))
    #: What a share links (any model declared shareable in :mod:`portal.interactions`).
    shared_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kind of shared object"),
    )
    shared_id = models.PositiveBigIntegerField(_("shared object"), null=True, blank=True)

    class Meta:
        ordering = ["-activity_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            # Only a share links an object (its kind may outlive the object's model).
            models.CheckConstraint(
                condition=Q(kind="share", shared_id__isnull=False)
                | (~Q(kind="share") & Q(shared_type__isnull=True, shared_id__isnull=True)),
                name="feed_post_share_links_an_object",
            )
        ]
        indexes = [
            models.Index(fields=["-activity_at", "-id"], name="feed_post_activity"),
            # With the id, so a group's or a person's newest posts are one ordered range.
            models.Index(fields=["group", "-activity_at", "-id"], name="feed_post_group_recent"),
            models.Index(fields=["author", "-activity_at", "-id"], name="feed_post_author_recent"),
            models.Index(
                fields=["-pinned_at", "-id"], condition=Q(pinned=True), name="feed_post_pinned"
            ),
        ]
        permissions = [
            ("relaunch_post", _("Can relaunch a post that everyone missed")),
            ("pin_post", _("Can pin posts on the home feed")),
            ("moderate_post", _("Can remove any post and handle reports")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """A short title for notifications, search and the admin."""
        from portal.text import plain_text

        if self.kind == self.EVENT and hasattr(self, "event"):
            return self.event.title
        if self.kind == self.POLL and hasattr(self, "poll"):
            return self.poll.question
        text = plain_text(self.html) or self.link_title
        if not text and self.kind == self.SHARE:
            # Never the shared object's title: not everyone who sees the post may see it.
            return str(_("A share"))
        return (text[:77] + "…") if len(text) > 80 else text

    def get_absolute_url(self) -> str:
        return links.reverse("feed:post", args=[self.pk])


class Attachment(models.Model):
    """An image or a file attached to a post; served only through the policy."""

    visibility_through = "post"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="feed/%Y/%m/", storage=private_storage, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=120)
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["post", "position", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return links.reverse("feed:attachment", args=[self.pk])


class Event(models.Model):
    """The event of an event post; people answer going, maybe or not going."""

    visibility_through = "post"

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="event")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=1000, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="feed_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class EventResponse(models.Model):
    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"
    ANSWER_CHOICES = [(GOING, _("Going")), (MAYBE, _("Maybe")), (NOT_GOING, _("Not going"))]

    visibility_through = "event"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_responses"
    )
    answer = models.CharField(_("answer"), max_length=10, choices=ANSWER_CHOICES)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "answered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="feed_one_answer_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.answer}"


class Poll(models.Model):
    """The poll of a poll post: 2 to 10 options, single or multiple choice."""

    MIN_OPTIONS = 2
    MAX_OPTIONS = 10

    visibility_through = "post"

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    question = models.CharField(_("question"), max_length=300)
    multiple = models.BooleanField(_("several answers allowed"), default=False)
    anonymous = models.BooleanField(_("anonymous votes"), default=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.question

    @property
    def is_closed(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()


class PollOption(models.Model):
    visibility_through = "poll"

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["poll", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    visibility_through = "poll"

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_votes"
    )
    voted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["poll", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="feed_one_vote_per_option")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.option}"


class Follow(models.Model):
    """Someone follows a person or a group: their posts come into the home feed."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(group__isnull=True))
                | (Q(user__isnull=True) & Q(group__isnull=False)),
                name="feed_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["follower", "user"],
                condition=Q(user__isnull=False),
                name="feed_follow_user_once",
            ),
            models.UniqueConstraint(
                fields=["follower", "group"],
                condition=Q(group__isnull=False),
                name="feed_follow_group_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower} → {self.user or self.group}"


class Report(models.Model):
    """Someone reports a post to the moderators (of its group, or of the network)."""

    visibility_through = "post"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="feed_one_open_report",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporter} reported {self.post_id}"
