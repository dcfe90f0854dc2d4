from django.http import Http404
from wagtail import hooks

from portal import approvals
from portal.core.visibility_rules import audience_allows


@hooks.register("before_serve_page")
def serve_only_to_the_audience(page, request, serve_args, serve_kwargs):
    """A page restricted to departments answers 404 to everyone else, as if absent."""
    if not audience_allows(request.user, page):
        raise Http404


# Nobody approves their own submission unless PORTAL_ALLOW_SELF_APPROVAL (portal/approvals.py).
hooks.register("before_edit_page", approvals.refuse_own_approval_in_page_editor)
