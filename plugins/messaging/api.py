"""/api/conversations/: the REST mirror of messaging, for headless clients.

Everything goes through :mod:`plugins.messaging.services` (as the pages and the socket
do), so the JSON of a message is :func:`services.serialise`'s, the same as on the socket.
A conversation someone does not take part in (a guessed id, one they left or were
removed from) answers the API's 404, the same body as a missing one; so do its messages,
attachments and receipts. Bad input is a 400 naming the field, with nothing stored.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from plugins.messaging import services
from plugins.messaging.models import Conversation
from portal import files
from portal.api import fields as api_fields
from portal.api.fields import ID_REGEX, query_int
from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.api.serializers import AttachmentSerializer, LinkPreviewSerializer
from portal.lookups import NOT_FOUND

#: The rate limit of sending a message (portal/settings: PORTAL_RATE_LIMITS["message"]).
SEND_SCOPE = "message"


# --- Shapes (the schema tells what services.serialise* return) -------------------------


class ChatPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    avatar = serializers.CharField(help_text=_("The photo's URL, or empty."))


class MessageReactionsSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    mine = serializers.CharField(allow_null=True)
    top = serializers.ListField(child=serializers.CharField())


class MessageSerializer(serializers.Serializer):
    """A message, as :func:`plugins.messaging.services.serialise` gives it (sockets too)."""

    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    author = ChatPersonSerializer(allow_null=True)
    body = serializers.CharField(help_text=_("Sanitised HTML; empty once deleted."))
    parent = serializers.IntegerField(allow_null=True)
    reply_count = serializers.IntegerField()
    reactions = MessageReactionsSerializer()
    attachments = AttachmentSerializer(many=True)
    preview = LinkPreviewSerializer(allow_null=True)
    client_id = serializers.CharField()
    urgent = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted = serializers.BooleanField()


class ParticipantSerializer(ChatPersonSerializer):
    is_admin = serializers.BooleanField()
    joined_at = serializers.DateTimeField()


class ConversationSerializer(serializers.Serializer):
    """A conversation as the person asking sees it."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[k for k, _label in Conversation.KIND_CHOICES])
    title = serializers.CharField()
    display_title = serializers.CharField()
    group = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    last_message = MessageSerializer(allow_null=True)
    unread = serializers.IntegerField()
    pinned = serializers.BooleanField()
    muted = serializers.BooleanField()
    archived = serializers.BooleanField()
    is_admin = serializers.BooleanField()
    last_read_id = serializers.IntegerField()
    participant_count = serializers.IntegerField()
    participants = ChatPersonSerializer(many=True)


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True)
    more = serializers.BooleanField(help_text=_("Whether there is more in that direction."))
    next = serializers.CharField(
        allow_null=True, help_text=_("The address of the next page in that direction.")
    )


class ScheduledMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    source = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)
    client_id = serializers.CharField()
    send_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class ParticipantOffSerializer(serializers.Serializer):
    user = ChatPersonSerializer()
    off = serializers.BooleanField()
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


# --- Input -----------------------------------------------------------------------------

_ID = api_fields.IntegerField(min_value=1)


class ConversationCreateSerializer(serializers.Serializer):
    participants = serializers.ListField(
        child=api_fields.IntegerField(min_value=1),
        min_length=1,
        max_length=200,
        help_text=_(
            "One person: your one-to-one conversation with them (found again if it "
            "exists). Several, or a title: a new group conversation."
        ),
    )
    title = serializers.CharField(
        required=False, allow_blank=True, max_length=120, trim_whitespace=True
    )


class ConversationUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    muted = serializers.BooleanField(required=False)
    pinned = serializers.BooleanField(required=False)
    archived = serializers.BooleanField(required=False)


class ParticipantsSerializer(serializers.Serializer):
    participants = serializers.ListField(
        child=api_fields.IntegerField(min_value=1), min_length=1, max_length=200
    )


class GroupSpaceSerializer(serializers.Serializer):
    group = api_fields.IntegerField(min_value=1, help_text=_("The group's id."))
    enabled = serializers.BooleanField(
        required=False, default=True, help_text=_("On (true) or off (false).")
    )


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=services.MAX_LENGTH,
        help_text=_("What you write (mentions as @[Name](user:ID))."),
    )
    parent = api_fields.IntegerField(
        min_value=1, required=False, allow_null=True, help_text=_("Reply in this thread.")
    )
    client_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=_("Your id for the message: sending it again stores it once."),
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("Files (multipart).")
    )
    send_at = api_fields.DateTimeField(
        required=False,
        allow_null=True,
        help_text=_("Schedule it for then instead (answers 202 with the scheduled message)."),
    )
    urgent = serializers.BooleanField(
        required=False, help_text=_("Override the recipients' mode off (allowed roles only).")
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class MessageUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(
        allow_blank=True, trim_whitespace=False, max_length=services.MAX_LENGTH
    )


class ConversationReadSerializer(serializers.Serializer):
    up_to = api_fields.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("The latest message read (the last one when absent)."),
    )


class ConversationReadResultSerializer(serializers.Serializer):
    last_read_id = serializers.IntegerField()
    unread = serializers.IntegerField()
    total = serializers.IntegerField()


# --- Helpers ---------------------------------------------------------------------------


@contextmanager
def service_errors():
    """Services' errors as the API's: a field's 400, a 403, or the 404 of a missing id."""
    try:
        yield
    except services.MessagingError as error:
        raise exceptions.ValidationError({error.field: [error.message]}) from error
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from error
    except LookupError as error:
        raise Http404(NOT_FOUND) from error


def _valid(serializer_class, request, *, partial=False):
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


MID = OpenApiParameter("mid", int, OpenApiParameter.PATH, description=_("A message's id."))
AID = OpenApiParameter("aid", int, OpenApiParameter.PATH, description=_("An attachment's id."))
SID = OpenApiParameter(
    "sid", int, OpenApiParameter.PATH, description=_("A scheduled message's id.")
)
NOT_FOUND_RESPONSE = OpenApiResponse(description=_("Not a conversation of yours (or missing)."))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "archived",
                bool,
                description=_("Only the archived conversations (true) or the others (false)."),
            )
        ],
        responses=ConversationSerializer(many=True),
        description=_(
            "Your conversations, pinned first then latest, with your unread count, your "
            "own flags, the first participants and the last message."
        ),
    ),
    create=extend_schema(
        request=ConversationCreateSerializer,
        responses={200: ConversationSerializer, 201: ConversationSerializer},
        description=_(
            "Start a conversation: one person for a one-to-one conversation (200 when it "
            "exists already), several for a group conversation you administer."
        ),
    ),
    retrieve=extend_schema(responses={200: ConversationSerializer, 404: NOT_FOUND_RESPONSE}),
    partial_update=extend_schema(
        request=ConversationUpdateSerializer,
        responses={200: ConversationSerializer, 404: NOT_FOUND_RESPONSE},
        description=_(
            "Your own flags (muted, pinned, archived); the title of a group conversation "
            "(its admins)."
        ),
    ),
    destroy=extend_schema(
        responses={204: None, 404: NOT_FOUND_RESPONSE},
        description=_("Leave the conversation (a group's conversation: leave the group)."),
    ),
)
class ConversationViewSet(viewsets.GenericViewSet):
    """Conversations you take part in, their messages, people, reading and receipts."""

    serializer_class = ConversationSerializer
    filter_backends = []
    pagination_class = None
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Conversation.objects.none()
        return services.conversations_for(self.request.user)

    #: Sending counts against its own scope (the route's ``throttle_scope`` below).
    throttle_scope = "write"

    def conversation(self) -> Conversation:
        found = services.get_conversation(self.request.user, self.kwargs.get("pk"))
        if found is None:
            raise Http404(NOT_FOUND)
        return found

    # --- Conversations ---

    def list(self, request):
        archived = request.query_params.get("archived")
        if archived in (None, ""):
            flag = None
        elif archived.lower() in ("true", "1", "yes"):
            flag = True
        elif archived.lower() in ("false", "0", "no"):
            flag = False
        else:
            raise exceptions.ValidationError({"archived": [_("Answer true or false.")]})
        return Response(services.conversation_summaries(request.user, archived=flag))

    def create(self, request):
        data = _valid(ConversationCreateSerializer, request)
        people = list(dict.fromkeys(data["participants"]))
        others = [pk for pk in people if pk != request.user.pk]
        with service_errors(), transaction.atomic():
            if len(others) == 1 and not data.get("title"):
                existed = services.Conversation.objects.filter(
                    direct_key=_direct_key(request.user.pk, others[0])
                ).exists()
                conversation = services.direct_conversation(request.user, others[0])
                code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
            else:
                conversation = services.start_group(request.user, people, data.get("title", ""))
                code = status.HTTP_201_CREATED
        return Response(services.serialise_conversation(request.user, conversation), status=code)

    def retrieve(self, request, pk=None):
        return Response(services.serialise_conversation(request.user, self.conversation()))

    def partial_update(self, request, pk=None):
        conversation = self.conversation()
        data = _valid(ConversationUpdateSerializer, request, partial=True)
        with service_errors(), transaction.atomic():
            if "title" in data:
                services.rename(request.user, conversation, data["title"])
            for name, setter in (
                ("muted", services.set_muted),
                ("pinned", services.set_pinned),
                ("archived", services.set_archived),
            ):
                if name in data:
                    setter(request.user, conversation, data[name])
        return Response(services.serialise_conversation(request.user, conversation))

    def destroy(self, request, pk=None):
        conversation = self.conversation()
        with service_errors(), transaction.atomic():
            services.leave(request.user, conversation)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- A group's conversation ---

    @extend_schema(
        request=GroupSpaceSerializer,
        responses={200: ConversationSerializer, 201: ConversationSerializer, 204: None},
        description=_(
            "Turn a group's conversation on (enabled true, the default: 201, or 200 when it "
            "is on already) or off (enabled false: 204; deleted with its messages). Its "
            "owners and moderators only. Its members take part, and joining or leaving the "
            "group joins or leaves it."
        ),
    )
    @action(detail=False, methods=["post"], url_path="spaces")
    def spaces(self, request):
        from plugins.groups.models import Group
        from portal import visibility

        data = _valid(GroupSpaceSerializer, request)
        group = Group.objects.filter(pk=data["group"]).first()
        if group is None or not visibility.can_view(request.user, group):
            raise exceptions.ValidationError({"group": [_("This group cannot be found.")]})
        with service_errors(), transaction.atomic():
            if not data.get("enabled", True):
                services.disable_space(request.user, group)
                return Response(status=status.HTTP_204_NO_CONTENT)
            existed = services.space_of(group) is not None
            conversation = services.enable_space(request.user, group)
        return Response(
            services.serialise_conversation(request.user, conversation),
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    # --- Participants ---

    @extend_schema(
        methods=["GET"],
        responses={200: ParticipantSerializer(many=True), 404: NOT_FOUND_RESPONSE},
        description=_("Everyone in the conversation, in the order they joined."),
    )
    @extend_schema(
        methods=["POST"],
        request=ParticipantsSerializer,
        responses={200: ConversationSerializer, 404: NOT_FOUND_RESPONSE},
        description=_("Add people to a group conversation (its admins)."),
    )
    @extend_schema(
        methods=["DELETE"],
        request=ParticipantsSerializer,
        responses={200: ConversationSerializer, 404: NOT_FOUND_RESPONSE},
        description=_("Remove people from a group conversation (its admins)."),
    )
    @action(detail=True, methods=["get", "post", "delete"])
    def participants(self, request, pk=None):
        conversation = self.conversation()
        if request.method == "GET":
            with service_errors():
                return Response(services.participant_list(request.user, conversation))
        data = _valid(ParticipantsSerializer, request)
        with service_errors(), transaction.atomic():
            if request.method == "POST":
                services.add_participants(request.user, conversation, data["participants"])
            else:
                left = False
                for user_id in data["participants"]:
                    if user_id == request.user.pk:
                        left = True
                    services.remove_participant(request.user, conversation, user_id)
                if left:
                    return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(services.serialise_conversation(request.user, conversation))

    # --- Messages ---

    @extend_schema(
        methods=["GET"],
        parameters=[
            OpenApiParameter(
                "after", int, description=_("Messages after this id, oldest first (a gap).")
            ),
            OpenApiParameter(
                "before", int, description=_("Messages before this id (older history).")
            ),
            OpenApiParameter(
                "top_level",
                bool,
                description=_("Leave out the replies of threads (with before, or alone)."),
            ),
            OpenApiParameter(
                "limit",
                int,
                description=_("How many (at most %(max)d).") % {"max": services.MAX_PAGE_SIZE},
            ),
        ],
        responses={200: MessagePageSerializer, 404: NOT_FOUND_RESPONSE},
        description=_(
            "History, oldest first in each page: the latest messages, or those before "
            "?before= (older), or exactly those after ?after= (what a reconnecting client "
            "missed). `more` tells whether there is more in that direction."
        ),
    )
    @extend_schema(
        methods=["POST"],
        request={
            "application/json": MessageCreateSerializer,
            "multipart/form-data": MessageCreateSerializer,
        },
        responses={
            201: MessageSerializer,
            200: MessageSerializer,
            202: ScheduledMessageSerializer,
            404: NOT_FOUND_RESPONSE,
        },
        description=_(
            "Send a message (201; 200 when this client_id was sent already). Files as "
            "multipart/form-data (field attachments, repeated). With send_at, schedule it "
            "instead (202)."
        ),
    )
    @action(detail=True, methods=["get", "post"], throttle_scope=SEND_SCOPE)
    def messages(self, request, pk=None):
        conversation = self.conversation()
        if request.method == "POST":
            return self._send(request, conversation)
        limit = query_int(request, "limit", min_value=1, max_value=services.MAX_PAGE_SIZE)
        limit = limit or services.PAGE_SIZE
        after = query_int(request, "after", min_value=0)
        before = query_int(request, "before", min_value=1)
        if after is not None and before is not None:
            raise exceptions.ValidationError({"after": [_("Give after or before, not both.")]})
        base = request.build_absolute_uri(request.path)
        if after is not None:
            page = services.messages_after(request.user, conversation, after, limit + 1)
            more = len(page) > limit
            page = page[:limit]
            cursor = f"{base}?after={page[-1].pk}&limit={limit}" if more and page else None
        else:
            top_level = request.query_params.get("top_level", "").lower() in ("1", "true", "yes")
            page = services.history(
                request.user, conversation, before, limit + 1, top_level=top_level
            )
            more = len(page) > limit
            page = page[1:] if more else page
            cursor = (
                f"{base}?before={page[0].pk}&limit={limit}"
                + ("&top_level=true" if top_level else "")
                if more and page
                else None
            )
        return Response(
            {
                "results": services.serialise_many(request.user, page),
                "more": more,
                "next": cursor,
            }
        )

    def _send(self, request, conversation):
        data = _valid(MessageCreateSerializer, request)
        uploads = request.FILES.getlist("attachments") if request.FILES else []
        user = request.user
        with service_errors():
            if data.get("send_at"):
                if uploads:
                    raise services.MessagingError(
                        "attachments", _("A scheduled message cannot carry files.")
                    )
                with transaction.atomic():
                    scheduled = services.schedule_message(
                        user,
                        conversation,
                        data.get("body", ""),
                        data["send_at"],
                        parent=data.get("parent"),
                        client_id=data.get("client_id", ""),
                    )
                return Response(
                    services.serialise_scheduled(scheduled), status=status.HTTP_202_ACCEPTED
                )
            client_id = data.get("client_id", "")
            existed = (
                bool(client_id)
                and conversation.messages.filter(author=user, client_id=client_id).exists()
            )
            with transaction.atomic():
                message = services.post_message(
                    user,
                    conversation,
                    data.get("body", ""),
                    parent=data.get("parent"),
                    client_id=client_id,
                    attachments=uploads,
                    urgent=data.get("urgent", False),
                    reason=data.get("reason", ""),
                )
        message = services._loaded(message.pk)
        return Response(
            services.serialise(message, user),
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(
        methods=["GET"],
        parameters=[MID],
        operation_id="conversations_message_retrieve",
        responses={200: MessageSerializer, 404: NOT_FOUND_RESPONSE},
    )
    @extend_schema(
        methods=["PATCH"],
        parameters=[MID],
        request=MessageUpdateSerializer,
        responses={200: MessageSerializer, 404: NOT_FOUND_RESPONSE},
        description=_("Edit your own message (shown as edited)."),
    )
    @extend_schema(
        methods=["DELETE"],
        parameters=[MID],
        responses={204: None, 404: NOT_FOUND_RESPONSE},
        description=_("Delete your own message (it stays as “deleted”)."),
    )
    @action(
        detail=True,
        methods=["get", "patch", "delete"],
        url_path=rf"messages/(?P<mid>{ID_REGEX})",
        url_name="message",
    )
    def message(self, request, pk=None, mid=None):
        conversation = self.conversation()
        user = request.user
        if request.method == "GET":
            found = services.get_message(user, conversation, mid)
            if found is None:
                raise Http404(NOT_FOUND)
            return Response(services.serialise_many(user, [found])[0])
        if request.method == "PATCH":
            data = _valid(MessageUpdateSerializer, request)
            with service_errors(), transaction.atomic():
                edited = services.edit_message(user, conversation, mid, data["body"])
            return Response(services.serialise_many(user, [services._loaded(edited.pk)])[0])
        with service_errors(), transaction.atomic():
            services.delete_message(user, conversation, mid)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[MID],
        responses={
            200: inline_serializer(
                "MessageThread",
                {"parent": MessageSerializer(), "replies": MessageSerializer(many=True)},
            ),
            404: NOT_FOUND_RESPONSE,
        },
        description=_("A message and its replies, oldest first."),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"messages/(?P<mid>{ID_REGEX})/thread",
        url_name="thread",
    )
    def thread(self, request, pk=None, mid=None):
        conversation = self.conversation()
        with service_errors():
            parent, replies = services.thread(request.user, conversation, mid)
        serialised = services.serialise_many(request.user, [parent, *replies])
        return Response({"parent": serialised[0], "replies": serialised[1:]})

    @extend_schema(
        parameters=[AID],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: NOT_FOUND_RESPONSE,
        },
        description=_(
            "Download an attachment (participants only): images inline, anything else as "
            "a download."
        ),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"attachments/(?P<aid>{ID_REGEX})",
        url_name="attachment",
    )
    def attachment(self, request, pk=None, aid=None):
        conversation = self.conversation()
        found = services.attachment_of(request.user, conversation, aid)
        if found is None:
            raise Http404(NOT_FOUND)
        handle = files.open_stored(found.file.storage, found.file.name)
        return files.file_response(
            handle,
            stored_name=found.file.name,
            download_name=found.name,
            content_type=found.content_type,
        )

    # --- Reading ---

    @extend_schema(
        request=ConversationReadSerializer,
        responses={200: ConversationReadResultSerializer, 404: NOT_FOUND_RESPONSE},
        description=_(
            "You have read up to this message (never backwards). Reading to the end marks "
            "the conversation's notifications read."
        ),
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        conversation = self.conversation()
        data = _valid(ConversationReadSerializer, request)
        with service_errors(), transaction.atomic():
            last = services.mark_read(request.user, conversation, data.get("up_to"))
        state = services.unread_state(request.user, conversation)
        return Response({"last_read_id": last, "unread": state["unread"], "total": state["total"]})

    @extend_schema(
        responses={
            200: inline_serializer(
                "Receipts",
                {
                    "receipts": serializers.DictField(
                        child=serializers.IntegerField(),
                        help_text=_("Person id → the latest message they read."),
                    )
                },
            ),
            404: NOT_FOUND_RESPONSE,
        },
        description=_(
            "Who read up to where: only when read receipts are on for the company, for you "
            "and for them (empty otherwise)."
        ),
    )
    @action(detail=True, methods=["get"])
    def receipts(self, request, pk=None):
        conversation = self.conversation()
        found = services.receipts(request.user, conversation)
        return Response({"receipts": {str(pk): last for pk, last in found.items()}})

    @extend_schema(
        responses={200: ParticipantOffSerializer(many=True), 404: NOT_FOUND_RESPONSE},
        description=_(
            "The other participants who are off now, and until when (to schedule a "
            "message for their next working hour)."
        ),
    )
    @action(detail=True, methods=["get"])
    def off(self, request, pk=None):
        conversation = self.conversation()
        return Response(
            [
                {"user": services._person(person), **state.as_json()}
                for person, state in services.recipients_off(request.user, conversation)
            ]
        )

    # --- Scheduled messages ---

    @extend_schema(
        responses={200: ScheduledMessageSerializer(many=True), 404: NOT_FOUND_RESPONSE},
        description=_("Your messages scheduled in this conversation, not sent yet."),
    )
    @action(detail=True, methods=["get"])
    def scheduled(self, request, pk=None):
        conversation = self.conversation()
        return Response(
            [
                services.serialise_scheduled(s)
                for s in services.scheduled_messages(request.user, conversation)
            ]
        )

    @extend_schema(
        parameters=[SID],
        responses={204: None, 404: NOT_FOUND_RESPONSE},
        description=_("Cancel one of your scheduled messages."),
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=rf"scheduled/(?P<sid>{ID_REGEX})",
        url_name="scheduled-detail",
    )
    def cancel_scheduled(self, request, pk=None, sid=None):
        conversation = self.conversation()
        if not services.scheduled_messages(request.user, conversation).filter(pk=sid).exists():
            raise Http404(NOT_FOUND)
        services.cancel_scheduled(request.user, sid)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _direct_key(a: int, b: int) -> str:
    low, high = sorted([a, b])
    return f"{low}:{high}"


def register_api(router) -> None:
    router.register("conversations", ConversationViewSet, basename="conversation")
