"""/api/notifications/: my notifications, the unread count, marking read, preferences."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from plugins.notifications import services
from plugins.notifications.models import Notification
from portal.notifications import CHANNELS, kinds


class NotificationActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField(help_text=gettext_lazy("The person's profile, if any."))


class NotificationTargetSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=gettext_lazy('"app_label.model", e.g. "feed.post".'))
    id = serializers.IntegerField()


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    actors_count = serializers.IntegerField(source="actor_count")
    target = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "message",
            "actor",
            "actors_count",
            "target",
            "url",
            "created_at",
            "updated_at",
            "read",
        ]
        read_only_fields = fields

    def get_message(self, notification) -> str:
        return services.message(notification)

    @extend_schema_field(NotificationActorSerializer(allow_null=True))
    def get_actor(self, notification):
        actor = notification.actor
        if actor is None:
            return None
        return {
            "id": actor.pk,
            "name": actor.get_full_name() or str(actor),
            "url": actor.get_absolute_url(),
        }

    @extend_schema_field(NotificationTargetSerializer)
    def get_target(self, notification):
        content_type = notification.target_type
        label = f"{content_type.app_label}.{content_type.model}"
        return {"type": label, "id": notification.target_id}

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class NotificationPreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    channel = serializers.ChoiceField(choices=CHANNELS)


def _preference_list(channels: dict[str, str]) -> list[dict]:
    known = kinds()
    return [
        {"kind": key, "label": str(known[key].label), "channel": channel}
        for key, channel in channels.items()
    ]


PREFERENCES_BODY = OpenApiExample(
    "Mentions by email too, no reactions",
    value={"mention": "digest", "reaction": "off"},
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("unread", bool, description=gettext_lazy("Only unread ones."))]
    ),
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The current user's notifications, newest first. Other people's do not exist here
    (404), nor do those about something the user may no longer see."""

    serializer_class = NotificationSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        queryset = services.with_people(services.visible(self.request.user))
        if self.request.query_params.get("unread") in {"1", "true", "yes"}:
            queryset = queryset.filter(read_at__isnull=True)
        return queryset

    @extend_schema(request=None, responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": services.unread_count(request.user)})

    @extend_schema(
        request=None,
        responses=NotificationSerializer,
        description=gettext_lazy("Mark one notification read."),
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.mark_read(request.user, [notification.pk])
        notification.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("NotificationsReadAll", {"marked": serializers.IntegerField()}),
        description=gettext_lazy("Mark all my notifications read."),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_read(request.user)})

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=NotificationPreferenceSerializer(many=True),
        description=gettext_lazy("Each kind of notification, with how I receive it."),
    )
    @extend_schema(
        methods=["PUT", "PATCH"],
        request={"application/json": OpenApiTypes.OBJECT},
        responses=NotificationPreferenceSerializer(many=True),
        examples=[PREFERENCES_BODY],
        description=gettext_lazy(
            'Set channels as {"<kind>": "in_app" | "digest" | "off"}; kinds not named are '
            "left as they are."
        ),
    )
    @action(
        detail=False,
        methods=["get", "put", "patch"],
        pagination_class=None,
        serializer_class=NotificationPreferenceSerializer,
    )
    def preferences(self, request):
        if request.method == "GET":
            return Response(_preference_list(services.preferences(request.user)))
        if not isinstance(request.data, dict) or not request.data:
            raise ValidationError(
                {"non_field_errors": [_('Send an object such as {"mention": "digest"}.')]}
            )
        choices = {str(key): value for key, value in request.data.items()}
        for key, value in choices.items():
            if not isinstance(value, str):
                raise ValidationError({key: [_("A channel must be a string.")]})
        try:
            saved = services.set_preferences(request.user, choices)
        except services.PreferenceError as error:
            raise ValidationError({error.kind: [error.message]}) from error
        return Response(_preference_list(saved))


def register_api(router) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")
