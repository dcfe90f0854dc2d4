"""When what a person may see changes, forget what the visibility policy remembered.

:func:`portal.visibility.remembered` keeps each person's tokens, page restrictions and
permissions between requests. These receivers give new versions when the core's inputs of
those change: the person (department, activity), their Django groups and permissions, the
departments, the org chart import, and the pages (publication, moves, audiences, view
restrictions). Plugins connect their own (memberships, follows).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal import signals, visibility


def _person_changed(sender, instance, **kwargs):
    visibility.access_changed(instance)


def _people_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        visibility.access_changed(instance)
    elif pk_set:
        visibility.access_changed(list(pk_set))
    else:  # a group cleared of its members: who they were is gone
        visibility.access_changed()


def _everyone_changed(sender=None, **kwargs):
    visibility.access_changed()


def _page_changed(sender, instance, **kwargs):
    if isinstance(instance, Page):
        visibility.access_changed()


def _restriction_groups_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        visibility.access_changed()


def connect() -> None:
    from portal.accounts.models import Department
    from portal.core.models import PageAudience

    User = get_user_model()
    uid = "portal.core.access"
    post_save.connect(_person_changed, sender=User, dispatch_uid=f"{uid}.user")
    post_delete.connect(_person_changed, sender=User, dispatch_uid=f"{uid}.user-deleted")
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(
            _people_groups_changed, sender=through, dispatch_uid=f"{uid}.{through.__name__}"
        )
    m2m_changed.connect(
        _restriction_groups_changed,
        sender=AuthGroup.permissions.through,
        dispatch_uid=f"{uid}.group-permissions",
    )
    for model in (Department, PageAudience, PageViewRestriction, AuthGroup):
        post_save.connect(_everyone_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
        post_delete.connect(
            _everyone_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}-deleted"
        )
    m2m_changed.connect(
        _restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid=f"{uid}.restriction-groups",
    )
    signals.org_chart_changed.connect(_everyone_changed, dispatch_uid=f"{uid}.org-chart")
    # Any page type: post_save is sent with the concrete class as sender.
    post_save.connect(_page_changed, dispatch_uid=f"{uid}.page")
    post_delete.connect(_page_changed, dispatch_uid=f"{uid}.page-deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_everyone_changed, dispatch_uid=f"{uid}.{id(signal)}")
