import re

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.fields import Field
from rest_framework.filters import BaseFilterBackend
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView
from wagtail.api.v2.filters import LocaleFilter, SearchFilter
from wagtail.api.v2.serializers import PageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from portal import visibility
from portal.api.page_interactions import InteractionSummariesMixin
from portal.core import localisation

#: Words of a search: letters and digits of any script. Everything else (quotes,
#: brackets, ``*``, ``:``, ``-``, ``&``...) is syntax to FTS5 or to PostgreSQL's tsquery,
#: which fails on what it cannot parse; a person searching pages means the words.
_WORD = re.compile(r"[^\W_]+")
#: Words a search keeps.
MAX_SEARCH_WORDS = 20
SEARCH_OPERATORS = ("and", "or")


def search_words(query: str) -> str:
    """``query`` reduced to its words (at most :data:`MAX_SEARCH_WORDS` of 100 characters),
    in lower case, since FTS5 reads AND, OR, NOT and NEAR in capitals as operators."""
    words = [word.lower()[:100] for word in _WORD.findall(query)]
    return " ".join(words[:MAX_SEARCH_WORDS])


class SafeSearchFilter(SearchFilter):
    """Wagtail's ``?search=``, given only the words of the query and a known operator:
    search syntax used to reach the database unguarded (a server error)."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if not getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True):
            raise BadRequestError("search is disabled")
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError("filtering by tag with a search query is not supported")
        operator = request.GET.get("search_operator") or None
        if operator is not None and operator not in SEARCH_OPERATORS:
            raise exceptions.ValidationError({"search_operator": [_('Give "and" or "or".')]})
        words = search_words(request.GET["search"])
        if not words:
            return queryset.none()
        try:
            return get_search_backend().search(
                words, queryset, operator=operator, order_by_relevance="order" not in request.GET
            )
        except FilterFieldError as error:
            raise BadRequestError(
                f"cannot filter by '{error.field_name}' while searching (field is not indexed)"
            ) from error
        except OrderByFieldError as error:
            raise BadRequestError(
                f"cannot order by '{error.field_name}' while searching (field is not indexed)"
            ) from error


class PortalLocaleFilter(BaseFilterBackend):
    """The language of the pages listed (portal.core.localisation).

    * ``?locale=fr``: only the pages written in that language; a code that is not one of
      the content languages is a 400 naming ``locale`` (Wagtail's own filter answered 404).
    * Without it, a listing follows the reader's language (their profile's, else the
      browser's) like the pages do: one version of each page, the one in their language
      when it exists and they may see it, else the original. ``?translation_of=`` lists
      every version of a page; a page's own address (``/api/v2/pages/<id>/``) always
      answers that page, whatever its language."""

    def filter_queryset(self, request, queryset, view):
        child_of = getattr(queryset, "_filtered_by_child_of", None)
        if "locale" in request.GET:
            code = request.GET["locale"]
            if code not in localisation.content_languages():
                raise exceptions.ValidationError(
                    {
                        "locale": [
                            _("Unknown language: give one of %(codes)s.")
                            % {"codes": ", ".join(localisation.content_languages())}
                        ]
                    }
                )
            queryset = queryset.filter(locale__language_code=code)
        elif "translation_of" not in request.GET and getattr(view, "action", "") == "listing_view":
            language = localisation.reader_language(request.user)
            queryset = localisation.localized_pages(queryset, language)
        else:
            return queryset
        if "search" in request.GET:
            # The search backend filters on indexed fields only: the choice goes by id.
            ordering = queryset.query.order_by
            queryset = view.get_queryset().filter(pk__in=queryset.values("pk"))
            queryset = queryset.order_by(*ordering) if ordering else queryset
        if child_of is not None:
            queryset._filtered_by_child_of = child_of
        return queryset


class PageTranslationsField(Field):
    """The other versions of a page the reader may see: ``[{"id": 12, "locale": "fr"}]``."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        base = self.context.get("base_queryset")
        if base is None or not localisation.enabled():
            return []
        versions = (
            base.filter(translation_key=page.translation_key)
            .exclude(pk=page.pk)
            .order_by("locale__language_code")
            .values_list("pk", "locale__language_code")
        )
        return [{"id": pk, "locale": code} for pk, code in versions]


class PortalPageSerializer(PageSerializer):
    translations = PageTranslationsField(read_only=True)


class PortalPagesAPIViewSet(InteractionSummariesMixin, PagesAPIViewSet):
    """Wagtail's pages API for logged-in employees, through the visibility policy.

    Pages people comment on and react to carry ``comments`` and ``reactions`` (see
    :mod:`portal.api.page_interactions`).

    The policy replaces Wagtail's own restriction check (it is at least as strict: it
    also keeps password-protected pages out), and the base queryset is built once per
    request although Wagtail asks for it several times.

    Languages (portal.core.localisation): the pages of every language tree of the site
    are served; ``meta.locale`` is each page's language and, on a page's own address,
    ``meta.translations`` its other versions the reader may see (id and locale).
    Listings follow the reader's language, one version of each page, unless ``?locale=``
    asks for one language (see :class:`PortalLocaleFilter`)."""

    permission_classes = [IsAuthenticated]
    base_serializer_class = PortalPageSerializer
    filter_backends = [
        SafeSearchFilter
        if backend is SearchFilter
        else PortalLocaleFilter
        if backend is LocaleFilter
        else backend
        for backend in PagesAPIViewSet.filter_backends
    ]
    meta_fields = [*PagesAPIViewSet.meta_fields, "translations"]
    detail_only_fields = [*PagesAPIViewSet.detail_only_fields, "translations"]

    def handle_exception(self, exc):
        # The API's error body, not Wagtail's {"message": ...}.
        if isinstance(exc, BadRequestError):
            exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
        elif isinstance(exc, Http404):
            exc = exceptions.NotFound()
        return APIView.handle_exception(self, exc)

    def get_queryset(self):
        # A page type may load its related objects in bulk for API listings, so that a
        # listing costs the same queries whatever its length.
        queryset = super().get_queryset().select_related("locale")  # meta.locale
        optimise = getattr(queryset.model, "api_listing_queryset", None)
        return optimise(queryset) if optimise is not None else queryset

    def get_base_queryset(self):
        cached = getattr(self, "_portal_base_queryset", None)
        if cached is not None:
            return cached.all()
        queryset = visibility.filter_visible(self.request.user, Page.objects.all())
        site = self._requested_site()
        if site is None:  # no site configured: nothing to serve
            queryset = queryset.none()
        else:
            # The site's pages in every language: below its home page and its translations.
            versions = Q()
            for path, _depth in localisation.version_paths(site.root_page):
                versions |= Q(path__startswith=path)
            queryset = queryset.filter(versions)
        self._portal_base_queryset = queryset
        return queryset.all()

    def _requested_site(self):
        from wagtail.api.validators import SiteFilterValidator

        try:
            return SiteFilterValidator(
                site=self.request.GET.get("site"), request=self.request
            ).site_obj
        except ValueError as error:
            raise BadRequestError(str(error)) from error
