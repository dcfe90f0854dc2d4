"""My bookmarks, and the bookmark button's form target."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plugins.bookmarks import services
from portal.ratelimit import rate_limit


def my_bookmarks(request):
    paginator = Paginator(services.visible_bookmarks(request.user), 20)
    page = paginator.get_page(request.GET.get("page"))
    items = [
        {"bookmark": b, **services.describe(b.loaded_target, request)}
        for b in services.attach_targets(page.object_list)
    ]
    return render(request, "bookmarks/my_bookmarks.html", {"page": page, "items": items})


@require_POST
@rate_limit("bookmark")
def toggle(request):
    """Bookmark or un-bookmark the posted object; answers JSON to scripts, else redirects."""
    try:
        target = services.resolve_target(
            request.user, request.POST.get("type", ""), request.POST.get("id", "")
        )
    except services.BookmarkError as error:
        if _wants_json(request):
            return JsonResponse(
                {"status": 400, "code": "invalid", "detail": str(error)}, status=400
            )
        return HttpResponseBadRequest(str(error))
    saved = services.toggle_bookmark(request.user, target)
    if _wants_json(request):
        return JsonResponse({"bookmarked": saved})
    messages.success(request, _("Bookmark saved.") if saved else _("Bookmark removed."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "bookmarks:list"
    return redirect(next_url)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")
