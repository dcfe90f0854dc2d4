"""REST API of News, mounted under /api/ by portal.api.urls: the categories, and "I have
seen the news" for clients that show the "New" markers themselves. The news themselves
are pages, served by Wagtail's pages API (/api/v2/pages/?type=news.NewsPage)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from portal.editorial.news import services
from portal.editorial.news.models import NewsCategory


class NewsCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = NewsCategory
        fields = ["id", "name", "slug"]


class NewsCategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The categories of news, alphabetically."""

    serializer_class = NewsCategorySerializer
    queryset = NewsCategory.objects.order_by("name")
    filter_backends = []


class NewsSeenSerializer(serializers.Serializer):
    new_since = serializers.DateTimeField(
        read_only=True,
        help_text=_("News first published after this moment are new for this visit."),
    )


class MarkSeenViewSet(viewsets.GenericViewSet):
    """Record that the current user looks at the news now (as viewing the news index does)."""

    serializer_class = NewsSeenSerializer

    @extend_schema(request=None, responses={200: NewsSeenSerializer})
    def create(self, request):
        since = services.record_visit(request.user)
        return Response(NewsSeenSerializer({"new_since": since}).data, status=status.HTTP_200_OK)


def register_api(router) -> None:
    """Register this area's viewsets on the portal's router."""
    router.register("news/categories", NewsCategoryViewSet, basename="news-category")
    router.register("news/mark-seen", MarkSeenViewSet, basename="news-mark-seen")
