"""The groups' pages: the directory, a group's page, its members, the forms.

Every action is a plain form POST that redirects back with a message; the follow-closely
toggle also answers JSON so that the page's script updates it in place. A secret group is
404 for outsiders; a private group's content and members are 403 for non-members.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plugins.groups import services
from plugins.groups.forms import DirectorySearchForm, GroupForm, InviteForm
from plugins.groups.models import Group, Invitation, JoinRequest, Membership
from portal import avatars, links
from portal.ratelimit import rate_limit

PAGE_SIZE = 24
MEMBERS_PAGE_SIZE = 50
#: How many faces a directory card shows.
FACES = 4


def group_tabs(group, current: str) -> list[tuple[str, str, bool]]:
    """The group's link tabs (components/tabs.html): its posts, members, files (where a
    plugin routes a group's files) and what it is about."""
    detail = links.reverse("groups:detail", [group.slug])
    tabs = [
        (detail, _("Posts"), current == "posts"),
        (links.reverse("groups:members", [group.slug]), _("Members"), current == "members"),
    ]
    files = links.reverse_or_empty("drive:group", [group.slug])
    if files:
        tabs.append((files, _("Files"), current == "files"))
    tabs.append((f"{detail}?tab=about", _("About"), current == "about"))
    return tabs


def attach_faces(user, groups) -> None:
    """Put ``faces`` (up to :data:`FACES` members, photos loaded) on each group whose
    members ``user`` may see, in one query for all of them (never one per group)."""
    groups = list(groups)
    for group in groups:
        group.faces = []
    shown = {group.pk: group for group in groups if services.can_see_content(user, group)}
    if not shown:
        return
    ranked = (
        Membership.objects.filter(group_id__in=shown, user__is_active=True)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("group_id")],
                order_by=[F("role").desc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=FACES)
        .select_related("user", *avatars.related("user"))
        .order_by("group_id", "rank")
    )
    for membership in ranked:
        shown[membership.group_id].faces.append(membership.user)


def _group(request, slug) -> Group:
    """The group at ``slug`` with the current user's annotations, or 404 when the user may
    not know of it."""
    queryset = services.annotate_for(request.user, services.visible_groups(request.user))
    group = queryset.filter(slug=slug).first()
    if group is None:
        raise Http404(_("No such group."))
    return group


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _back(group: Group, fallback: str = "detail"):
    return redirect(f"groups:{fallback}", group.slug)


def directory(request):
    """My groups first, then the public and private groups to discover."""
    form = DirectorySearchForm(request.GET or None)
    q = tag = ""
    if form.is_valid():
        q, tag = form.cleaned_data["q"], form.cleaned_data["tag"]
    visible = services.annotate_for(request.user, services.visible_groups(request.user))
    mine = list(
        services.search(visible.filter(memberships__user=request.user), q, tag)
        .prefetch_related("tags")
        .order_by("name", "pk")
    )
    others = (
        services.search(visible.exclude(memberships__user=request.user), q, tag)
        .filter(Q(privacy__in=[Group.PUBLIC, Group.PRIVATE]) | Q(my_invitation_id__isnull=False))
        .prefetch_related("tags")
        .order_by("name", "pk")
    )
    page = Paginator(others, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    attach_faces(request.user, [*mine, *page.object_list])
    invitations = Invitation.objects.filter(user=request.user, status=Invitation.PENDING).count()
    return render(
        request,
        "groups/directory.html",
        {
            "form": form,
            "mine": mine,
            "page": page,
            "q": q,
            "tag": tag,
            "invitation_count": invitations,
            "can_create": request.user.has_perm("groups.add_group"),
        },
    )


@rate_limit("group")
def create(request):
    if not request.user.has_perm("groups.add_group"):
        raise PermissionDenied
    form = GroupForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.create_group(
                request.user,
                name=data["name"],
                description=data["description"],
                privacy=data["privacy"],
                tags=data["tags"],
                cover=data["cover"] or None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Group created."))
            return redirect(group.get_absolute_url())
    return render(request, "groups/form.html", {"form": form, "group": None})


def detail(request, slug):
    group = _group(request, slug)
    can_see = services.can_see_content(request.user, group)
    tab = "about" if request.GET.get("tab") == "about" or not can_see else "posts"
    invitation = None
    if group.my_invitation_id:
        invitation = Invitation.objects.select_related("invited_by").get(pk=group.my_invitation_id)
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "membership": services.membership(request.user, group) if group.my_role else None,
            "can_see_content": can_see,
            "can_moderate": services.can_moderate(request.user, group),
            "can_invite": services.can_invite(request.user, group),
            "invitation": invitation,
            "privacy_badge": services.PRIVACY_BADGES[group.privacy],
            "tags": sorted(tag.name for tag in group.tags.all()),
            "tab": tab,
            "tabs": group_tabs(group, tab),
        },
    )


def edit(request, slug):
    group = _group(request, slug)
    if not services.can_moderate(request.user, group):
        raise PermissionDenied
    can_change_privacy = services.is_owner(request.user, group) or request.user.has_perm(
        "groups.change_group"
    )
    form = GroupForm(
        request.POST or None,
        request.FILES or None,
        group=group,
        can_change_privacy=can_change_privacy,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {"description": data["description"], "tags": data["tags"]}
        if not form.fields["name"].disabled:
            changes["name"] = data["name"]
        if not form.fields["privacy"].disabled:
            changes["privacy"] = data["privacy"]
        if data["cover"] is False:
            changes["cover"] = False
        elif data["cover"]:
            changes["cover"] = data["cover"]
        try:
            services.update_group(request.user, group, **changes)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Group saved."))
            return _back(group)
    return render(
        request,
        "groups/form.html",
        {
            "form": form,
            "group": group,
            "can_delete": not group.is_department_group
            and (group.my_role == Membership.OWNER or request.user.has_perm("groups.delete_group")),
        },
    )


def delete(request, slug):
    group = _group(request, slug)
    if group.is_department_group or not (
        group.my_role == Membership.OWNER or request.user.has_perm("groups.delete_group")
    ):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_group(request.user, group)
        messages.success(request, _("The group “%(name)s” was deleted.") % {"name": group.name})
        return redirect("groups:directory")
    return render(request, "groups/delete.html", {"group": group})


@require_POST
@rate_limit("group")
def join(request, slug):
    group = _group(request, slug)
    try:
        if group.is_public or group.my_invitation_id:
            services.join(request.user, group)
            messages.success(request, _("Welcome to the group!"))
        else:
            result = services.request_to_join(request.user, group, request.POST.get("message", ""))
            if isinstance(result, Membership):
                messages.success(request, _("Welcome to the group!"))
            else:
                messages.success(request, _("Your request was sent to the group's moderators."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return _back(group)


@require_POST
def cancel_request(request, slug):
    group = _group(request, slug)
    services.cancel_request(request.user, group)
    messages.success(request, _("Your request was withdrawn."))
    return _back(group)


@require_POST
def leave(request, slug):
    group = _group(request, slug)
    new_owner = None
    if request.POST.get("new_owner"):
        new_owner = get_user_model().objects.filter(pk=request.POST["new_owner"]).first()
    try:
        services.leave(request.user, group, new_owner=new_owner)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _back(group)
    messages.success(request, _("You left the group “%(name)s”.") % {"name": group.name})
    if group.is_secret:
        return redirect("groups:directory")
    return _back(group)


@require_POST
@rate_limit("follow")
def follow(request, slug):
    group = _group(request, slug)
    value = request.POST.get("follow_closely") == "1"
    try:
        services.set_follow_closely(request.user, group, value)
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse(
                {"status": 400, "code": "invalid", "detail": _error_text(error)}, status=400
            )
        messages.error(request, _error_text(error))
        return _back(group)
    message = (
        _("You will be notified of every new post in this group.")
        if value
        else _("You will no longer be notified of every new post in this group.")
    )
    if _wants_json(request):
        return JsonResponse({"follow_closely": value, "message": message})
    messages.success(request, message)
    return _back(group)


def _answer_invitation(request, slug, accept: bool):
    group = _group(request, slug)
    invitation = Invitation.objects.filter(
        group=group, user=request.user, status=Invitation.PENDING
    ).first()
    if invitation is None:
        messages.error(request, _("This invitation has already been answered."))
        return redirect("groups:invitations")
    if accept:
        services.accept_invitation(request.user, invitation)
        messages.success(request, _("Welcome to the group!"))
        return _back(group)
    services.decline_invitation(request.user, invitation)
    messages.success(request, _("Invitation declined."))
    return redirect("groups:invitations")


@require_POST
def accept_invitation(request, slug):
    return _answer_invitation(request, slug, accept=True)


@require_POST
def decline_invitation(request, slug):
    return _answer_invitation(request, slug, accept=False)


def invitations(request):
    pending = (
        Invitation.objects.filter(user=request.user, status=Invitation.PENDING)
        .select_related("group", "invited_by", *avatars.related("invited_by"))
        .order_by("-created_at", "-pk")
    )
    return render(request, "groups/invitations.html", {"invitations": pending})


# --- Members --------------------------------------------------------------------------------


def _group_with_content(request, slug) -> Group:
    group = _group(request, slug)
    if not services.can_see_content(request.user, group):
        raise PermissionDenied
    return group


def members(request, slug, invite_form=None):
    group = _group_with_content(request, slug)
    can_moderate = services.can_moderate(request.user, group)
    is_owner = group.my_role == Membership.OWNER or request.user.has_perm("groups.change_group")
    people = services.members_of(group).select_related(*avatars.related("user"))
    page = Paginator(people, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    pending = []
    if can_moderate:
        pending = list(
            JoinRequest.objects.filter(group=group, status=JoinRequest.PENDING)
            .select_related("user", *avatars.related("user"))
            .order_by("created_at", "pk")
        )
    can_invite = services.can_invite(request.user, group)
    return render(
        request,
        "groups/members.html",
        {
            "group": group,
            "page": page,
            "can_moderate": can_moderate,
            "is_owner": is_owner,
            "can_see_content": True,
            "tabs": group_tabs(group, "members"),
            "role_choices": Membership.ROLE_CHOICES,
            "pending_requests": pending,
            "can_invite": can_invite,
            "invite_form": invite_form
            or (InviteForm(inviter=request.user) if can_invite else None),
        },
        status=400 if invite_form is not None and invite_form.errors else 200,
    )


@require_POST
@rate_limit("group")
def invite(request, slug):
    group = _group_with_content(request, slug)
    if not services.can_invite(request.user, group):
        raise PermissionDenied
    form = InviteForm(request.POST, inviter=request.user)
    if form.is_valid():
        try:
            created = services.invite(request.user, group, form.cleaned_data["people"])
        except ValidationError as error:
            form.add_error(
                "user_ids" if form.cleaned_data["user_ids"] else "emails", error.messages
            )
        else:
            if created:
                messages.success(
                    request,
                    _("Invitation sent to %(names)s.")
                    % {"names": ", ".join(str(i.user) for i in created)},
                )
            else:
                messages.info(request, _("They are already members or invited."))
            return _back(group, "members")
    return members(request, slug, invite_form=form)


def _member(group, user_id):
    return get_object_or_404(get_user_model(), pk=user_id, group_memberships__group=group)


@require_POST
def change_role(request, slug, user_id):
    group = _group_with_content(request, slug)
    person = _member(group, user_id)
    try:
        services.set_role(request.user, group, person, request.POST.get("role", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Role of %(name)s changed.") % {"name": person})
    return _back(group, "members")


@require_POST
def remove_member(request, slug, user_id):
    group = _group_with_content(request, slug)
    person = _member(group, user_id)
    try:
        services.remove_member(request.user, group, person)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(name)s was removed from the group.") % {"name": person})
    return _back(group, "members")


@require_POST
def answer_request(request, slug, request_id, decision):
    if decision not in {"approve", "decline"}:
        raise Http404
    group = _group_with_content(request, slug)
    if not services.can_moderate(request.user, group):
        raise PermissionDenied
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "group"), pk=request_id, group=group
    )
    try:
        if decision == "approve":
            services.approve_request(request.user, join_request)
            messages.success(request, _("%(name)s joined the group.") % {"name": join_request.user})
        else:
            services.decline_request(request.user, join_request)
            messages.success(request, _("Request declined."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return _back(group, "members")


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")
