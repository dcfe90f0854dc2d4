"""The portal's URLs: accounts, the API, Wagtail's admin, search, each plugin's ``urls.py``
(mounted under /<label>/ and namespaced by its label) and, last, Wagtail's pages."""

from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import files
from portal.core import styleguide, views, webapp
from portal.plugins import plugin_submodules


def plugin_urlpatterns():
    return [
        path(f"{config.label}/", include((module, config.label), namespace=config.label))
        for config, module in plugin_submodules("urls")
    ]


urlpatterns = [
    path("healthz", views.health, name="health"),
    # The installable app: manifest, service worker (scope "/"), offline page.
    path("manifest.webmanifest", webapp.manifest, name="webmanifest"),
    path("sw.js", webapp.service_worker, name="service-worker"),
    path("offline/", webapp.offline, name="offline"),
    path("account/", include("portal.accounts.urls")),
    path("api/", include("portal.api.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", include("search.urls")),
    path("styleguide/", styleguide.styleguide, name="styleguide"),
    # Files that belong to content with an audience: always through the policy.
    path("files/<str:key>/<str:pk>/<str:filename>", files.serve_private, name="portal-file"),
    *plugin_urlpatterns(),
]

if getattr(settings, "PORTAL_SERVE_FILES", False) and settings.MEDIA_URL.startswith("/"):
    # Public media (Wagtail's images) with safe headers, DEBUG or not (portal.files).
    media = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media}/(?P<path>.+)$", files.serve_media, name="portal-media")]

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "portal.core.views.page_not_found"
handler403 = "portal.core.views.permission_denied"
handler500 = "portal.core.views.server_error"
