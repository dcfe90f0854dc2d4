from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal import approvals
from portal.core import localisation
from portal.core.models import UrgentOverride
from portal.core.visibility_rules import audience_allows


@hooks.register("before_serve_page")
def serve_only_to_the_audience(page, request, serve_args, serve_kwargs):
    """A page restricted to departments answers 404 to everyone else, as if absent."""
    if getattr(request, "_portal_audience_allowed", None) == page.pk:
        return None  # checked while routing (portal.core.localisation.route)
    if not audience_allows(request.user, page):
        raise Http404
    return None


@hooks.register("before_serve_page")
def read_in_the_readers_language(page, request, serve_args, serve_kwargs):
    """The address of a page whose version in the reader's language has another address
    (a translation with its own slug) leads to that version (``?lang=`` reads this one)."""
    url = localisation.version_redirect(page, request)
    return redirect(url) if url else None


# Nobody approves their own submission unless PORTAL_ALLOW_SELF_APPROVAL (portal/approvals.py).
hooks.register("before_edit_page", approvals.refuse_own_approval_in_page_editor)


# --- Mode off: the log of urgent overrides, read-only ---------------------------------


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The log is the company's record: administrators read it, nobody edits or deletes
    it (not even with every permission)."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(["view"])


class UrgentOverrideViewSet(SnippetViewSet):
    model = UrgentOverride
    icon = "warning"
    menu_label = _("Urgent overrides")
    add_to_admin_menu = False
    inspect_view_enabled = True
    list_display = ["created_at", "actor", "channel", "reason"]
    list_filter = ["channel"]
    ordering = ["-created_at"]


register_permission_policy(UrgentOverride, ReadOnlyPolicy(UrgentOverride), exact_class=True)
register_snippet(UrgentOverrideViewSet)
