"""The write side of the feed: posting, editing, deleting, moderating, following.
(helper "posts")

Every write goes through here, from the pages and from the API alike. Bad input raises
``django.core.exceptions.ValidationError({field: [message]})`` (the API answers 400 with
the field); an action the user may not take raises ``PermissionDenied`` (403). Whether the
user may *see* the post is the caller's first question (404 otherwise): these functions
assume it was asked.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plugins.feed import events, polls, sharing, uploads
from plugins.feed.models import Attachment, Follow, Post, Report
from plugins.groups import services as groups
from plugins.groups.models import Group, Membership
from portal import avatars, notifications, signals, text, visibility
from portal.accounts.models import Department
from portal.lookups import NOT_FOUND

logger = logging.getLogger(__name__)

EVERYONE_LABEL = gettext_lazy("Whole company")
MAX_REASON_LENGTH = 1000


# --- Audiences ----------------------------------------------------------------------------


def audience_choices(user) -> list[tuple[str, str]]:
    """Where ``user`` may post: the whole company, their department and each one above it
    (their own first), and each group they belong to. Values are the audience tokens (the
    API's); labels say the kind, a department and its group sharing a name."""
    if not visibility.is_active_user(user):
        return []
    choices = [(visibility.EVERYONE, str(EVERYONE_LABEL))]
    department = getattr(user, "department", None)
    if department is not None:
        lineage = list(reversed(department.lineage_ids()))
        names = dict(Department.objects.filter(pk__in=lineage).values_list("pk", "name"))
        choices.extend(
            (visibility.department_token(pk), department_label(names[pk]))
            for pk in lineage
            if pk in names
        )
    groups_of_user = (
        Group.objects.filter(memberships__user=user).order_by("name", "pk").values("pk", "name")
    )
    choices.extend(
        (visibility.group_token(g["pk"]), group_label(g["name"])) for g in groups_of_user
    )
    return choices


def department_label(name: str) -> str:
    """A department as an audience: "Sales · department" (its group is "Sales · group":
    each department has a group of the same name, and a list must tell them apart)."""
    return _("%(name)s · department") % {"name": name}


def group_label(name: str) -> str:
    return _("%(name)s · group") % {"name": name}


def _check_audience(user, audience: str) -> Group | None:
    """The group of ``audience`` (or ``None``), if ``user`` may post there."""
    if audience not in dict(audience_choices(user)):
        raise ValidationError(
            {"audience": [_("You can only post to the company, your department or your groups.")]}
        )
    if audience.startswith("group:"):
        return Group.objects.get(pk=int(audience.split(":", 1)[1]))
    return None


# --- Permissions --------------------------------------------------------------------------


def _group_moderator(user, post) -> bool:
    return post.group_id is not None and groups.can_moderate(user, post.group)


def can_edit(user, post) -> bool:
    """The author, while they may see the post: one who left its group lost it."""
    return (
        visibility.is_active_user(user)
        and post.author_id == user.pk
        and visibility.can_view(user, post)
    )


def can_moderate(user, post) -> bool:
    """Group moderators for a group's posts; people with ``feed.moderate_post`` for all."""
    if not visibility.is_active_user(user):
        return False
    return user.has_perm("feed.moderate_post") or _group_moderator(user, post)


def can_delete(user, post) -> bool:
    return can_edit(user, post) or can_moderate(user, post)


def can_pin(user, post) -> bool:
    """A group's moderators pin on the group's feed; ``feed.pin_post`` pins elsewhere."""
    if not visibility.is_active_user(user):
        return False
    if post.group_id is not None:
        return _group_moderator(user, post)
    return user.has_perm("feed.pin_post")


def _may_relaunch(user, post) -> bool:
    if not visibility.is_active_user(user):
        return False
    return user.has_perm("feed.relaunch_post") or _group_moderator(user, post)


def can_relaunch(user, post) -> bool:
    """Whether ``user`` may relaunch ``post`` now (once per post)."""
    return post.relaunched_at is None and _may_relaunch(user, post)


def permissions_for(user, posts) -> dict[int, dict[str, bool]]:
    """What ``user`` may do with each of ``posts`` (``{post id: {"edit", "delete", "pin",
    "relaunch", "moderate"}}``), from what the policy remembers of the person (their
    permissions and the groups they manage): the same answers as the ``can_*`` functions."""
    posts = list(posts)
    if not visibility.is_active_user(user):
        nothing = dict.fromkeys(("edit", "delete", "pin", "relaunch", "moderate"), False)
        return {post.pk: dict(nothing) for post in posts}
    visibility.prime_permissions(user)
    moderate_all = user.has_perm("feed.moderate_post")
    pin_all = user.has_perm("feed.pin_post")
    relaunch_all = user.has_perm("feed.relaunch_post")
    every_group = user.has_perm("groups.change_group")
    managed = frozenset() if every_group else groups.managed_group_ids(user)
    answers = {}
    for post in posts:
        group_moderator = post.group_id is not None and (every_group or post.group_id in managed)
        moderate = moderate_all or group_moderator
        edit = post.author_id == user.pk and visibility.can_view(user, post)
        answers[post.pk] = {
            "edit": edit,
            "delete": edit or moderate,
            "pin": group_moderator if post.group_id else pin_all,
            "relaunch": post.relaunched_at is None and (relaunch_all or group_moderator),
            "moderate": moderate,
        }
    return answers


# --- Posting ------------------------------------------------------------------------------


def _post_url(post) -> str:
    try:
        return post.get_absolute_url()
    except NoReverseMatch:
        return ""


def _check_text(source: str) -> str:
    source = source or ""
    if len(source) > text.MAX_SOURCE_LENGTH:
        raise ValidationError(
            {
                "text": [
                    _("The text is too long (%(length)d characters, at most %(limit)d).")
                    % {"length": len(source), "limit": text.MAX_SOURCE_LENGTH}
                ]
            }
        )
    return source


def _has_content(rendered: text.Rendered) -> bool:
    return bool(text.plain_text(rendered.html) or rendered.links)


def _enqueue_preview(post, url: str) -> None:
    from plugins.feed import tasks

    def enqueue():
        try:
            tasks.fetch_link_preview.enqueue(post.pk, url)
        except Exception:  # a preview never breaks posting
            logger.exception("Could not fetch the link preview of post %s", post.pk)

    transaction.on_commit(enqueue, robust=True)


def _notify_mentions(author, post, users) -> None:
    if users:
        notifications.notify("mention", users, actor=author, target=post, url=_post_url(post))


def _users_of_mentions(keys) -> list:
    users: dict[int, object] = {}
    kinds = text.mention_kinds()
    by_kind: dict[str, list[int]] = {}
    for kind, pk in keys:
        by_kind.setdefault(kind, []).append(pk)
    for kind, ids in by_kind.items():
        if kind in kinds:
            for user in kinds[kind].members(ids):
                users.setdefault(user.pk, user)
    return list(users.values())


def _store(post, checked, stored) -> None:
    if checked:
        uploads.save(post, checked, stored=stored)


def create_post(
    author,
    *,
    text: str = "",
    audience: str = visibility.EVERYONE,
    kind: str = Post.STATUS,
    files=(),
    event: dict | None = None,
    poll: dict | None = None,
    shared=None,
) -> Post:
    """Publish a post of ``kind`` for ``audience`` (one of :func:`audience_choices`);
    a share (``kind="share"``) links ``shared``, which :func:`share` checked."""
    from portal import text as text_module

    if not visibility.is_active_user(author):
        raise PermissionDenied
    if kind not in dict(Post.KIND_CHOICES):
        raise ValidationError({"kind": [_("Choose a status, an event or a poll.")]})
    if (kind == Post.SHARE) != (shared is not None):
        raise ValidationError({"kind": [_("A share is made by sharing something.")]})
    group = _check_audience(author, audience or visibility.EVERYONE)
    source = _check_text(text)
    rendered = text_module.render(source, author)
    checked = uploads.validate(files)
    if kind == Post.STATUS and not _has_content(rendered) and not checked:
        raise ValidationError({"text": [_("Write something or attach a file.")]})
    cleaned_event = events.clean_event(event or {}) if kind == Post.EVENT else None
    cleaned_poll = polls.clean_poll(poll or {}) if kind == Post.POLL else None

    shared_type, shared_id = sharing.link_of(shared) if shared is not None else (None, None)

    stored: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            post = Post.objects.create(
                kind=kind,
                author=author,
                group=group,
                audience=audience or visibility.EVERYONE,
                text=source,
                html=rendered.html,
                created_at=now,
                activity_at=now,
                shared_type=shared_type,
                shared_id=shared_id,
            )
            if rendered.hashtags:
                post.hashtags.set(rendered.hashtags)
            _store(post, checked, stored)
            if cleaned_event is not None:
                events.save_event(post, cleaned_event)
            if cleaned_poll is not None:
                polls.save_poll(post, cleaned_poll)
            if rendered.first_link:
                _enqueue_preview(post, rendered.first_link)
            _notify_mentions(author, post, rendered.mentioned_users())
            if group is not None:
                # About the post (its visibility decides who reads it), naming the group.
                notifications.notify(
                    "group_post",
                    groups.close_followers(group),
                    actor=author,
                    target=post,
                    url=_post_url(post),
                    group_key=f"group_post:groups.group:{group.pk}",
                    data={"post": post.pk, "group": group.pk},
                    title=group.name,
                )
            transaction.on_commit(
                lambda: signals.activity.send(sender=Post, actor=author, verb="posted", obj=post)
            )
    except Exception:
        uploads.delete_files(stored)
        raise
    return post


def share(
    user,
    obj,
    text: str = "",
    group: Group | None = None,
    audience: str = visibility.EVERYONE,
) -> Post:
    """Share ``obj`` (an object of a model declared shareable, which ``user`` may see) to
    ``audience``, or to ``group`` when given, with ``text`` for a comment (which may be
    empty): a post of kind ``share`` that links it. Sharing a share shares its object.

    An object ``user`` may not see, or whose model is not shareable, raises ``Http404``
    with :data:`portal.lookups.NOT_FOUND`, the answer for a missing one. The audience,
    the text, the mentions and the notifications are those of any post."""
    if not visibility.is_active_user(user):
        raise PermissionDenied
    shared = sharing.target(user, obj)
    if group is None:
        return create_post(user, text=text, audience=audience, kind=Post.SHARE, shared=shared)
    if not visibility.can_view(user, group):
        raise ValidationError({"group": [str(NOT_FOUND)]})
    try:
        return create_post(
            user,
            text=text,
            audience=visibility.group_token(group.pk),
            kind=Post.SHARE,
            shared=shared,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "audience" in error.error_dict:
            raise ValidationError(
                {"group": [_("You can only share to a group you belong to.")]}
            ) from None
        raise


def update_post(
    user,
    post,
    *,
    text: str | None = None,
    files_to_add=(),
    files_to_remove=(),
    event: dict | None = None,
    poll: dict | None = None,
) -> Post:
    """The author edits their post; the audience never changes. Only the mentions the edit
    added are notified."""
    from portal import text as text_module

    if not can_edit(user, post):
        raise PermissionDenied(_("Only the author can edit this post."))
    remove_ids = {int(pk) for pk in files_to_remove or ()}
    current = list(post.attachments.values_list("pk", flat=True))
    unknown = remove_ids - set(current)
    if unknown:
        raise ValidationError({"files_to_remove": [_("These files are not attached to the post.")]})
    checked = uploads.validate(files_to_add, existing=len(current) - len(remove_ids))
    old_source = post.text
    source = old_source if text is None else _check_text(text)
    rendered = text_module.render(source, user)
    kept_files = len(current) - len(remove_ids) + len(checked)
    if post.kind == Post.STATUS and not _has_content(rendered) and not kept_files:
        raise ValidationError({"text": [_("Write something or attach a file.")]})
    cleaned_event = (
        events.clean_event(event) if event is not None and post.kind == Post.EVENT else None
    )
    cleaned_poll = (
        polls.clean_poll(poll, poll=post.poll)
        if poll is not None and post.kind == Post.POLL
        else None
    )

    removed = list(
        Attachment.objects.filter(post=post, pk__in=remove_ids).values_list("file", flat=True)
    )
    stored: list[str] = []
    old_link = text_module.render(old_source).first_link if old_source else ""
    try:
        with transaction.atomic():
            post.text = source
            post.html = rendered.html
            post.edited_at = timezone.now()
            fields = ["text", "html", "edited_at"]
            if rendered.first_link != old_link or not rendered.first_link:
                post.link_url = post.link_title = post.link_description = ""
                post.link_image = post.link_site = ""
                fields += ["link_url", "link_title", "link_description", "link_image", "link_site"]
                if rendered.first_link:
                    _enqueue_preview(post, rendered.first_link)
            post.save(update_fields=fields)
            post.hashtags.set(rendered.hashtags, clear=True)
            if remove_ids:
                Attachment.objects.filter(post=post, pk__in=remove_ids).delete()
            _store(post, checked, stored)
            if cleaned_event is not None:
                events.save_event(post, cleaned_event)
            if cleaned_poll is not None:
                polls.save_poll(post, cleaned_poll)
            added = text_module.mentioned_keys(source) - text_module.mentioned_keys(old_source)
            _notify_mentions(user, post, _users_of_mentions(added & rendered.mentions))
            transaction.on_commit(lambda: uploads.delete_files(removed))
    except Exception:
        uploads.delete_files(stored)
        raise
    return post


def _delete(post) -> None:
    files = list(post.attachments.values_list("file", flat=True))
    post.delete()
    transaction.on_commit(lambda: uploads.delete_files(files))


def delete_post(user, post) -> None:
    """The author, the group's moderators or a network moderator delete a post (its files
    leave the storage once the deletion is committed)."""
    if not can_delete(user, post):
        raise PermissionDenied(_("You may not delete this post."))
    with transaction.atomic():
        _delete(post)


def remove_post(moderator, post, reason: str = "") -> None:
    """A moderator removes someone's post (a report, a breach of the rules)."""
    if not can_moderate(moderator, post):
        raise PermissionDenied(_("Only moderators can remove posts."))
    with transaction.atomic():
        # Sent before the deletion, so receivers still see what was removed and by whom.
        signals.activity.send(
            sender=Post,
            actor=moderator,
            verb="removed_post",
            obj=post,
            reason=(reason or "")[:MAX_REASON_LENGTH],
        )
        _delete(post)


# --- Pins and relaunches ------------------------------------------------------------------


def pin_post(user, post, pinned: bool = True) -> Post:
    """Pin ``post`` at the top of its group's feed (group moderators) or of the home feed
    (``feed.pin_post``), or unpin it."""
    if not can_pin(user, post):
        raise PermissionDenied(_("You may not pin this post."))
    pinned_at = timezone.now() if pinned else None
    # One UPDATE, whose count says whether the post was deleted meanwhile (a save with
    # update_fields would raise a DatabaseError for the missing row).
    if not Post.objects.filter(pk=post.pk).update(pinned=bool(pinned), pinned_at=pinned_at):
        raise Http404
    post.pinned, post.pinned_at = bool(pinned), pinned_at
    return post


def relaunch_post(user, post) -> Post:
    """Bring a post everyone missed back to the top of the feed, once."""
    if not _may_relaunch(user, post):
        raise PermissionDenied(_("You may not relaunch this post."))
    now = timezone.now()
    updated = Post.objects.filter(pk=post.pk, relaunched_at__isnull=True).update(
        relaunched_at=now, relaunched_by=user, activity_at=now
    )
    if not updated:
        raise ValidationError(
            {"non_field_errors": [_("This post was already relaunched; it can be only once.")]}
        )
    post.relaunched_at, post.relaunched_by, post.activity_at = now, user, now
    signals.activity.send(sender=Post, actor=user, verb="relaunched_post", obj=post)
    return post


# --- Reports ------------------------------------------------------------------------------


def report_post(user, post, reason: str) -> Report:
    """Report ``post`` to its moderators; one open report per person and post."""
    if not visibility.can_view(user, post):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what is wrong with this post.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": [_("At most %(limit)d characters.") % {"limit": MAX_REASON_LENGTH}]}
        )
    if post.author_id == user.pk:
        raise ValidationError({"non_field_errors": [_("You cannot report your own post.")]})
    try:
        with transaction.atomic():
            return Report.objects.create(post=post, reporter=user, reason=reason)
    except IntegrityError:
        raise ValidationError(
            {"non_field_errors": [_("You already reported this post; moderators will see it.")]}
        ) from None


def reports_to_handle(user):
    """Open reports on posts ``user`` may see and moderate, oldest first."""
    if not visibility.is_active_user(user):
        return Report.objects.none()
    reports = Report.objects.filter(resolved_at__isnull=True)
    reports = visibility.filter_visible(user, reports)
    if not user.has_perm("feed.moderate_post"):
        managed = Membership.objects.filter(user=user, role__in=Membership.MANAGING_ROLES)
        if user.has_perm("groups.change_group"):
            reports = reports.filter(post__group__isnull=False)
        else:
            reports = reports.filter(post__group__in=managed.values("group"))
    return reports.select_related(
        "post", "post__author", "post__group", "reporter", *avatars.related("post__author")
    ).order_by("created_at", "pk")


def resolve_report(moderator, report, remove: bool = False) -> Report:
    """Close the open reports on a post: keep it, or remove it (``remove=True``)."""
    post = report.post
    if not (visibility.can_view(moderator, post) and can_moderate(moderator, post)):
        raise PermissionDenied(_("Only the post's moderators can handle this report."))
    if report.resolved_at is not None:
        raise ValidationError({"non_field_errors": [_("This report was already handled.")]})
    now = timezone.now()
    with transaction.atomic():
        if remove:
            report.resolved_at, report.resolved_by = now, moderator
            remove_post(moderator, post, report.reason)
        else:
            Report.objects.filter(post=post, resolved_at__isnull=True).update(
                resolved_at=now, resolved_by=moderator
            )
            report.resolved_at, report.resolved_by = now, moderator
    return report


# --- Follows ------------------------------------------------------------------------------


def follow(user, *, person=None, group=None) -> Follow:
    """Follow a person or a group (visible to ``user``): their posts come into the feed."""
    if not visibility.is_active_user(user):
        raise PermissionDenied
    if (person is None) == (group is None):
        raise ValidationError({"non_field_errors": [_("Follow either a person or a group.")]})
    if person is not None:
        if person.pk == user.pk:
            raise ValidationError({"user_id": [_("You cannot follow yourself.")]})
        if not person.is_active:
            raise ValidationError({"user_id": [_("This person is no longer here.")]})
        found, _created = Follow.objects.get_or_create(follower=user, user=person)
        return found
    if not visibility.can_view(user, group):
        raise ValidationError({"group_id": [_("No such group.")]})
    found, _created = Follow.objects.get_or_create(follower=user, group=group)
    return found


def unfollow(user, *, person=None, group=None) -> bool:
    """Stop following; whether there was something to stop."""
    if person is None and group is None:
        return False
    follows = Follow.objects.filter(follower=user)
    follows = follows.filter(user=person) if person is not None else follows.filter(group=group)
    deleted, _rows = follows.delete()
    return bool(deleted)
