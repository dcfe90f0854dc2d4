"""Groups: who is in them, who runs them, and who asked or was invited to join.

A group is *public* (anyone sees its content and joins), *private* (anyone sees that it
exists; its content is for members; joining takes a moderator's approval) or *secret*
(only members and invited people know it exists). Members hold the ``group:<id>`` audience
token of the visibility policy; everyone holds the token of every public group.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from portal import links
from portal.files import PrivateImageField


class GroupTag(TaggedItemBase):
    content_object = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Group(models.Model):
    PUBLIC = "public"
    PRIVATE = "private"
    SECRET = "secret"  # noqa: S105  (a privacy level, not a password)
    PRIVACY_CHOICES = [
        (PUBLIC, _("Public: anyone sees its posts and can join")),
        (PRIVATE, _("Private: anyone can find it, members see its posts, joining is approved")),
        (SECRET, _("Secret: only members know it exists, joining is by invitation")),
    ]

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=140, unique=True, allow_unicode=False)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    #: On the private storage, served to those who may see the group (portal.files).
    cover = PrivateImageField(_("cover image"), upload_to="groups/covers/%Y/", blank=True)
    privacy = models.CharField(
        _("privacy"), max_length=10, choices=PRIVACY_CHOICES, default=PUBLIC, db_index=True
    )
    #: Set on department groups, which the org chart keeps in sync (members = the people
    #: of the department and its sub-departments).
    department = models.OneToOneField(
        "accounts.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portal_group",
        verbose_name=_("department"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    tags = TaggableManager(through=GroupTag, blank=True, verbose_name=_("tags"))

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return links.reverse("groups:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.privacy == self.PUBLIC

    @property
    def is_secret(self) -> bool:
        return self.privacy == self.SECRET

    @property
    def is_department_group(self) -> bool:
        return self.department_id is not None


class Membership(models.Model):
    OWNER = "owner"
    MODERATOR = "moderator"
    MEMBER = "member"
    ROLE_CHOICES = [(OWNER, _("Owner")), (MODERATOR, _("Moderator")), (MEMBER, _("Member"))]
    MANAGING_ROLES = (OWNER, MODERATOR)

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=ROLE_CHOICES, default=MEMBER)
    #: "Follow closely": be notified of every new post in the group.
    follow_closely = models.BooleanField(_("notify me of every new post"), default=False)
    #: Set for memberships the org chart manages (department groups).
    synced = models.BooleanField(default=False, editable=False)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        ordering = ["group", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.role in self.MANAGING_ROLES


class JoinRequest(models.Model):
    """Someone asks to join a private group; a moderator approves or declines."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    STATUS_CHOICES = [
        (PENDING, _("Pending")),
        (APPROVED, _("Approved")),
        (DECLINED, _("Declined")),
    ]

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_join_requests"
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="pending"),
                name="groups_one_pending_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.group} ({self.status})"


class Invitation(models.Model):
    """A member invites someone (the only way into a secret group)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    STATUS_CHOICES = [
        (PENDING, _("Pending")),
        (ACCEPTED, _("Accepted")),
        (DECLINED, _("Declined")),
    ]

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="pending"),
                name="groups_one_pending_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.group} ({self.status})"
