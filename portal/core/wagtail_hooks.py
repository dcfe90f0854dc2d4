from django.http import Http404
from django.shortcuts import redirect
from wagtail import hooks

from portal import approvals
from portal.core import localisation
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
