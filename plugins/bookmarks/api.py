"""/api/bookmarks/: list, save, read and delete the current user's bookmarks."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from plugins.bookmarks import services
from plugins.bookmarks.models import Bookmark
from portal.api import fields as api_fields


class BookmarkSerializer(serializers.ModelSerializer):
    target_type = serializers.CharField(
        help_text=_(
            'The bookmarked object\'s kind, as "app_label.model" (e.g. "core.contentpage").'
        ),
    )
    target_id = api_fields.IntegerField(min_value=1, source="object_id")
    title = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField()

    class Meta:
        model = Bookmark
        fields = ["id", "target_type", "target_id", "title", "url", "kind", "note", "created_at"]
        read_only_fields = ["id", "title", "url", "kind", "created_at"]

    def _describe(self, bookmark) -> dict:
        if not hasattr(bookmark, "_description"):
            target = getattr(bookmark, "loaded_target", None) or bookmark.target
            bookmark._description = services.describe(target, self.context.get("request"))
        return bookmark._description

    def get_title(self, bookmark) -> str:
        return self._describe(bookmark)["title"]

    def get_url(self, bookmark) -> str:
        return self._describe(bookmark)["url"]

    def get_kind(self, bookmark) -> str:
        return self._describe(bookmark)["kind"]

    def validate(self, attrs):
        try:
            attrs["target"] = services.resolve_target(
                self.context["request"].user, attrs["target_type"], attrs["object_id"]
            )
        except services.BookmarkError as error:
            raise serializers.ValidationError({"target_id": [str(error)]}) from error
        return attrs


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "type", str, description=_('Only bookmarks of this kind ("app.model").')
            )
        ]
    ),
    create=extend_schema(
        description=_("Save a bookmark. Saving one that exists answers 200 with it."),
    ),
)
class BookmarkViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The current user's bookmarks. Other people's bookmarks do not exist here (404)."""

    serializer_class = BookmarkSerializer
    throttle_scope = "bookmark"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Bookmark.objects.none()
        queryset = services.visible_bookmarks(self.request.user)
        kind = self.request.query_params.get("type")
        if kind and "." in kind:
            app_label, model = kind.lower().split(".", 1)
            queryset = queryset.filter(content_type__app_label=app_label, content_type__model=model)
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return services.attach_targets(page) if page is not None else None

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bookmark, created = services.add_bookmark(
            request.user,
            serializer.validated_data["target"],
            note=serializer.validated_data.get("note", ""),
        )
        bookmark.loaded_target = serializer.validated_data["target"]
        return Response(
            self.get_serializer(bookmark).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def register_api(router) -> None:
    router.register("bookmarks", BookmarkViewSet, basename="bookmark")
