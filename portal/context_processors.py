from django.conf import settings

from portal.core import webapp


def portal(request):
    """Names every template may use: the site name, the active theme, and whether pages
    register the service worker."""
    return {
        "portal_site_name": settings.WAGTAIL_SITE_NAME,
        "portal_theme": settings.PORTAL_THEME,
        "portal_service_worker": getattr(settings, "PORTAL_SERVICE_WORKER", True),
        # The browser's bar takes the top bar's colour, in each scheme (read once).
        "portal_theme_colours": {
            scheme: webapp.theme_colour(*webapp.THEME_COLOR, scheme=scheme)
            for scheme in ("light", "dark")
        },
    }
