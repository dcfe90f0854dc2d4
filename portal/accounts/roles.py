"""Roles are Django groups with permissions: employee, editor, HR, administrator.

The groups are created and their permissions granted after every ``migrate`` (so a new
plugin's permissions reach the roles), never by hand. Plugins add permissions to roles
by declaring ``role_permissions = {"employee": ["bookmarks.add_bookmark"]}`` in their
``PortalPluginMeta``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

EMPLOYEE = "employee"
EDITOR = "editor"
HR = "hr"
ADMINISTRATOR = "administrator"


@dataclass(frozen=True)
class Role:
    key: str
    group_name: str
    label: str
    description: str
    #: "app_label.codename" permissions; "app_label.*" grants every permission of that app.
    permissions: tuple[str, ...]


ROLES: dict[str, Role] = {
    EMPLOYEE: Role(
        EMPLOYEE,
        "Employees",
        _("Employee"),
        _("Reads, posts, talks and organises. Every active account has this role."),
        (),
    ),
    EDITOR: Role(
        EDITOR,
        "Editors",
        _("Editor"),
        _("Publishes news, courses, sessions and pages in the Wagtail admin."),
        (
            "wagtailadmin.access_admin",
            # The "Translate" action of pages (wagtail.contrib.simple_translation).
            "simple_translation.submit_translation",
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
            "wagtaildocs.choose_document",
            "weeks.view_initiative",
            "weeks.change_initiative",
            "news.view_newscategory",
            "news.add_newscategory",
            "news.change_newscategory",
            "news.delete_newscategory",
        ),
    ),
    HR: Role(
        HR,
        "HR",
        _("HR"),
        _("Keeps people, departments and the org chart true; handles data requests."),
        (
            "wagtailadmin.access_admin",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.view_department",
            "accounts.add_department",
            "accounts.change_department",
            "accounts.delete_department",
        ),
    ),
    ADMINISTRATOR: Role(
        ADMINISTRATOR,
        "Administrators",
        _("Administrator"),
        _("Runs the portal: plugins, themes, roles and every permission."),
        ("*",),
    ),
}

#: Page permissions each role gets on the whole page tree.
PAGE_PERMISSIONS = {
    EDITOR: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
    ADMINISTRATOR: (
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ),
}


def role_group(key: str) -> Group:
    group, _created = Group.objects.get_or_create(name=ROLES[key].group_name)
    return group


def _permissions(specs) -> list[Permission]:
    query = Q(pk__in=[])
    for spec in specs:
        if spec == "*":
            return list(Permission.objects.all())
        app_label, codename = spec.split(".", 1)
        if codename == "*":
            query |= Q(content_type__app_label=app_label)
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def plugin_role_permissions() -> dict[str, list[str]]:
    from portal.plugins import get_plugins

    contributed: dict[str, list[str]] = {}
    for config in get_plugins():
        declared = getattr(config.PortalPluginMeta, "role_permissions", {}) or {}
        for key, specs in declared.items():
            if key not in ROLES:
                raise ValueError(f"Plugin {config.label} grants permissions to unknown role {key}")
            contributed.setdefault(key, []).extend(specs)
    return contributed


def sync_roles() -> None:
    """Create the role groups and grant their permissions (idempotent, additive)."""
    contributed = plugin_role_permissions()
    for key, role in ROLES.items():
        group = role_group(key)
        wanted = _permissions((*role.permissions, *contributed.get(key, ())))
        if wanted:
            group.permissions.add(*wanted)
    _grant_page_permissions()


def _grant_page_permissions() -> None:
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    for key, codenames in PAGE_PERMISSIONS.items():
        group = role_group(key)
        for permission in Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        ):
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def assign_role(user, key: str) -> None:
    user.groups.add(role_group(key))


def remove_role(user, key: str) -> None:
    user.groups.remove(role_group(key))


def has_role(user, key: str) -> bool:
    return user.is_active and user.groups.filter(name=ROLES[key].group_name).exists()


def section_editors(name: str, section, codenames=("add_page", "change_page")) -> Group:
    """A group of editors limited to one section of the site (its page and the pages
    below it): for example "News editors" who write news and submit them for moderation,
    while the Editors role publishes. Idempotent."""
    from wagtail.models import GroupPagePermission

    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(*_permissions(ROLES[EDITOR].permissions))
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=codenames
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=section, permission=permission)
    return group
