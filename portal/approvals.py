"""Who may approve a submission: one rule for every approval in the portal.

With ``PORTAL_ALLOW_SELF_APPROVAL`` off (the default), nobody approves what they
submitted themselves: a submission needs a second person. The approve action is not
offered to the submitter, and a request that tries anyway is refused with
:data:`SELF_APPROVAL_MESSAGE` (:class:`SelfApprovalRefused`, a ``PermissionDenied``: 403
in the API, a message in the admin). Rejecting one's own submission (withdrawing it)
stays possible.

It covers:

- themed-week initiatives (:func:`portal.editorial.weeks.services.moderate_initiative`:
  approving or featuring, which approves too);
- pages (and snippets) in a Wagtail moderation workflow, whoever made the task: Wagtail's
  default "Moderators approval", the "News moderation" workflow, any task an
  administrator creates. Wagtail asks each task type what a reviewer may do
  (``get_actions``), which task states they review (``get_task_states_user_can_moderate``)
  and performs the decision (``on_action``); :func:`install_workflow_guard` wraps those of
  every task type at start-up, so that the submitter of a workflow (its
  ``requested_by``) gets no "Approve" and cannot approve by a crafted request. A custom
  task type would only have covered the workflows that use it.

Note that Wagtail lets people with *publish* permission publish without any moderation:
the rule is about approving a submission, not about who may publish.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

APPROVE = "approve"

SELF_APPROVAL_MESSAGE = _(
    "You cannot approve your own submission: another person with the right to approve must do it."
)


class SelfApprovalRefused(PermissionDenied):
    """The submitter tried to approve their own submission."""

    code = "self_approval"

    def __init__(self, message=SELF_APPROVAL_MESSAGE):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def self_approval_allowed() -> bool:
    return bool(getattr(settings, "PORTAL_ALLOW_SELF_APPROVAL", False))


def may_approve(user, submitter_id) -> bool:
    """Whether ``user`` may approve a submission of the person ``submitter_id`` (as far
    as this rule goes: whether they approve at all is the caller's permission check)."""
    if self_approval_allowed() or submitter_id is None:
        return True
    return getattr(user, "pk", None) != submitter_id


def check_may_approve(user, submitter_id) -> None:
    """Raise :class:`SelfApprovalRefused` when ``user`` would approve their own
    submission and the setting forbids it."""
    if not may_approve(user, submitter_id):
        raise SelfApprovalRefused


# --- Wagtail workflows ------------------------------------------------------------------


def workflow_submitter_id(obj) -> int | None:
    """Who submitted ``obj`` (a page or snippet) to the workflow it is in, if any."""
    state = getattr(obj, "current_workflow_state", None)
    return state.requested_by_id if state is not None else None


def _guard_get_actions(original):
    @functools.wraps(original)
    def get_actions(self, obj, user):
        actions = original(self, obj, user)
        if actions and not may_approve(user, workflow_submitter_id(obj)):
            actions = [action for action in actions if action[0] != APPROVE]
        return actions

    return get_actions


def _guard_on_action(original):
    @functools.wraps(original)
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == APPROVE:
            check_may_approve(user, task_state.workflow_state.requested_by_id)
        return original(self, task_state, user, action_name, **kwargs)

    return on_action


def _guard_reviewable(original):
    @functools.wraps(original)
    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = original(self, user, **kwargs)
        if self_approval_allowed() or not getattr(user, "pk", None):
            return states
        # Not "awaiting your review" on the dashboard: the submitter does not approve.
        return states.exclude(workflow_state__requested_by=user)

    return get_task_states_user_can_moderate


_GUARDS = {
    "get_actions": _guard_get_actions,
    "on_action": _guard_on_action,
    "get_task_states_user_can_moderate": _guard_reviewable,
}


def install_workflow_guard() -> None:
    """Wrap the decisions of every Wagtail task type (idempotent; run once the models are
    loaded, from the core app's ``ready``)."""
    from wagtail.workflows import get_task_types

    for task_type in get_task_types():
        for name, guard in _GUARDS.items():
            method = getattr(task_type, name)
            if getattr(method, "_portal_approval_guard", False):
                continue
            wrapped = guard(method)
            wrapped._portal_approval_guard = True
            setattr(task_type, name, wrapped)


def refuse_own_approval_in_page_editor(request, page):
    """Wagtail's ``before_edit_page`` hook: a submitter who posts "approve" from the page
    editor (a stale or crafted form; the button is not offered) is told why, instead of
    Wagtail quietly saving a draft."""
    from django.contrib import messages
    from django.shortcuts import redirect

    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    if request.POST.get("workflow-action-name") != APPROVE:
        return None
    if may_approve(request.user, workflow_submitter_id(page)):
        return None
    messages.error(request, SELF_APPROVAL_MESSAGE)
    return redirect("wagtailadmin_pages:edit", page.pk)
