"""The reaction form's target and the "who reacted" page.

Both refuse (404) a target the person may not see. The form works without JavaScript
(redirects back); reactions.js posts it with ``X-Requested-With: fetch`` and gets the
re-rendered widget to swap in place.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from plugins.reactions import services
from plugins.reactions.models import Reaction
from plugins.reactions.templatetags.reactions_tags import kinds_of
from portal import interactions
from portal.ratelimit import rate_limit


def is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@require_POST
@rate_limit("reaction")
def react(request, content_type_id: int, object_id: int):
    """Choose a reaction; choosing the one you already gave takes it back."""
    target = services.get_target(request.user, content_type_id, object_id)
    kind = request.POST.get("kind", "")
    try:
        if kind and kind == services.summary(request.user, target)["mine"]:
            services.unreact(request.user, target)
        else:
            services.react(request.user, target, kind)
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.message_dict["kind"]))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = interactions.url_of(target) or "/"
    if is_fetch(request):
        html = render_to_string(
            "reactions/fragment.html",
            {
                "target": target,
                "summary": services.summary(request.user, target),
                "reaction_next": next_url,
            },
            request=request,
        )
        return HttpResponse(html)
    return redirect(next_url)


def people(request, content_type_id: int, object_id: int):
    """Who reacted, with a tab per kind."""
    target = services.get_target(request.user, content_type_id, object_id)
    kind = request.GET.get("kind") or None
    if kind not in (None, *services.KINDS):
        kind = None
    summary = services.summary(request.user, target)
    paginator = Paginator(services.reactors(request.user, target, kind), 30)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reactions/people.html",
        {
            "target": target,
            "target_url": interactions.url_of(target),
            "target_title": interactions.title_of(target),
            "summary": summary,
            "kinds": [k for k in kinds_of(summary) if k["count"]],
            "kind": kind,
            "page": page,
            "rows": [(reaction, Reaction.EMOJI[reaction.kind]) for reaction in page.object_list],
        },
    )
