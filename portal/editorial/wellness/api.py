"""REST API of Wellness, mounted under /api/ by portal.api.urls.

* ``/api/wellness/sessions/``: upcoming sessions the user may see, with free places and
  the user's own booking status; ``/{id}/book/`` and ``/{id}/cancel/`` (POST).
* ``/api/wellness/bookings/``: the user's own bookings ("my sessions").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import links
from portal.editorial.wellness import services
from portal.editorial.wellness.models import Booking, WellnessSessionPage


class BookingRefused(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This booking cannot be changed.")
    default_code = "conflict"


def _api_error(error: services.BookingError) -> exceptions.APIException:
    if isinstance(error, services.SessionUnavailable):
        return exceptions.NotFound(str(error))
    return BookingRefused(str(error), code=error.code)


class SessionLinksMixin(serializers.Serializer):
    url = serializers.SerializerMethodField(help_text=_("The session's page."))
    calendar_url = serializers.SerializerMethodField(
        help_text=_("The session as an iCalendar (.ics) file, for the browser session.")
    )
    online_url = serializers.SerializerMethodField(
        help_text=_("The video-call link, for people holding a confirmed place only.")
    )

    def _session(self, obj) -> WellnessSessionPage:
        return obj

    def _status(self, obj) -> str | None:
        raise NotImplementedError

    def get_url(self, obj) -> str:
        return links.absolute_url(self._session(obj))

    def get_calendar_url(self, obj) -> str:
        session = self._session(obj)
        return self.get_url(obj) + session.reverse_subpage("calendar")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_online_url(self, obj) -> str | None:
        session = self._session(obj)
        if services.can_see_online_url(self._status(obj)) and session.online_url:
            return session.online_url
        return None


class SessionSerializer(SessionLinksMixin, serializers.ModelSerializer):
    ends_at = serializers.DateTimeField(read_only=True)
    places_left = serializers.IntegerField(read_only=True)
    waiting_count = serializers.IntegerField(
        read_only=True, help_text=_("How many people are on the waiting list.")
    )
    my_status = serializers.ChoiceField(
        choices=[Booking.Status.CONFIRMED, Booking.Status.WAITING],
        allow_null=True,
        read_only=True,
        help_text=_("Your booking: confirmed, waiting, or null when you have none."),
    )

    class Meta:
        model = WellnessSessionPage
        fields = [
            "id",
            "title",
            "url",
            "intro",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "place",
            "online_url",
            "coach",
            "level",
            "capacity",
            "places_left",
            "waiting_count",
            "my_status",
            "calendar_url",
        ]
        read_only_fields = fields

    def _status(self, obj) -> str | None:
        return obj.my_status


class BookedSessionSerializer(SessionLinksMixin, serializers.ModelSerializer):
    ends_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = WellnessSessionPage
        fields = [
            "id",
            "title",
            "url",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "coach",
            "calendar_url",
        ]
        read_only_fields = fields

    def _status(self, obj) -> str | None:
        return self.context.get("booking_status", {}).get(obj.pk)


class BookingSerializer(serializers.ModelSerializer):
    session = serializers.SerializerMethodField()
    waiting_position = serializers.SerializerMethodField(
        help_text=_("Your rank on the waiting list (1 is next in line); null otherwise.")
    )

    class Meta:
        model = Booking
        fields = ["id", "session", "status", "waiting_position", "created_at", "promoted_at"]
        read_only_fields = fields

    @extend_schema_field(BookedSessionSerializer)
    def get_session(self, booking) -> dict:
        context = {**self.context, "booking_status": {booking.session_id: booking.status}}
        return BookedSessionSerializer(booking.session, context=context).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_waiting_position(self, booking) -> int | None:
        if not booking.is_waiting:
            return None
        if hasattr(booking, "waiting_position"):  # annotated by services.my_bookings
            return booking.waiting_position
        return services.waiting_position(booking)


_ERRORS = {
    401: OpenApiResponse(description=_("Not logged in.")),
    404: OpenApiResponse(description=_("No such session, or you may not see it.")),
}


@extend_schema_view(
    list=extend_schema(
        description=_(
            "Upcoming sessions you may see, soonest first, with their free places and your "
            "booking status."
        ),
        parameters=[
            OpenApiParameter(
                "has_places",
                OpenApiTypes.BOOL,
                description=_("Only sessions with at least one free place."),
            )
        ],
    ),
    retrieve=extend_schema(description=_("One session you may see, even a past one.")),
)
class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Wellness sessions (sport, relaxation) and booking a place in them."""

    serializer_class = SessionSerializer
    throttle_scope = "booking"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WellnessSessionPage.objects.none()
        user = self.request.user
        if self.action == "list":
            has_places = self.request.query_params.get("has_places", "").lower()
            return services.upcoming_sessions(user, with_places=has_places in ("1", "true"))
        return services.with_booking_state(services.visible_sessions(user), user)

    @extend_schema(
        request=None,
        description=_(
            "Book a place; when the session is full you join its waiting list instead. "
            "Booking again answers 200 with the booking you already have. Refused with 409 "
            "once the session has started."
        ),
        responses={
            201: BookingSerializer,
            200: BookingSerializer,
            409: OpenApiResponse(description=_("The session has already started.")),
            **_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        session = self.get_object()
        try:
            booking = services.book_session(request.user, session)
        except services.BookingError as error:
            raise _api_error(error) from error
        return Response(
            BookingSerializer(booking, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if booking.is_new else status.HTTP_200_OK,
        )

    @extend_schema(
        request=None,
        description=_(
            "Cancel your place or leave the waiting list. A freed place goes to the first "
            "person waiting, who is told by email."
        ),
        responses={
            200: BookingSerializer,
            409: OpenApiResponse(
                description=_("You have no booking, or the session has already started.")
            ),
            **_ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        session = self.get_object()
        try:
            booking = services.cancel_booking(request.user, session)
        except services.BookingError as error:
            raise _api_error(error) from error
        return Response(BookingSerializer(booking, context=self.get_serializer_context()).data)


class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your bookings ("my sessions"): confirmed places and waiting lists of the sessions
    that have not ended yet, soonest first. Other people's bookings do not exist here."""

    serializer_class = BookingSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        return services.my_bookings(self.request.user)


def register_api(router) -> None:
    """Register this area's viewsets on the portal's router."""
    router.register("wellness/sessions", SessionViewSet, basename="wellness-session")
    router.register("wellness/bookings", BookingViewSet, basename="wellness-booking")
