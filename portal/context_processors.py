from django.conf import settings


def portal(request):
    """Names every template may use: the site name and the active theme."""
    return {
        "portal_site_name": settings.WAGTAIL_SITE_NAME,
        "portal_theme": settings.PORTAL_THEME,
    }
