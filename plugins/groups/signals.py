"""The groups plugin's contributions to the core, and department groups following the
org chart."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import signals, visibility
from portal.accounts.models import Department
from portal.navigation import HomePanel, NavItem

User = get_user_model()

HOME_PANEL_SIZE = 8


def group_tokens(sender, user, **kwargs):
    """Members hold ``group:<id>`` for their groups; everyone holds it for public groups."""
    from plugins.groups.services import token_group_ids

    return [visibility.group_token(pk) for pk in token_group_ids(user)]


# No ``sender`` filter: views hand the policy ``request.user``, a lazy object whose type()
# is not the user model, and a member must never be refused their own group's content.
signals.audience_tokens.connect(group_tokens, dispatch_uid="groups_audience_tokens")


def nav_entry(sender, request, **kwargs):
    return NavItem(
        label=_("Groups"), url=reverse("groups:directory"), icon="users", order=20, phone=True
    )


def home_panel(sender, request, **kwargs):
    from plugins.groups.models import Group

    groups = list(
        Group.objects.filter(memberships__user=request.user).order_by("name", "pk")[
            : HOME_PANEL_SIZE + 1
        ]
    )
    return HomePanel(
        title=_("My groups"),
        template="groups/home_panel.html",
        context={"groups": groups[:HOME_PANEL_SIZE], "more": len(groups) > HOME_PANEL_SIZE},
        order=20,
        more_url=reverse("groups:directory"),
    )


signals.nav_items.connect(nav_entry, dispatch_uid="groups_nav")
signals.home_panels.connect(home_panel, dispatch_uid="groups_home_panel")


# --- Department groups --------------------------------------------------------------------
#
# Saving a department or a person keeps their groups in step at once; what model signals
# do not see (the HR import's bulk writes, a department moving under another parent, a
# deleted department's people) is reconciled by a full sync once the transaction commits
# (or inside the import's transaction, which announces itself with org_chart_changed).


def _run_full_sync():
    from plugins.groups.services import sync_department_groups

    sync_department_groups()


def _schedule_full_sync() -> None:
    connection = transaction.get_connection()
    pending = any(entry[1] is _run_full_sync for entry in connection.run_on_commit)
    if not pending:
        transaction.on_commit(_run_full_sync)


def remember_parent(sender, instance, raw=False, **kwargs):
    instance._groups_old_parent_id = (
        Department.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first()
        if instance.pk and not raw
        else None
    )


def department_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    from plugins.groups.services import ensure_department_group

    ensure_department_group(instance)
    if not created and getattr(instance, "_groups_old_parent_id", None) != instance.parent_id:
        _schedule_full_sync()


def department_deleted(sender, instance, **kwargs):
    from plugins.groups.services import detach_department_group

    detach_department_group(instance)
    _schedule_full_sync()


def user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and not {"department", "department_id", "is_active"} & set(
        update_fields
    ):
        return
    from plugins.groups.services import sync_user_department_groups

    sync_user_department_groups(instance)


def org_chart_changed(sender, **kwargs):
    from plugins.groups.services import sync_department_groups

    sync_department_groups()


pre_save.connect(remember_parent, sender=Department, dispatch_uid="groups_department_parent")
post_save.connect(department_saved, sender=Department, dispatch_uid="groups_department_saved")
pre_delete.connect(department_deleted, sender=Department, dispatch_uid="groups_department_deleted")
post_save.connect(user_saved, sender=User, dispatch_uid="groups_user_saved")
signals.org_chart_changed.connect(org_chart_changed, dispatch_uid="groups_org_chart_changed")


# --- What the visibility policy remembers ---------------------------------------------------
#
# Tokens and group ids are remembered between requests (portal.visibility.remembered):
# a membership changes one person's; a public group appearing or a group changing privacy
# changes everyone's.


def membership_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        visibility.access_changed(instance.user_id)


def remember_privacy(sender, instance, raw=False, **kwargs):
    instance._groups_old_privacy = (
        sender.objects.filter(pk=instance.pk).values_list("privacy", flat=True).first()
        if instance.pk and not raw
        else None
    )


def group_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        if instance.privacy == sender.PUBLIC:
            visibility.access_changed()
    elif getattr(instance, "_groups_old_privacy", instance.privacy) != instance.privacy:
        visibility.access_changed()


def group_deleted(sender, instance, **kwargs):
    visibility.access_changed()


def _connect_access_receivers() -> None:
    from django.db.models.signals import post_delete

    from plugins.groups.models import Group, Membership

    post_save.connect(membership_changed, sender=Membership, dispatch_uid="groups_access_member")
    post_delete.connect(
        membership_changed, sender=Membership, dispatch_uid="groups_access_member_gone"
    )
    pre_save.connect(remember_privacy, sender=Group, dispatch_uid="groups_access_privacy")
    post_save.connect(group_saved, sender=Group, dispatch_uid="groups_access_group")
    post_delete.connect(group_deleted, sender=Group, dispatch_uid="groups_access_group_gone")


_connect_access_receivers()
