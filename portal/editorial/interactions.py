"""What people may do with the editorial pages besides reading them (see
:mod:`portal.interactions`): share them into the feed or a group.

One function, called from each editorial app's ``ready()``: it declares the page types of
the editorial apps that are installed (each call declares them all again, which changes
nothing), under the one ``/api/pages/<id>/`` prefix, ids looked up among Wagtail's pages.
"""

from __future__ import annotations

from django.apps import apps

#: ``app label: page models`` that people may share.
SHAREABLE_PAGES = {
    "news": ("NewsPage",),
    "learning": ("CoursePage", "LessonPage"),
    "wellness": ("WellnessSessionPage",),
    "weeks": ("ThemedWeekPage",),
}


def declare_pages() -> None:
    from wagtail.models import Page

    from portal import interactions

    for label, names in SHAREABLE_PAGES.items():
        if not apps.is_installed(f"portal.editorial.{label}"):
            continue
        for name in names:
            interactions.declare(
                apps.get_model(label, name),
                # Sharing only here; comments and reactions on pages are declared elsewhere.
                comments=interactions.NOBODY,
                reactions=False,
                shareable=True,
                api_prefix="pages",
                lookup_model=Page,
            )
