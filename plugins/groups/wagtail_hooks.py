"""Admin side of groups: a read-only list of every group (secret ones included) for the
people who administer groups, with their owners and member counts."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from plugins.groups.models import Group, Membership

PERMISSION = "groups.change_group"


def group_list(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    groups = (
        Group.objects.select_related("department")
        .annotate(
            members=Count("memberships", filter=Q(memberships__user__is_active=True)),
        )
        .order_by("name", "pk")
    )
    query = request.GET.get("q", "").strip()
    if query:
        groups = groups.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    page = Paginator(groups, 50).get_page(request.GET.get("p"))
    owners: dict[int, list[str]] = {}
    for membership in Membership.objects.filter(
        group__in=[g.pk for g in page.object_list], role=Membership.OWNER
    ).select_related("user"):
        owners.setdefault(membership.group_id, []).append(str(membership.user))
    rows = [{"group": g, "owners": owners.get(g.pk, [])} for g in page.object_list]
    return render(
        request,
        "groups/admin_list.html",
        {"rows": rows, "page": page, "query": query, "header_title": _("Groups")},
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("groups/", group_list, name="groups_admin_list")]


class GroupsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return GroupsMenuItem(
        _("Groups"), reverse("groups_admin_list"), name="groups", icon_name="group", order=650
    )
