from django.http import Http404
from wagtail import hooks

from portal.core.visibility_rules import audience_allows


@hooks.register("before_serve_page")
def serve_only_to_the_audience(page, request, serve_args, serve_kwargs):
    """A page restricted to departments answers 404 to everyone else, as if absent."""
    if not audience_allows(request.user, page):
        raise Http404
