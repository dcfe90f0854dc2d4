"""Content in several languages: which version of a page each person reads.

Wagtail keeps one page tree per language (``WAGTAIL_I18N_ENABLED``, the languages of
``WAGTAIL_CONTENT_LANGUAGES``). An editor translates a page with the admin's "Translate"
action (``wagtail.contrib.simple_translation``): it copies the page, as a draft, under the
translation of its parent; the versions of a page share its ``translation_key``. A
person's language is their profile's, else the one the browser asks for
(:func:`reader_language`).

The rules, applied wherever the portal lists or links pages (the listings and their home
panels, the news feeds, the pages API, search):

* **One version of each page.** :func:`localized_pages` keeps, for each
  ``translation_key``, the version in the reader's language when they may see it (live,
  visible to them), else the one in the default language (``LANGUAGE_CODE``), else the
  oldest: never two versions of the same page. :func:`localized` does the same for one
  page.
* **One address for all versions.** A translation keeps its original's slug, under the
  translation of its parent, so the versions of a page share their address, and that
  address shows each person the version in their language: the home page routes through
  the reader's tree first, then the others (:func:`route`), so that a page nobody has
  translated yet is found in its own tree. ``?lang=en`` asks for a given version; every
  page links its other versions ("Read in English", "Lire en français",
  :func:`other_versions`). A translation whose slug the editor changed has an address of
  its own: a person who opens the original's address is sent to the version in their
  language (:func:`version_redirect`), as on LumApps, where content opens in the reader's
  language with a switch to the others; readers of shared links get their own language
  the same way, and ``?lang=`` or the switch still reads the original.
* **Shared by all versions**: what is about the event rather than the text. A wellness
  session's bookings and a themed week's initiatives belong to every version (see those
  apps' services); a course's enrolments are per version (a person follows a course in
  one language), and a prerequisite is met by completing any version of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import translation

#: The query parameter that asks for a given version of a page (``?lang=en``).
VERSION_PARAMETER = "lang"


def enabled() -> bool:
    return bool(getattr(settings, "WAGTAIL_I18N_ENABLED", False))


def content_languages() -> list[str]:
    """The codes of the languages content is written in (``WAGTAIL_CONTENT_LANGUAGES``)."""
    from wagtail.coreutils import get_content_languages

    return list(get_content_languages())


def content_language(code) -> str | None:
    """``code`` ("fr", "fr-CA", "FR") as one of the content languages, or None."""
    from wagtail.coreutils import get_supported_content_language_variant

    if not code or not isinstance(code, str) or len(code) > 20:
        return None
    try:
        return get_supported_content_language_variant(code.strip().lower())
    except LookupError:
        return None


def default_language() -> str:
    """The language of the site's original content (``LANGUAGE_CODE``)."""
    return content_language(settings.LANGUAGE_CODE) or settings.LANGUAGE_CODE


def reader_language(user=None) -> str:
    """The language ``user`` reads content in: their profile's, else the active language
    (the language cookie or the browser's, chosen by the middleware), else the default."""
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    if preferred and getattr(user, "is_authenticated", False):
        language = content_language(preferred)
        if language:
            return language
    return content_language(translation.get_language()) or default_language()


def requested_language(request) -> str | None:
    """The version asked for with ``?lang=`` (None when absent or not a content language)."""
    if request is None:
        return None
    return content_language(request.GET.get(VERSION_PARAMETER, ""))


# --- Lists of pages --------------------------------------------------------------------


def localized_pages(queryset: QuerySet, language: str | None = None) -> QuerySet:
    """``queryset`` with one version of each page: per ``translation_key``, the page in
    ``language`` (the active reader language by default) if the queryset holds it, else
    the one in the default language, else the oldest.

    "Holds" is the point: give the queryset of what the person may see (live, visible),
    and a translation they may not see never hides the original. One query, whatever the
    number of pages: the choice is made by the database (``EXISTS`` subqueries on the
    queryset itself), so ordering, slicing and pagination work as before. Call it before
    annotating aggregates. Without i18n, the queryset is returned as it is."""
    if not enabled():
        return queryset
    language = content_language(language) or reader_language()
    default = default_language()
    same = queryset.order_by().filter(translation_key=OuterRef("translation_key"))
    in_default = Q(locale__language_code=default)
    has_default = Exists(same.filter(locale__language_code=default))
    # Neither the reader's nor the default language: the oldest version stands.
    oldest = ~has_default & ~Exists(same.filter(pk__lt=OuterRef("pk")))
    if language == default:
        return queryset.filter(in_default | oldest)
    has_language = Exists(same.filter(locale__language_code=language))
    return queryset.filter(
        Q(locale__language_code=language) | (~has_language & (in_default | oldest))
    )


def version_paths(page) -> list[tuple[str, int]]:
    """``(path, depth)`` of ``page`` and of its translations (one query with i18n)."""
    if not enabled():
        return [(page.path, page.depth)]
    from wagtail.models import Page

    rows = Page.objects.filter(translation_key=page.translation_key).values_list("path", "depth")
    return list(rows) or [(page.path, page.depth)]


def below_any_version(queryset: QuerySet, page, *, children_only: bool = False) -> QuerySet:
    """``queryset`` reduced to the pages below ``page`` or below one of its translations
    (their children only with ``children_only``): what a section lists in every language,
    for :func:`localized_pages` to choose from."""
    condition = Q()
    for path, depth in version_paths(page):
        if children_only:
            condition |= Q(path__startswith=path, depth=depth + 1)
        else:
            condition |= Q(path__startswith=path, depth__gt=depth)
    return queryset.filter(condition)


def in_tree_order(queryset: QuerySet) -> QuerySet:
    """``queryset`` in the page tree's order of the originals: a translation takes the
    place of its default-language version, so that a section's pages keep the editor's
    order whatever mix of languages the reader gets (tree order otherwise)."""
    if not enabled():
        return queryset.order_by("path")
    from django.db.models import Subquery
    from django.db.models.functions import Coalesce
    from wagtail.models import Page

    original = Page.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=default_language()
    ).values("path")[:1]
    return queryset.annotate(original_path=Coalesce(Subquery(original), "path")).order_by(
        "original_path", "path"
    )


def localized_visible(user, queryset: QuerySet, language: str | None = None) -> QuerySet:
    """What ``user`` may see of ``queryset``, one version of each page, in their language."""
    from portal import visibility

    visible = visibility.filter_visible(user, queryset)
    return localized_pages(visible, language or reader_language(user))


def reader_languages(page) -> set[str] | None:
    """The reader languages for which ``page`` is the version :func:`localized_pages`
    keeps among its versions that anyone may be shown (live, no unpublished parent);
    None when it has no other such version (it is for everyone). For the search index.
    Two queries at most."""
    if not enabled() or not page.live:
        return None
    from wagtail.models import Page

    rows = list(
        Page.objects.filter(translation_key=page.translation_key, live=True).values_list(
            "pk", "path", "locale__language_code"
        )
    )
    if len(rows) <= 1:
        return None
    step = page.steplen
    parents = {path[:end] for _pk, path, _code in rows for end in range(step, len(path), step)}
    withdrawn = set(
        Page.objects.filter(path__in=parents, live=False).values_list("path", flat=True)
    )
    versions = {
        code: pk
        for pk, path, code in rows
        if not any(path.startswith(parent) for parent in withdrawn)
    }
    if len(versions) <= 1 or page.pk not in versions.values():
        return None
    default = default_language()
    oldest = min(versions.values())
    return {
        language
        for language in content_languages()
        if versions.get(language, versions.get(default, oldest)) == page.pk
    }


# --- One page --------------------------------------------------------------------------


def localized(page, user=None, language: str | None = None):
    """The version of ``page`` for ``user``: in ``language`` (their language by default)
    if it exists and they may see it, else ``page`` itself. Wagtail's ``page.localized``
    does the same without the visibility policy. No query when ``page`` is already in
    that language."""
    if page is None or not enabled():
        return page
    language = content_language(language) or reader_language(user)
    if page.locale.language_code == language:
        return page
    from portal import visibility

    model = type(page)
    versions = model.objects.filter(
        translation_key=page.translation_key, locale__language_code=language
    )
    versions = visibility.filter_visible(user, versions) if user is not None else versions.live()
    return versions.first() or page


def page_language(page) -> str:
    """The content language ``page`` is written in."""
    locale = getattr(page, "locale", None)
    return getattr(locale, "language_code", "") or default_language()


def other_versions(page, request) -> list[dict]:
    """The other versions of ``page`` the person may read, for the language switch: each
    with its ``language`` code, ``label`` ("Read in English", written in that language)
    and ``url`` (with ``?lang=``, so that it shows that version even where it shares the
    page's address). Two queries at most."""
    if page is None or not enabled() or not getattr(page, "translation_key", None):
        return []
    from wagtail.models import Page

    from portal import visibility

    user = getattr(request, "user", None)
    versions = visibility.filter_visible(
        user, Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk)
    ).select_related("locale")
    switch = []
    for version in sorted(versions, key=lambda v: v.locale.language_code):
        url = version.get_url(request)
        if not url:
            continue
        code = version.locale.language_code
        info = translation.get_language_info(code)
        with translation.override(code):
            label = translation.gettext("Read in %(language)s") % {"language": info["name_local"]}
        switch.append(
            {
                "language": code,
                "name": info["name_local"],
                "label": label,
                "url": f"{url}?{VERSION_PARAMETER}={code}",
            }
        )
    return switch


# --- Serving ---------------------------------------------------------------------------


def routing_order(home, request) -> list:
    """The versions of the site's home page to route a request through: the one asked
    for with ``?lang=``, else the reader's, then the default language's, then the others.
    Only live versions (a draft translation of the home page routes nothing)."""
    if not enabled():
        return [home]
    from wagtail.models import Page

    first = requested_language(request) or reader_language(getattr(request, "user", None))
    default = default_language()
    versions = list(
        Page.objects.filter(translation_key=home.translation_key, live=True)
        .select_related("locale")
        .specific()
    )
    if not versions:
        return [home]

    def rank(version) -> tuple[int, int]:
        code = version.locale.language_code
        return (0 if code == first else 1 if code == default else 2, version.pk)

    return sorted(versions, key=rank)


def route(home, request, route_in):
    """Route ``request`` through each version of ``home`` in :func:`routing_order`,
    ``route_in(version)`` routing in one tree (Wagtail's ``Page.route``).

    The first page found that the person may be served (published, no unpublished parent,
    in their audience) wins: a translation of an article under a section whose own
    translation is still a draft leaves the original in charge. When none may be served,
    the first found answers (Wagtail's password form, the audience's 404)."""
    from portal.core.visibility_rules import audience_allows

    versions = routing_order(home, request)
    if len(versions) == 1:
        return route_in(versions[0])
    user = getattr(request, "user", None)
    first = None
    for version in versions:
        try:
            result = route_in(version)
        except Http404:
            continue
        if first is None:
            first = result
        if user is not None and audience_allows(user, result[0]):
            request._portal_audience_allowed = result[0].pk
            return result
    if first is None:
        raise Http404
    return first


def version_redirect(page, request) -> str | None:
    """Where to send a person who opened ``page``'s own address, when the version in their
    language has another address (a translation whose slug was changed); None to serve
    ``page``. Never for ``?lang=``, a form, a preview or a route below the page."""
    if not enabled() or request.method not in ("GET", "HEAD"):
        return None
    if VERSION_PARAMETER in request.GET or getattr(request, "is_preview", False):
        return None
    user = getattr(request, "user", None)
    if page_language(page) == reader_language(user):
        return None
    if request.path != page.get_url(request):
        return None
    version = localized(page, user)
    if version is None or version.pk == page.pk:
        return None
    url = version.get_url(request)
    if not url or url == request.path:
        return None
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


# --- Copies for translation ------------------------------------------------------------


def copy_section_settings(sender, source_obj, target_obj, **kwargs) -> None:
    """A translated page keeps its section's settings: the moderation workflow and the
    section editors' permissions of the original apply to its translation too."""
    from wagtail.models import GroupPagePermission, Page, WorkflowPage

    if not isinstance(source_obj, Page) or not isinstance(target_obj, Page):
        return
    workflow = WorkflowPage.objects.filter(page_id=source_obj.pk).first()
    if workflow is not None:
        WorkflowPage.objects.get_or_create(
            page_id=target_obj.pk, defaults={"workflow_id": workflow.workflow_id}
        )
    for group_id, permission_id in GroupPagePermission.objects.filter(
        page_id=source_obj.pk
    ).values_list("group_id", "permission_id"):
        GroupPagePermission.objects.get_or_create(
            group_id=group_id, page_id=target_obj.pk, permission_id=permission_id
        )


def ensure_locales(**kwargs) -> None:
    """One Wagtail locale per content language (after ``migrate``, and after a test
    database is flushed): an install that had only the default locale gets the others."""
    if not enabled():
        return
    from wagtail.models import Locale

    existing = set(Locale.all_objects.values_list("language_code", flat=True))
    for code in content_languages():
        if code not in existing:
            Locale.all_objects.create(language_code=code)


def translated_languages(page) -> list[str]:
    """The languages ``page`` has a translation in, besides its own (one query)."""
    if not enabled():
        return []
    return list(page.get_translations().values_list("locale__language_code", flat=True))


def translate_page(page, language: str, *, publish: bool = True, user=None, **fields):
    """The translation of ``page`` into ``language``, created if missing (a copy under the
    translation of its parent, as the admin's "Translate" action makes), with ``fields``
    set and published: what the demo uses. Idempotent: an existing translation is
    returned as it is."""
    from wagtail.models import Locale

    locale = Locale.objects.get(language_code=language)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    if publish:
        translated.save_revision(user=user).publish()
        translated.refresh_from_db()
    return translated
