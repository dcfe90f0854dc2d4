"""Poll votes and event answers in the posts API.

``PostInteractionsMixin`` is mixed into ``plugins.feed.api.PostViewSet``; its actions use
``self.get_object()`` (a post the caller may see, else 404) and add
``POST /api/posts/{id}/vote/``, ``POST /api/posts/{id}/rsvp/``,
``GET /api/posts/{id}/attendees/`` and ``GET /api/posts/{id}/voters/``. A post of the wrong
kind answers 400; the voters of an anonymous poll, or of a poll whose results are still
hidden from the caller, answer 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from plugins.feed import events, polls
from plugins.feed.models import EventResponse
from portal.api import fields as api_fields
from portal.api.pagination import PortalPagination
from portal.api.schema import error_response


class PersonSerializer(serializers.Serializer):
    """Someone who answered an event or voted, from an answer or a vote."""

    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return str(obj.user)

    def get_url(self, obj) -> str:
        return obj.user.get_absolute_url()


class AttendeeSerializer(PersonSerializer):
    answer = serializers.ChoiceField(choices=EventResponse.ANSWER_CHOICES, read_only=True)
    answered_at = serializers.DateTimeField(read_only=True)


class VoterSerializer(PersonSerializer):
    option = serializers.IntegerField(source="option_id", read_only=True)
    voted_at = serializers.DateTimeField(read_only=True)


def _page_of(item_serializer, name: str):
    """The schema of a page of ``item_serializer`` (these actions are detail routes, which
    the schema generator does not paginate by itself)."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )


AttendeePageSerializer = _page_of(AttendeeSerializer, "PaginatedAttendeeList")
VoterPageSerializer = _page_of(VoterSerializer, "PaginatedVoterList")


class GoingPreviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EventCountsSerializer(serializers.Serializer):
    going = serializers.IntegerField()
    maybe = serializers.IntegerField()
    not_going = serializers.IntegerField()


class EventDataSerializer(serializers.Serializer):
    """An event as a card shows it, with the caller's answer."""

    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    location = serializers.CharField()
    online_url = serializers.CharField()
    past = serializers.BooleanField()
    counts = EventCountsSerializer()
    mine = serializers.CharField(
        allow_null=True, help_text=_('Your answer: "going", "maybe", "not_going" or null.')
    )
    going_preview = GoingPreviewSerializer(many=True)


class PollOptionDataSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    votes = serializers.IntegerField(
        allow_null=True, help_text=_("Null while the results are hidden from you.")
    )
    percent = serializers.IntegerField(
        allow_null=True, help_text=_("Share of the voters; null while the results are hidden.")
    )


class PollDataSerializer(serializers.Serializer):
    """A poll as a card shows it: results only once you voted, the poll closed, or for
    its author."""

    question = serializers.CharField()
    multiple = serializers.BooleanField()
    anonymous = serializers.BooleanField()
    closes_at = serializers.DateTimeField(allow_null=True)
    closed = serializers.BooleanField()
    voted = serializers.BooleanField()
    my_votes = serializers.ListField(child=serializers.IntegerField())
    voters = serializers.IntegerField()
    results_visible = serializers.BooleanField()
    options = PollOptionDataSerializer(many=True)


class VoteSerializer(serializers.Serializer):
    options = serializers.ListField(
        child=api_fields.IntegerField(),
        help_text=_("The ids of the chosen options (exactly one for a single-choice poll)."),
    )


class RsvpSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=EventResponse.ANSWER_CHOICES,
        allow_null=True,
        help_text=_("Your answer; null withdraws it."),
    )


class PostInteractionsMixin:
    """Votes, event answers, attendees and voters of a post (mixed into the posts API)."""

    @extend_schema(
        summary=_("Vote in a poll"),
        request=VoteSerializer,
        responses={200: PollDataSerializer},
        description=_(
            "Vote once; a closed poll, a second vote, an option of another poll or several "
            "options in a single-choice poll answer 400. Answers the poll with its results."
        ),
    )
    @action(detail=True, methods=["post"], serializer_class=VoteSerializer, throttle_scope="vote")
    def vote(self, request, pk=None):
        post = self.get_object()
        serializer = VoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        polls.vote(request.user, post, serializer.validated_data["options"])
        polls.attach([post], request.user)
        return Response(PollDataSerializer(post.poll_data).data)

    @extend_schema(
        summary=_("Answer an event"),
        request=RsvpSerializer,
        responses={200: EventDataSerializer},
        description=_(
            'Answer "going", "maybe" or "not_going"; null withdraws your answer. A past '
            "event answers 400."
        ),
    )
    @action(detail=True, methods=["post"], serializer_class=RsvpSerializer, throttle_scope="vote")
    def rsvp(self, request, pk=None):
        post = self.get_object()
        serializer = RsvpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        events.respond(request.user, post, serializer.validated_data["answer"])
        events.attach([post], request.user)
        return Response(EventDataSerializer(post.event_data).data)

    @extend_schema(
        summary=_("Who answered an event"),
        parameters=[
            OpenApiParameter(
                "answer",
                str,
                enum=[choice for choice, _label in EventResponse.ANSWER_CHOICES],
                description=_("Only the people who gave this answer."),
            )
        ],
        responses={200: AttendeePageSerializer},
    )
    @action(detail=True, methods=["get"], serializer_class=AttendeeSerializer)
    def attendees(self, request, pk=None):
        post = self.get_object()
        responses = events.attendees(request.user, post, request.query_params.get("answer"))
        return self._people_page(responses, AttendeeSerializer)

    @extend_schema(
        summary=_("Who voted for an option"),
        parameters=[
            OpenApiParameter(
                "option", int, required=True, description=_("The id of the poll's option.")
            )
        ],
        responses={200: VoterPageSerializer, 403: error_response(403)},
        description=_(
            "Refused (403) for an anonymous poll, and until you voted or the poll closed."
        ),
    )
    @action(detail=True, methods=["get"], serializer_class=VoterSerializer)
    def voters(self, request, pk=None):
        post = self.get_object()
        option = request.query_params.get("option", "")
        if not option.isdigit():
            raise exceptions.ValidationError({"option": [_("Give the id of an option.")]})
        try:
            votes = polls.voters(request.user, post, int(option))
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error) or None) from error
        return self._people_page(votes, VoterSerializer)

    def _people_page(self, queryset, serializer_class):
        """Page numbers whatever the posts' own pagination (a cursor over posts)."""
        paginator = PortalPagination()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)
