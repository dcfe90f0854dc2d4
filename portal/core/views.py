from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.api.errors import json_error


@never_cache
def health(request):
    """Liveness and database check for load balancers; open without login."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _wants_json(request):
        return json_error(404, "not_found", _("Not found."))
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return json_error(403, "permission_denied", _("You do not have permission to do this."))
    return render(request, "403.html", status=403)


def server_error(request):
    if _wants_json(request):
        return json_error(
            500, "server_error", _("Something went wrong on our side; it has been logged.")
        )
    return render(request, "500.html", status=500)
