"""The portal's URLs plus a bare JSON view: the baseline every endpoint is compared with.

The bare view is mounted first and otherwise goes through everything a real request does:
the whole middleware stack (sessions, locale, CSRF, authentication, the user's language,
the intranet login check...) as the same logged-in user.
"""

from django.http import JsonResponse
from django.urls import path

from portal import urls as portal_urls

BARE_PATH = "/__bench__/bare/"


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path(BARE_PATH.strip("/") + "/", bare, name="bench-bare"),
    *portal_urls.urlpatterns,
]

handler404 = portal_urls.handler404
handler403 = portal_urls.handler403
handler500 = portal_urls.handler500
