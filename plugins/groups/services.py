"""What other code asks of groups (membership and roles) and every change to groups,
memberships, join requests and invitations. Every write to memberships goes through here
so that the visibility policy's cached tokens, notifications and activity stay right.

Rules, as people know them from HumHub and Workplace:

* anyone may create a group and becomes its owner;
* a public group is joined in one click, a private one on a moderator's approval, a secret
  one only by invitation (any member invites to a public or private group, moderators to
  a secret one);
* owners and moderators manage members and answer requests; only owners change roles and
  the privacy, and the last owner cannot leave without naming another;
* department groups belong to the org chart: their members are the active people of the
  department and its sub-departments, and nobody joins, leaves or deletes them by hand
  (moderators may still be added).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from plugins.groups.models import Group, Invitation, JoinRequest, Membership
from portal import files, notifications, signals, visibility

#: Sent with ``group_ids`` after memberships were added in bulk (``bulk_create`` sends no
#: ``post_save``): what follows a group's members (its conversation, say) catches up.
#: Removals need no such signal: a queryset's ``delete()`` sends ``post_delete`` for each.
memberships_synced = Signal()

MAX_COVER_BYTES = 5 * 1024 * 1024
COVER_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_TAGS = 20
MAX_TAG_LENGTH = 50
MAX_INVITATIONS = 100

#: Short names of the privacy levels, for badges and suggestions.
PRIVACY_BADGES = {
    Group.PUBLIC: _("Public group"),
    Group.PRIVATE: _("Private group"),
    Group.SECRET: _("Secret group"),
}


# --- Questions ----------------------------------------------------------------------------


def membership(user, group) -> Membership | None:
    if not visibility.is_active_user(user):
        return None
    return Membership.objects.filter(group=group, user=user).first()


def is_member(user, group) -> bool:
    if not visibility.is_active_user(user):
        return False
    return Membership.objects.filter(group=group, user=user).exists()


def can_moderate(user, group) -> bool:
    """Owners and moderators of the group, and people who may moderate every group."""
    if not visibility.is_active_user(user):
        return False
    if user.has_perm("groups.change_group"):
        return True
    return Membership.objects.filter(
        group=group, user=user, role__in=Membership.MANAGING_ROLES
    ).exists()


def is_owner(user, group) -> bool:
    if not visibility.is_active_user(user):
        return False
    return Membership.objects.filter(group=group, user=user, role=Membership.OWNER).exists()


def member_group_ids(user) -> list[int]:
    """The ids of the groups ``user`` belongs to."""
    if not visibility.is_active_user(user):
        return []
    return visibility.remembered(user, "groups:member_group_ids", _member_group_ids)


def _member_group_ids(user) -> list[int]:
    return list(Membership.objects.filter(user=user).values_list("group_id", flat=True))


def managed_group_ids(user) -> frozenset[int]:
    """The ids of the groups ``user`` owns or moderates (remembered with their access)."""
    if not visibility.is_active_user(user):
        return frozenset()
    return visibility.remembered(user, "groups:managed_group_ids", _managed_group_ids)


def _managed_group_ids(user) -> frozenset[int]:
    return frozenset(
        Membership.objects.filter(user=user, role__in=Membership.MANAGING_ROLES).values_list(
            "group_id", flat=True
        )
    )


def token_group_ids(user) -> list[int]:
    """The groups whose ``group:<id>`` token ``user`` holds: theirs and every public one."""
    return list(
        Group.objects.filter(Q(privacy=Group.PUBLIC) | Q(memberships__user=user))
        .values_list("pk", flat=True)
        .distinct()
    )


def visible_groups(user):
    """Groups ``user`` may know of: public and private ones, and secret ones they belong to
    or are invited to."""
    return visibility.filter_visible(user, Group.objects.all())


def can_see_content(user, group) -> bool:
    """Whether ``user`` sees what is inside the group (posts, members): everyone for a
    public group, members otherwise. The same answer as the policy's ``group:<id>`` token."""
    return visibility.group_token(group.pk) in visibility.tokens_for(user)


def get_visible_group(user, **lookup) -> Group:
    """The group matching ``lookup`` if ``user`` may know of it, else ``Group.DoesNotExist``
    (a secret group does not exist for outsiders)."""
    return visible_groups(user).get(**lookup)


def pending_invitation(user, group) -> Invitation | None:
    if not visibility.is_active_user(user):
        return None
    return (
        Invitation.objects.filter(group=group, user=user, status=Invitation.PENDING)
        .select_related("invited_by")
        .first()
    )


def pending_request(user, group) -> JoinRequest | None:
    if not visibility.is_active_user(user):
        return None
    return JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.PENDING).first()


def can_invite(user, group) -> bool:
    """Any member invites to a public or private group; moderators to a secret one.
    Department groups follow the org chart: nobody invites to them."""
    if group.is_department_group or not visibility.is_active_user(user):
        return False
    if group.is_secret:
        return can_moderate(user, group) and (
            is_member(user, group) or user.has_perm("groups.change_group")
        )
    return is_member(user, group) or can_moderate(user, group)


def annotate_for(user, queryset):
    """Add ``member_count``, ``my_role``, ``my_follow_closely``, ``my_request_pending`` and
    ``my_invitation_id`` to a queryset of groups, in the same query."""
    counts = (
        Membership.objects.filter(group=OuterRef("pk"), user__is_active=True)
        .order_by()
        .values("group")
        .annotate(total=Count("pk"))
        .values("total")
    )
    user_id = user.pk if visibility.is_active_user(user) else None
    mine = Membership.objects.filter(group=OuterRef("pk"), user_id=user_id)
    return queryset.annotate(
        member_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)),
        my_role=Subquery(mine.values("role")[:1]),
        my_follow_closely=Subquery(mine.values("follow_closely")[:1]),
        my_request_pending=Exists(
            JoinRequest.objects.filter(
                group=OuterRef("pk"), user_id=user_id, status=JoinRequest.PENDING
            )
        ),
        my_invitation_id=Subquery(
            Invitation.objects.filter(
                group=OuterRef("pk"), user_id=user_id, status=Invitation.PENDING
            ).values("pk")[:1]
        ),
    )


def search(queryset, q: str = "", tag: str = ""):
    """Groups whose name, description or tags hold every word of ``q``, with tag ``tag``."""
    tag = (tag or "").strip().lstrip("#")
    if tag:
        queryset = queryset.filter(tags__name__iexact=tag)
    for word in (q or "").split()[:5]:
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(pk__in=Group.objects.filter(tags__name__icontains=word).values("pk"))
        )
    return queryset


def members_of(group):
    """The group's active members, owners first, then moderators, then by name."""
    return (
        Membership.objects.filter(group=group, user__is_active=True)
        .select_related("user", "user__department")
        .order_by(_role_order(), "user__last_name", "user__first_name", "pk")
    )


def _role_order():
    return Case(
        When(role=Membership.OWNER, then=Value(0)),
        When(role=Membership.MODERATOR, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


# --- Validation -------------------------------------------------------------------------


def validate_cover(cover, field: str | None = "cover") -> files.CleanImage | None:
    """A cover is a JPEG, PNG, WebP or GIF image of at most 5 MB, judged by its content;
    returns it re-encoded under a safe name (see :func:`portal.files.clean_image`), or
    raises ``ValidationError`` on ``field``."""
    if not cover:
        return None
    return files.clean_image(
        cover,
        formats=COVER_FORMATS,
        max_bytes=MAX_COVER_BYTES,
        invalid_message=_("The cover must be a JPEG, PNG, WebP or GIF image."),
        too_large_message=_("The cover image is too large: at most 5 MB."),
        field=field,
    )


def clean_tags(tags) -> list[str]:
    """Tags as a list of distinct, trimmed strings; a comma-separated string is accepted."""
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned: list[str] = []
    for tag in tags:
        tag = str(tag).strip().lstrip("#").strip()
        if not tag or tag.lower() in {t.lower() for t in cleaned}:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(
                {"tags": _("A tag has at most %(max)d characters.") % {"max": MAX_TAG_LENGTH}}
            )
        cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(max)d tags.") % {"max": MAX_TAGS}})
    return cleaned


def _clean_name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the group a name.")}, code="required")
    max_length = Group._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationError(
            {"name": _("The name has at most %(max)d characters.") % {"max": max_length}}
        )
    return name


def _clean_description(description) -> str:
    description = (description or "").strip()
    max_length = Group._meta.get_field("description").max_length
    if len(description) > max_length:
        raise ValidationError(
            {
                "description": _("The description has at most %(max)d characters.")
                % {"max": max_length}
            }
        )
    return description


def _clean_privacy(privacy) -> str:
    if privacy not in dict(Group.PRIVACY_CHOICES):
        raise ValidationError(
            {"privacy": _("Choose public, private or secret.")}, code="invalid_choice"
        )
    return privacy


# Addresses reveal nothing about secret groups. A public or private group's address is
# ``slugify(name)``, with -2, -3... when another public or private group holds it: those
# exist for everyone, so the suffix tells nobody anything. A secret group's address always
# ends with a random word of letters (never a number), so it never takes an address a
# visible group would want, and it cannot be guessed from the name. A secret group that
# still holds a plain address (made before this rule, or by a privacy change) gives it up
# when a visible group needs it: its members follow its links, which carry the new one.

RANDOM_WORD_LETTERS = "abcdefghijkmnpqrstuvwxyz"
RANDOM_WORD_LENGTH = 10


def _slug_base(name: str) -> str:
    max_length = Group._meta.get_field("slug").max_length - RANDOM_WORD_LENGTH - 1
    return slugify(name)[:max_length].strip("-") or "group"


def _secret_slug(base: str) -> str:
    while True:
        slug = f"{base}-{get_random_string(RANDOM_WORD_LENGTH, RANDOM_WORD_LETTERS)}"
        if not Group.objects.filter(slug=slug).exists():
            return slug


def _release_from_secret_groups(slugs) -> None:
    """Give secret groups holding any of ``slugs`` a secret address of their own."""
    for group in Group.objects.filter(slug__in=list(slugs), privacy=Group.SECRET):
        group.slug = _secret_slug(_slug_base(group.name))
        group.save(update_fields=["slug"])


def unique_slug(name: str, exclude_pk: int | None = None, *, secret: bool = False) -> str:
    """The address of a group named ``name``: for a secret group, the name with a random
    word; otherwise the name, with -2, -3... when a public or private group holds it.
    Secret groups never change the answer for a visible one (see above)."""
    base = _slug_base(name)
    if secret:
        return _secret_slug(base)
    taken = set(
        Group.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .exclude(privacy=Group.SECRET)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        slug = f"{base}-{number}"
        number += 1
    _release_from_secret_groups([slug])
    return slug


#: Addresses of the plugin's own pages, which a group's slug must not shadow.
RESERVED_SLUGS = {"new", "invitations"}


# --- Groups -----------------------------------------------------------------------------


def _require_active(user) -> None:
    if not visibility.is_active_user(user):
        raise PermissionDenied(_("Log in first."))


def _activity(user, verb: str, group: Group) -> None:
    signals.activity.send(sender=Membership, actor=user, verb=verb, obj=group)


@transaction.atomic
def create_group(user, *, name, description="", privacy=Group.PUBLIC, tags=(), cover=None) -> Group:
    """Create a group; its creator is its owner."""
    _require_active(user)
    if not user.has_perm("groups.add_group"):
        raise PermissionDenied(_("You may not create groups."))
    errors = {}
    values = {}
    for field, clean, raw in (
        ("name", _clean_name, name),
        ("description", _clean_description, description),
        ("privacy", _clean_privacy, privacy),
        ("tags", clean_tags, tags),
        ("cover", validate_cover, cover),
    ):
        try:
            values[field] = clean(raw)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    group = Group(
        name=values["name"],
        slug=unique_slug(values["name"], secret=values["privacy"] == Group.SECRET),
        description=values["description"],
        privacy=values["privacy"],
        created_by=user,
    )
    if values["cover"]:
        group.cover = values["cover"]
    group.save()
    if values["tags"]:
        group.tags.set(values["tags"])
    Membership.objects.create(group=group, user=user, role=Membership.OWNER)
    visibility.forget_tokens(user)
    _activity(user, "created_group", group)
    return group


@transaction.atomic
def update_group(user, group: Group, **changes) -> Group:
    """Change a group's name, description, tags, cover or privacy.

    Owners and moderators edit; only owners change the privacy. A department group's name
    and privacy come from the org chart. ``cover=None`` keeps the cover, ``cover=False``
    removes it.
    """
    if not can_moderate(user, group):
        raise PermissionDenied(_("Only the group's owners and moderators may edit it."))
    errors = {}
    if "name" in changes:
        try:
            name = _clean_name(changes["name"])
            if group.is_department_group and name != group.name:
                raise ValidationError(
                    {"name": _("A department group is named after its department.")}
                )
            group.name = name
        except ValidationError as error:
            errors.update(error.message_dict)
    if "description" in changes:
        try:
            group.description = _clean_description(changes["description"])
        except ValidationError as error:
            errors.update(error.message_dict)
    if "privacy" in changes and changes["privacy"] != group.privacy:
        try:
            privacy = _clean_privacy(changes["privacy"])
            if group.is_department_group:
                raise ValidationError(
                    {"privacy": _("The org chart decides who is in a department group.")}
                )
            if not (is_owner(user, group) or user.has_perm("groups.change_group")):
                raise ValidationError({"privacy": _("Only the group's owners change its privacy.")})
            group.privacy = privacy
        except ValidationError as error:
            errors.update(error.message_dict)
    tags = None
    if "tags" in changes:
        try:
            tags = clean_tags(changes["tags"])
        except ValidationError as error:
            errors.update(error.message_dict)
    cover = changes.get("cover")
    if cover:
        try:
            cover = validate_cover(cover)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if cover or (cover is False and group.cover):
        # The old file goes once the change is committed; its URL answers 404 at once.
        files.delete_on_commit(group.cover.storage, group.cover.name)
        group.cover = cover or ""
    group.save()
    if tags is not None:
        group.tags.set(tags, clear=True)
    visibility.forget_tokens(user)
    return group


@transaction.atomic
def delete_group(user, group: Group) -> None:
    """Owners (and people allowed to delete any group) delete a group with its content.
    Department groups follow the org chart and are never deleted by hand."""
    if group.is_department_group:
        raise PermissionDenied(_("A department group follows the org chart and stays."))
    if not (is_owner(user, group) or user.has_perm("groups.delete_group")):
        raise PermissionDenied(_("Only the group's owners may delete it."))
    files.delete_on_commit(group.cover.storage, group.cover.name)
    group.delete()
    visibility.forget_tokens(user)


# --- Joining ----------------------------------------------------------------------------


def _refuse_department(group: Group, field: str = "non_field_errors") -> None:
    if group.is_department_group:
        raise ValidationError(
            {field: _("The members of a department group are the people of the department.")}
        )


def _add_member(user, group: Group, role: str = Membership.MEMBER) -> Membership:
    found, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"role": role}
    )
    if created:
        visibility.forget_tokens(user)
        _activity(user, "joined_group", group)
    return found


@transaction.atomic
def join(user, group: Group) -> Membership:
    """Join a public group (or a group one is invited to, which accepts the invitation)."""
    _require_active(user)
    existing = membership(user, group)
    if existing is not None:
        return existing
    invitation = pending_invitation(user, group)
    if invitation is not None:
        return accept_invitation(user, invitation)
    _refuse_department(group)
    if not group.is_public:
        raise ValidationError(
            {"non_field_errors": _("This group is not public: ask to join it instead.")}
        )
    return _add_member(user, group)


@transaction.atomic
def request_to_join(user, group: Group, message: str = "") -> JoinRequest | Membership:
    """Ask to join a private group; its moderators are notified. An invited person joins
    at once (the answer is then their membership)."""
    _require_active(user)
    if is_member(user, group):
        raise ValidationError({"non_field_errors": _("You are already a member of this group.")})
    invitation = pending_invitation(user, group)
    if invitation is not None:
        return accept_invitation(user, invitation)
    _refuse_department(group)
    if group.is_public:
        raise ValidationError(
            {"non_field_errors": _("This group is public: join it without asking.")}
        )
    if group.is_secret:
        raise ValidationError(
            {"non_field_errors": _("A secret group is joined by invitation only.")}
        )
    message = (message or "").strip()
    max_length = JoinRequest._meta.get_field("message").max_length
    if len(message) > max_length:
        raise ValidationError(
            {"message": _("The message has at most %(max)d characters.") % {"max": max_length}}
        )
    existing = pending_request(user, group)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(group=group, user=user, message=message)
    except IntegrityError:  # the same request, sent twice at the same moment
        return pending_request(user, group)
    moderators = [
        m.user
        for m in Membership.objects.filter(
            group=group, role__in=Membership.MANAGING_ROLES
        ).select_related("user")
    ]
    notifications.notify(
        "group_request",
        moderators,
        actor=user,
        target=group,
        url=reverse("groups:members", args=[group.slug]),
        data={"request_id": join_request.pk},
    )
    return join_request


@transaction.atomic
def cancel_request(user, group: Group) -> None:
    """Withdraw one's pending request to join."""
    JoinRequest.objects.filter(group=group, user=user, status=JoinRequest.PENDING).delete()


def _answer_request(moderator, join_request: JoinRequest, status: str) -> JoinRequest:
    if not can_moderate(moderator, join_request.group):
        raise PermissionDenied(_("Only the group's owners and moderators answer requests."))
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.PENDING:
        raise ValidationError({"non_field_errors": _("This request has already been answered.")})
    join_request.status = status
    join_request.decided_at = timezone.now()
    join_request.decided_by = moderator
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    group = join_request.group
    if status == JoinRequest.APPROVED and join_request.user.is_active:
        _add_member(join_request.user, group)
    notifications.notify(
        "group_request_answered",
        [join_request.user],
        actor=moderator,
        target=group,
        url=group.get_absolute_url(),
        data={"approved": status == JoinRequest.APPROVED},
    )
    return join_request


@transaction.atomic
def approve_request(moderator, join_request: JoinRequest) -> JoinRequest:
    return _answer_request(moderator, join_request, JoinRequest.APPROVED)


@transaction.atomic
def decline_request(moderator, join_request: JoinRequest) -> JoinRequest:
    return _answer_request(moderator, join_request, JoinRequest.DECLINED)


# --- Invitations ------------------------------------------------------------------------


@transaction.atomic
def invite(inviter, group: Group, users) -> list[Invitation]:
    """Invite people; each is notified. People already in the group or already invited are
    skipped. Returns the new invitations."""
    _require_active(inviter)
    _refuse_department(group, "user_ids")
    if not can_invite(inviter, group):
        if group.is_secret:
            raise PermissionDenied(_("Only moderators invite people to a secret group."))
        raise PermissionDenied(_("Only members invite people to this group."))
    users = {user.pk: user for user in users}
    if len(users) > MAX_INVITATIONS:
        raise ValidationError(
            {"user_ids": _("At most %(max)d people at a time.") % {"max": MAX_INVITATIONS}}
        )
    inactive = [str(user) for user in users.values() if not user.is_active]
    if inactive:
        raise ValidationError(
            {"user_ids": _("No active account: %(names)s.") % {"names": ", ".join(inactive)}}
        )
    skip = set(
        Membership.objects.filter(group=group, user_id__in=users).values_list("user_id", flat=True)
    ) | set(
        Invitation.objects.filter(
            group=group, user_id__in=users, status=Invitation.PENDING
        ).values_list("user_id", flat=True)
    )
    created = Invitation.objects.bulk_create(
        [
            Invitation(group=group, user=user, invited_by=inviter)
            for pk, user in users.items()
            if pk not in skip
        ]
    )
    if created:
        notifications.notify(
            "group_invitation",
            [invitation.user for invitation in created],
            actor=inviter,
            target=group,
            url=group.get_absolute_url(),
        )
    return created


def _answer_invitation(user, invitation: Invitation, status: str) -> Invitation:
    if invitation.user_id != getattr(user, "pk", None):
        raise PermissionDenied(_("This invitation is not yours."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.PENDING:
        raise ValidationError({"non_field_errors": _("This invitation has already been answered.")})
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    visibility.forget_tokens(user)
    return invitation


@transaction.atomic
def accept_invitation(user, invitation: Invitation) -> Membership:
    _require_active(user)
    invitation = _answer_invitation(user, invitation, Invitation.ACCEPTED)
    JoinRequest.objects.filter(
        group_id=invitation.group_id, user=user, status=JoinRequest.PENDING
    ).update(
        status=JoinRequest.APPROVED, decided_at=timezone.now(), decided_by=invitation.invited_by
    )
    return _add_member(user, invitation.group)


@transaction.atomic
def decline_invitation(user, invitation: Invitation) -> Invitation:
    return _answer_invitation(user, invitation, Invitation.DECLINED)


# --- Members ----------------------------------------------------------------------------


def _owner_count(group: Group) -> int:
    return Membership.objects.filter(
        group=group, role=Membership.OWNER, user__is_active=True
    ).count()


@transaction.atomic
def leave(user, group: Group, new_owner=None) -> None:
    """Leave a group. The last owner names another member as owner first (``new_owner``)."""
    _require_active(user)
    mine = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if mine is None:
        raise ValidationError({"non_field_errors": _("You are not a member of this group.")})
    if mine.synced:
        raise ValidationError(
            {
                "non_field_errors": _(
                    "You belong to this group through your department: it follows the org chart."
                )
            }
        )
    if mine.role == Membership.OWNER and _owner_count(group) <= 1:
        successor = None
        if new_owner is not None and new_owner.pk != user.pk:
            successor = Membership.objects.filter(
                group=group, user=new_owner, user__is_active=True
            ).first()
        if successor is None:
            raise ValidationError(
                {
                    "new_owner": _(
                        "You are the group's only owner: name another member as owner "
                        "before leaving, or delete the group."
                    )
                }
            )
        successor.role = Membership.OWNER
        successor.synced = False
        successor.save(update_fields=["role", "synced"])
    mine.delete()
    visibility.forget_tokens(user)
    _activity(user, "left_group", group)


@transaction.atomic
def remove_member(moderator, group: Group, user) -> None:
    """A moderator removes someone; they lose access to the group's content at once."""
    if not can_moderate(moderator, group):
        raise PermissionDenied(_("Only the group's owners and moderators remove members."))
    target = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if target is None:
        raise ValidationError({"user": _("This person is not a member of the group.")})
    if target.user_id == moderator.pk:
        raise ValidationError({"user": _("To remove yourself, leave the group.")})
    if target.synced:
        raise ValidationError(
            {"user": _("This person belongs to the group through their department.")}
        )
    if target.role == Membership.OWNER and not (
        is_owner(moderator, group) or moderator.has_perm("groups.change_group")
    ):
        raise PermissionDenied(_("Only an owner removes another owner."))
    target.delete()
    visibility.forget_tokens(user)
    _activity(user, "left_group", group)


@transaction.atomic
def set_role(actor, group: Group, user, role: str) -> Membership:
    """Owners promote members to moderator or owner and step others (or themselves) down;
    the group always keeps an owner. In a department group, a promoted person's membership
    no longer follows the org chart (moderators are chosen, not synced)."""
    if role not in dict(Membership.ROLE_CHOICES):
        raise ValidationError({"role": _("Choose owner, moderator or member.")})
    if not (is_owner(actor, group) or actor.has_perm("groups.change_group")):
        raise PermissionDenied(_("Only the group's owners change roles."))
    target = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if target is None:
        raise ValidationError({"user": _("This person is not a member of the group.")})
    if target.role == role:
        return target
    if target.role == Membership.OWNER and _owner_count(group) <= 1:
        raise ValidationError(
            {"role": _("The group needs an owner: make someone else owner first.")}
        )
    target.role = role
    if group.is_department_group:
        target.synced = role == Membership.MEMBER and _in_department_tree(user, group)
    target.save(update_fields=["role", "synced"])
    return target


@transaction.atomic
def set_follow_closely(user, group: Group, value: bool) -> Membership:
    """Be notified of every new post in the group (members only)."""
    mine = membership(user, group)
    if mine is None:
        raise ValidationError(
            {"follow_closely": _("Only members follow a group closely: join it first.")}
        )
    mine.follow_closely = bool(value)
    mine.save(update_fields=["follow_closely"])
    return mine


def close_followers(group: Group) -> list:
    """The active members who want to hear of every new post in the group."""
    return [
        m.user
        for m in Membership.objects.filter(
            group=group, follow_closely=True, user__is_active=True
        ).select_related("user")
    ]


# --- Department groups ------------------------------------------------------------------


def _in_department_tree(user, group: Group) -> bool:
    if not user.is_active or not user.department_id or not group.department_id:
        return False
    from portal.accounts.models import Department

    lineage = (
        Department.objects.filter(pk=user.department_id).values_list("lineage", flat=True).first()
    )
    ids = [int(part) for part in (lineage or "").strip("/").split("/") if part]
    return group.department_id in ids or group.department_id == user.department_id


def _department_slug_base(department) -> str:
    return slugify(department.code or department.name)[:120].strip("-") or "department"


def _department_slug(department, taken: set[str]) -> str:
    base = _department_slug_base(department)
    slug, number = base, 2
    while slug in taken or slug in RESERVED_SLUGS:
        slug = f"{base}-{number}"
        number += 1
    taken.add(slug)
    return slug


def ensure_department_group(department) -> Group:
    """The department's group, created (private, named after it) or renamed as needed."""
    name = department.name[: Group._meta.get_field("name").max_length]
    group = Group.objects.filter(department=department).first()
    if group is None:
        taken = set(
            Group.objects.filter(slug__startswith=_department_slug_base(department))
            .exclude(privacy=Group.SECRET)
            .values_list("slug", flat=True)
        )
        slug = _department_slug(department, taken)
        _release_from_secret_groups([slug])
        group = Group.objects.create(
            name=name,
            slug=slug,
            privacy=Group.PRIVATE,
            department=department,
        )
    elif group.name != name:
        group.name = name
        group.save(update_fields=["name", "updated_at"])
    return group


def _lineage_ids(lineage: str) -> list[int]:
    return [int(part) for part in (lineage or "").strip("/").split("/") if part]


@transaction.atomic
def sync_user_department_groups(user) -> None:
    """Put ``user`` in the groups of their department and its parents (if active), and
    out of the other department groups they were synced into."""
    from portal.accounts.models import Department

    wanted: set[int] = set()
    if user.is_active and user.department_id:
        lineage = (
            Department.objects.filter(pk=user.department_id)
            .values_list("lineage", flat=True)
            .first()
        )
        ids = _lineage_ids(lineage) or [user.department_id]
        wanted = set(Group.objects.filter(department_id__in=ids).values_list("pk", flat=True))
    existing = dict(
        Membership.objects.filter(user=user, group__department__isnull=False).values_list(
            "group_id", "synced"
        )
    )
    stale = [pk for pk, synced in existing.items() if synced and pk not in wanted]
    missing = [pk for pk in wanted if pk not in existing]
    if stale:
        Membership.objects.filter(user=user, group_id__in=stale, synced=True).delete()
    if missing:
        Membership.objects.bulk_create(
            [Membership(group_id=pk, user=user, synced=True) for pk in missing],
            ignore_conflicts=True,
        )
    if stale or missing:
        visibility.forget_tokens(user)
    if missing:
        memberships_synced.send(sender=Membership, group_ids=sorted(missing))


@transaction.atomic
def sync_department_groups() -> dict[str, int]:
    """Reconcile every department group with the org chart in a few bulk queries: a group
    for each department (named after it), and as synced members the active people of the
    department and its sub-departments. Memberships added by hand (moderators) stay.
    Returns counts of what changed."""
    from portal.accounts.models import Department

    User = get_user_model()
    counts = {"groups_created": 0, "groups_renamed": 0, "added": 0, "removed": 0}
    max_name = Group._meta.get_field("name").max_length
    departments = list(Department.objects.all())
    groups = {g.department_id: g for g in Group.objects.filter(department__isnull=False)}
    # Secret groups do not count: see unique_slug.
    taken = set(Group.objects.exclude(privacy=Group.SECRET).values_list("slug", flat=True))
    new_groups, renamed = [], []
    for department in departments:
        group = groups.get(department.pk)
        if group is None:
            new_groups.append(
                Group(
                    name=department.name[:max_name],
                    slug=_department_slug(department, taken),
                    privacy=Group.PRIVATE,
                    department=department,
                )
            )
        elif group.name != department.name[:max_name]:
            group.name = department.name[:max_name]
            renamed.append(group)
    if new_groups:
        _release_from_secret_groups(group.slug for group in new_groups)
        Group.objects.bulk_create(new_groups)
        groups = {g.department_id: g for g in Group.objects.filter(department__isnull=False)}
    if renamed:
        Group.objects.bulk_update(renamed, ["name"])
    counts["groups_created"], counts["groups_renamed"] = len(new_groups), len(renamed)

    group_of_department = {dept_id: group.pk for dept_id, group in groups.items()}
    wanted: set[tuple[int, int]] = set()
    people = User.objects.filter(is_active=True, department__isnull=False).values_list(
        "pk", "department_id", "department__lineage"
    )
    for user_id, department_id, lineage in people:
        for dept_id in _lineage_ids(lineage) or [department_id]:
            group_id = group_of_department.get(dept_id)
            if group_id is not None:
                wanted.add((group_id, user_id))
    existing = {
        (group_id, user_id): (pk, synced)
        for pk, group_id, user_id, synced in Membership.objects.filter(
            group__department__isnull=False
        ).values_list("pk", "group_id", "user_id", "synced")
    }
    stale = [pk for key, (pk, synced) in existing.items() if synced and key not in wanted]
    missing = [key for key in wanted if key not in existing]
    for start in range(0, len(stale), 900):
        Membership.objects.filter(pk__in=stale[start : start + 900]).delete()
    Membership.objects.bulk_create(
        [Membership(group_id=g, user_id=u, synced=True) for g, u in missing],
        batch_size=1000,
        ignore_conflicts=True,
    )
    counts["added"], counts["removed"] = len(missing), len(stale)
    if missing or stale:
        visibility.access_changed()  # bulk writes send no signals
    if missing:
        memberships_synced.send(sender=Membership, group_ids=sorted({g for g, _u in missing}))
    return counts


def detach_department_group(department) -> None:
    """A department is being deleted: its group stays (with its posts) as an ordinary
    private group whose members no longer follow the org chart."""
    Membership.objects.filter(group__department=department).update(synced=False)
