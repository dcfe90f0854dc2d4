"""/api/search/ (ranked results with counts per type) and /api/search/suggest/ (suggestions
as you type, people first).

Both answer only what the caller may see: ``search.query`` asks the visibility policy for
the caller's audience tokens and checks every hit again before it is returned. Bad input is
a 400 naming the field (``q``, ``type``, ``date_from``, ``date_to``, ``page``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import fields as api_fields
from search import query as search_query
from search.registry import searchable_types
from search.views import hit_data, split_types

SUGGESTIONS = 8


class SearchParamsSerializer(serializers.Serializer):
    """The query string of /api/search/ (``type`` is read separately: it repeats)."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=search_query.MAX_QUERY_LENGTH
    )
    date_from = api_fields.DateField(required=False, allow_null=True)
    date_to = api_fields.DateField(required=False, allow_null=True)
    page = serializers.IntegerField(
        required=False, min_value=1, max_value=search_query.MAX_PAGE, default=1
    )

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": [_("The end date comes before the start date.")]}
            )
        return attrs


class TypeCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=_("Registry key of the content type (feed.post...)."))
    type_label = serializers.CharField()
    id = serializers.CharField()
    title = serializers.CharField()
    title_html = serializers.CharField(help_text=_("The title, escaped, matches in <mark>."))
    snippet_html = serializers.CharField(help_text=_("An extract, escaped, matches in <mark>."))
    url = serializers.CharField()
    author = serializers.CharField()
    date = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(many=False)
class SearchResultsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("Matches of the selected types."))
    capped = serializers.BooleanField(
        help_text=_(
            "True when the database backend stopped counting (over 1,000 matches): count "
            "and counts are then lower bounds."
        )
    )
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    counts = serializers.DictField(
        child=TypeCountSerializer(),
        help_text=_("Matches per type, over every type, whatever ?type= selects."),
    )
    results = SearchHitSerializer(many=True)


class SuggestionSerializer(serializers.Serializer):
    type = serializers.CharField()
    type_label = serializers.CharField()
    id = serializers.CharField()
    title = serializers.CharField()
    title_html = serializers.CharField()
    url = serializers.CharField()
    author = serializers.CharField()
    person = serializers.BooleanField(help_text=_("A person (listed first)."))


class SuggestionsSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": search_query.MAX_QUERY_LENGTH},
        description=_('Words to find; "quoted phrases" match as such.'),
    ),
    OpenApiParameter(
        "type",
        str,
        many=True,
        description=_("Only these types (registry keys, repeated or comma-separated)."),
    ),
    OpenApiParameter(
        "date_from", OpenApiTypes.DATE, description=_("Only what is dated from this day.")
    ),
    OpenApiParameter(
        "date_to", OpenApiTypes.DATE, description=_("Only what is dated up to this day.")
    ),
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": search_query.MAX_PAGE, "default": 1},
        description=_("From 1."),
    ),
]


def _page_url(request, page: int) -> str:
    params = request.query_params.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + params.urlencode())


class SearchViewSet(viewsets.ViewSet):
    """Search everything you may see: posts, comments, groups, people, pages."""

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses=SearchResultsSerializer,
        description=_(
            "Ranked results you may see, with highlights and counts per type. An empty q "
            "answers no results."
        ),
    )
    def list(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        types = split_types(request.query_params.getlist("type"))
        registry = searchable_types()
        unknown = sorted(set(types) - set(registry))
        if unknown:
            raise exceptions.ValidationError(
                {"type": [_("Unknown type: %(types)s.") % {"types": ", ".join(unknown)}]}
            )
        filters = {"date_from": data.get("date_from"), "date_to": data.get("date_to")}
        results = search_query.search(
            request.user, data.get("q", ""), types=types or None, filters=filters, page=data["page"]
        )
        page = data["page"]
        if results.total and page > results.pages:
            raise exceptions.ValidationError(
                {"page": [_("There are %(pages)d pages of results.") % {"pages": results.pages}]}
            )
        counts = {
            key: {"label": str(searchable.label), "count": results.counts.get(key, 0)}
            for key, searchable in sorted(registry.items(), key=lambda item: str(item[1].label))
        }
        body = {
            "count": results.total,
            "capped": results.capped,
            "page": page if results.total else 1,
            "pages": results.pages,
            "next": _page_url(request, page + 1) if page < results.pages else None,
            "previous": (_page_url(request, page - 1) if results.total and page > 1 else None),
            "counts": counts,
            "results": [hit_data(hit, registry) for hit in results.hits],
        }
        return Response(SearchResultsSerializer(body).data)

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description=_("What was typed so far."))],
        responses=SuggestionsSerializer,
        description=_("Suggestions as you type: people first, then other titles (at most 8)."),
    )
    @action(detail=False, methods=["get"])
    def suggest(self, request):
        q = request.query_params.get("q", "")[: search_query.MAX_QUERY_LENGTH]
        registry = searchable_types()
        hits = search_query.suggest(request.user, q, limit=SUGGESTIONS)
        rows = []
        for hit in hits[:SUGGESTIONS]:
            row = hit_data(hit, registry)
            searchable = registry.get(hit.key)
            row["person"] = bool(searchable and searchable.person)
            rows.append(row)
        # People first, whatever order the backend kept (a stable sort keeps its ranking).
        rows.sort(key=lambda row: not row["person"])
        return Response(SuggestionsSerializer({"results": rows}).data)


def register_api(router) -> None:
    router.register("search", SearchViewSet, basename="search")
