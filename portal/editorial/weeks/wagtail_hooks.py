"""Admin side of themed weeks: the moderation queue of employees' initiatives."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal import approvals
from portal.editorial.weeks import services
from portal.editorial.weeks.models import Initiative


def _require_moderator(request) -> None:
    if not services.can_moderate(request.user):
        raise PermissionDenied


def moderation_queue(request):
    """Initiatives waiting for a decision, then the latest approved ones."""
    _require_moderator(request)
    recent = list(
        Initiative.objects.filter(status=Initiative.Status.APPROVED)
        .select_related("author", "week")
        .order_by("-moderated_at", "-pk")[:20]
    )
    pending = list(services.pending_initiatives())
    for initiative in (*pending, *recent):
        # One's own initiative is approved (or featured) by another editor.
        initiative.may_approve = services.may_approve(request.user, initiative)
    return render(
        request,
        "weeks/admin/moderation.html",
        {
            "pending": pending,
            "recent": recent,
            "header_title": _("Initiatives to moderate"),
            "actions": services.MODERATION_ACTIONS,
        },
    )


@require_POST
def moderate(request, initiative_id: int):
    _require_moderator(request)
    initiative = get_object_or_404(Initiative, pk=initiative_id)
    action = request.POST.get("action", "")
    if action not in services.MODERATION_ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("weeks_moderation")
    try:
        services.moderate_initiative(request.user, initiative, action)
    except approvals.SelfApprovalRefused as error:
        messages.error(request, str(error))
        return redirect("weeks_moderation")
    labels = {
        services.APPROVE: _("“%(title)s” approved."),
        services.REJECT: _("“%(title)s” rejected."),
        services.FEATURE: _("“%(title)s” approved and featured."),
        services.UNFEATURE: _("“%(title)s” no longer featured."),
    }
    messages.success(request, labels[action] % {"title": initiative.title})
    return redirect("weeks_moderation")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("weeks/initiatives/", moderation_queue, name="weeks_moderation"),
        path(
            "weeks/initiatives/<int:initiative_id>/moderate/",
            moderate,
            name="weeks_moderate",
        ),
    ]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return services.can_moderate(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModerationMenuItem(
        gettext_lazy("Week initiatives"),
        reverse("weeks_moderation"),
        name="weeks-initiatives",
        icon_name="tick-inverse",
        order=350,
    )
