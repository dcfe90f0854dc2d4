"""REST API of Themed weeks, mounted under /api/ by portal.api.urls.

* ``/api/weeks/`` the weeks the user may see, the running one first; ``/api/weeks/{id}/``
* ``/api/weeks/current/`` the week running today (404 when none)
* ``/api/weeks/{id}/initiatives/`` GET the initiatives the user may see, POST (multipart)
  submit one
* ``/api/weeks/initiatives/{id}/`` one initiative; ``.../moderate/`` POST a moderator's
  decision (403 for everyone else)
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import approvals, visibility
from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.api.schema import error_response
from portal.editorial.weeks import services
from portal.editorial.weeks.models import Initiative, ThemedWeekPage


class LinkedPageSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.CharField()


class WeekSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()
    accepts_initiatives = serializers.SerializerMethodField(
        help_text=_("Whether the week takes initiatives today (from its first to last day).")
    )

    class Meta:
        model = ThemedWeekPage
        fields = [
            "id",
            "title",
            "slug",
            "url",
            "start_date",
            "end_date",
            "is_current",
            "accepts_initiatives",
            "colour",
            "image_url",
            "image_alt",
            "intro",
        ]

    def get_url(self, week) -> str:
        return week.get_url(self.context.get("request")) or ""

    def get_image_url(self, week) -> str:
        if not week.image:
            return ""
        return week.image.get_rendition("width-800").url

    def get_is_current(self, week) -> bool:
        return week.is_current()

    def get_accepts_initiatives(self, week) -> bool:
        return not services.closed_reason(week)


class WeekDetailSerializer(WeekSerializer):
    linked_pages = serializers.SerializerMethodField()

    class Meta(WeekSerializer.Meta):
        fields = [*WeekSerializer.Meta.fields, "linked_pages"]

    @extend_schema(responses=LinkedPageSerializer(many=True))
    def get_linked_pages(self, week) -> list[dict]:
        request = self.context.get("request")
        return LinkedPageSerializer(
            services.linked_pages(request.user, week, request), many=True
        ).data


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name")


class InitiativeSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(read_only=True)
    photo = serializers.FileField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text=_("Optional: a JPEG, PNG or WebP image of 5 MB at most."),
    )
    photo_url = serializers.SerializerMethodField()
    is_mine = serializers.SerializerMethodField()

    class Meta:
        model = Initiative
        fields = [
            "id",
            "week",
            "title",
            "description",
            "photo",
            "photo_url",
            "status",
            "featured",
            "author",
            "is_mine",
            "created_at",
            "moderated_at",
        ]
        read_only_fields = ["id", "week", "status", "featured", "created_at", "moderated_at"]

    def _week_url(self, initiative) -> str:
        urls = self.context.setdefault("week_urls", {})
        if initiative.week_id not in urls:
            urls[initiative.week_id] = initiative.week.get_url(self.context.get("request")) or ""
        return urls[initiative.week_id]

    def get_photo_url(self, initiative) -> str:
        if not initiative.photo:
            return ""
        return services.photo_url(initiative, self._week_url(initiative))

    def get_is_mine(self, initiative) -> bool:
        request = self.context.get("request")
        return bool(request and initiative.author_id == request.user.pk)

    def validate_photo(self, photo):
        if photo:
            try:
                return services.validate_photo(photo)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return photo


class ModerationSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=services.MODERATION_ACTIONS)


class WeekViewSet(viewsets.ReadOnlyModelViewSet):
    """Themed weeks the user may see, the running one first. Others do not exist (404)."""

    serializer_class = WeekSerializer
    throttle_scope = "initiative"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ThemedWeekPage.objects.none()
        return services.visible_weeks(self.request.user)

    def get_serializer_class(self):
        if self.action in ("retrieve", "current"):
            return WeekDetailSerializer
        if self.action == "initiatives":
            return InitiativeSerializer
        return WeekSerializer

    @extend_schema(responses={200: WeekDetailSerializer, 404: error_response(404)})
    @action(detail=False, methods=["get"])
    def current(self, request):
        """The week running today, or 404 when there is none."""
        week = services.current_week(request.user)
        if week is None:
            raise exceptions.NotFound(_("No themed week is running today."))
        return Response(self.get_serializer(week).data)

    @extend_schema(
        methods=["GET"],
        responses=InitiativeSerializer(many=True),
        description=_(
            "Approved initiatives (featured first) and your own pending or rejected ones; "
            "moderators see them all."
        ),
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": InitiativeSerializer},
        responses={201: InitiativeSerializer},
        description=_(
            "Submit an initiative (multipart) while the week runs; it waits for an "
            "editor's approval. Before the first day or after the last, 400 naming `week`."
        ),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def initiatives(self, request, pk=None):
        week = services.visible_week_or_404(request.user, pk)
        if request.method == "POST":
            try:
                services.check_open_for_initiatives(week)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict) from error
            serializer = InitiativeSerializer(data=request.data, context=self._context(week))
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            try:
                initiative = services.submit_initiative(
                    request.user,
                    week,
                    title=data["title"],
                    description=data.get("description", ""),
                    photo=data.get("photo") or None,
                )
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.message_dict) from error
            return Response(
                InitiativeSerializer(initiative, context=self._context(week)).data,
                status=status.HTTP_201_CREATED,
            )
        queryset = services.visible_initiatives(request.user, week)
        page = self.paginate_queryset(queryset)
        serializer = InitiativeSerializer(page, many=True, context=self._context(week))
        return self.get_paginated_response(serializer.data)

    def _context(self, week) -> dict:
        context = self.get_serializer_context()
        context["week_urls"] = {week.pk: week.get_url(self.request) or ""}
        return context


class InitiativeViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One initiative (if you may see it), and moderation for editors."""

    serializer_class = InitiativeSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Initiative.objects.none()
        return visibility.filter_visible(
            self.request.user, Initiative.objects.select_related("author", "week")
        )

    @extend_schema(
        request=ModerationSerializer,
        responses={200: InitiativeSerializer, 403: error_response(403)},
    )
    @action(detail=True, methods=["post"], serializer_class=ModerationSerializer)
    def moderate(self, request, pk=None):
        """Approve, reject, feature (approves too) or unfeature (moderators only). Nobody
        approves or features their own initiative (403, code ``self_approval``) unless
        the portal allows self-approval."""
        if not services.can_moderate(request.user):
            raise exceptions.PermissionDenied(_("Only editors moderate initiatives."))
        initiative = self.get_object()
        serializer = ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.moderate_initiative(
                request.user, initiative, serializer.validated_data["action"]
            )
        except approvals.SelfApprovalRefused as error:
            raise exceptions.PermissionDenied(str(error), code=error.code) from error
        return Response(
            InitiativeSerializer(initiative, context=self.get_serializer_context()).data
        )


def register_api(router) -> None:
    """Register this area's viewsets on the portal's router."""
    router.register("weeks/initiatives", InitiativeViewSet, basename="weeks-initiative")
    router.register("weeks", WeekViewSet, basename="week")
