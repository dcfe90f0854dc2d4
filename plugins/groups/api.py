"""/api/groups/: groups, their members, join requests and invitations.

A secret group does not exist for outsiders (404 everywhere); a private group's members
are for its members (403 for the others, who may still see that the group exists).
"""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from plugins.groups import services
from plugins.groups.models import Group, Invitation, JoinRequest, Membership
from portal import visibility
from portal.api import fields as api_fields
from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.api.schema import error_response

User = get_user_model()


class GroupPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    department = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email

    def get_url(self, user) -> str:
        return user.get_absolute_url()

    def get_department(self, user) -> str:
        return str(user.department or "")


class TagListField(serializers.ListField):
    """Tags in and out as a list of strings (read from the prefetched tags)."""

    def to_representation(self, manager):
        return sorted(tag.name for tag in manager.all())


class GroupSerializer(serializers.ModelSerializer):
    name = serializers.CharField(allow_blank=True, trim_whitespace=True)
    description = serializers.CharField(allow_blank=True, required=False, trim_whitespace=True)
    privacy = serializers.ChoiceField(choices=Group.PRIVACY_CHOICES, required=False)
    tags = TagListField(
        child=serializers.CharField(max_length=services.MAX_TAG_LENGTH),
        required=False,
        help_text=_("Tags, as a list of strings."),
    )
    cover = serializers.FileField(
        required=False,
        allow_null=True,
        help_text=_(
            "The cover image's URL; upload one with multipart/form-data (JPEG, PNG, WebP or "
            "GIF, at most 5 MB); null removes it."
        ),
    )
    member_count = serializers.IntegerField(read_only=True)
    my_role = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_('My role in the group: "owner", "moderator", "member", or null.'),
    )
    my_request = serializers.SerializerMethodField(
        help_text=_('"pending" when I asked to join and nobody answered yet, else null.')
    )
    my_invitation = serializers.SerializerMethodField(
        help_text=_("The id of my pending invitation to this group, else null.")
    )
    follow_closely = serializers.SerializerMethodField(
        help_text=_("Whether I am notified of every new post (members only).")
    )
    is_department_group = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "privacy",
            "tags",
            "cover",
            "member_count",
            "my_role",
            "my_request",
            "my_invitation",
            "follow_closely",
            "is_department_group",
            "url",
            "created_at",
        ]
        read_only_fields = ["id", "slug", "created_at"]

    def get_my_request(self, group) -> str | None:
        return JoinRequest.PENDING if getattr(group, "my_request_pending", False) else None

    def get_my_invitation(self, group) -> int | None:
        return getattr(group, "my_invitation_id", None)

    def get_follow_closely(self, group) -> bool:
        return bool(getattr(group, "my_follow_closely", False))

    def get_url(self, group) -> str:
        return group.get_absolute_url()


class GroupMembershipSerializer(serializers.ModelSerializer):
    user = GroupPersonSerializer(read_only=True)
    follow_closely = serializers.SerializerMethodField(
        help_text=_("Shown for my own membership only.")
    )

    class Meta:
        model = Membership
        fields = ["user", "role", "follow_closely", "synced", "joined_at"]
        read_only_fields = fields

    def get_follow_closely(self, membership) -> bool | None:
        request = self.context.get("request")
        if request is not None and membership.user_id == request.user.pk:
            return membership.follow_closely
        return None


class GroupMembershipUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.ROLE_CHOICES, required=False)
    follow_closely = serializers.BooleanField(
        required=False, help_text=_("Only for my own membership.")
    )


class GroupInviteSerializer(serializers.Serializer):
    user_ids = serializers.ListField(
        child=api_fields.IntegerField(min_value=1),
        allow_empty=False,
        max_length=services.MAX_INVITATIONS,
        help_text=_("The accounts to invite."),
    )

    def validate_user_ids(self, ids):
        # Only people the inviter may see: anyone else is unknown (hidden == missing).
        people = visibility.filter_visible(
            self.context["request"].user, User.objects.filter(pk__in=ids, is_active=True)
        )
        found = {user.pk: user for user in people}
        unknown = [str(pk) for pk in ids if pk not in found]
        if unknown:
            raise serializers.ValidationError(
                _("No active account with the id(s): %(ids)s.") % {"ids": ", ".join(unknown)}
            )
        return list(found.values())


class GroupRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = ["id", "name", "slug", "privacy", "url"]
        read_only_fields = fields

    def get_url(self, group) -> str:
        return group.get_absolute_url()


class GroupInvitationSerializer(serializers.ModelSerializer):
    group = GroupRefSerializer(read_only=True)
    user = GroupPersonSerializer(read_only=True)
    invited_by = GroupPersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Invitation
        fields = ["id", "group", "user", "invited_by", "status", "created_at"]
        read_only_fields = fields


class GroupJoinRequestSerializer(serializers.ModelSerializer):
    user = GroupPersonSerializer(read_only=True)

    class Meta:
        model = JoinRequest
        fields = ["id", "user", "message", "status", "created_at"]
        read_only_fields = fields


class GroupJoinBodySerializer(serializers.Serializer):
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("For a private group: a word to the moderators."),
    )


class GroupLeaveSerializer(serializers.Serializer):
    new_owner = api_fields.IntegerField(
        required=False,
        help_text=_("The last owner names the member who becomes owner."),
    )


def _member_user(group, user_id) -> User:
    user = User.objects.filter(pk=user_id, group_memberships__group=group).first()
    if user is None:
        raise NotFound(_("This person is not a member of the group."))
    return user


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("mine", bool, description=_("Only the groups I belong to.")),
            OpenApiParameter("privacy", str, enum=[key for key, _label in Group.PRIVACY_CHOICES]),
            OpenApiParameter("q", str, description=_("Words in the name, description or tags.")),
            OpenApiParameter("tag", str, description=_("Only groups with this tag.")),
        ]
    ),
    destroy=extend_schema(description=_("Owners delete a group and everything in it.")),
)
class GroupViewSet(viewsets.ModelViewSet):
    """Groups I may know of: public and private groups, and the secret groups I belong to
    or am invited to."""

    serializer_class = GroupSerializer
    throttle_scope = "group"
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Group.objects.none()
        user = self.request.user
        queryset = services.annotate_for(user, services.visible_groups(user)).prefetch_related(
            "tags"
        )
        if self.action != "list":
            return queryset
        params = self.request.query_params
        if params.get("mine") in {"1", "true", "yes"}:
            queryset = queryset.filter(memberships__user=user)
        if params.get("privacy"):
            queryset = queryset.filter(privacy=params["privacy"])
        queryset = services.search(queryset, params.get("q", ""), params.get("tag", ""))
        return queryset.order_by("name", "pk")

    def _fresh(self, group):
        """The group re-read with the current user's annotations (after a change)."""
        self.kwargs[self.lookup_field] = group.pk
        return self.get_object()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        group = services.create_group(
            request.user,
            name=data.get("name", ""),
            description=data.get("description", ""),
            privacy=data.get("privacy", Group.PUBLIC),
            tags=data.get("tags", []),
            cover=data.get("cover"),
        )
        self.kwargs[self.lookup_field] = group.pk
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        group = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(group, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "cover" in changes and changes["cover"] is None:
            changes["cover"] = False
        services.update_group(request.user, group, **changes)
        return Response(self.get_serializer(self._fresh(group)).data)

    def perform_destroy(self, instance):
        services.delete_group(self.request.user, instance)

    @extend_schema(
        request=GroupJoinBodySerializer,
        responses={
            200: OpenApiResponse(GroupSerializer, description=_("Joined.")),
            202: OpenApiResponse(GroupSerializer, description=_("Request sent to moderators.")),
        },
        description=_(
            "Join a public group, ask to join a private one (202, the moderators decide) or "
            "accept one's invitation."
        ),
    )
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        group = self.get_object()
        serializer = GroupJoinBodySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if group.is_public or group.my_invitation_id or group.my_role:
            services.join(request.user, group)
            answer = status.HTTP_200_OK
        else:
            result = services.request_to_join(
                request.user, group, serializer.validated_data.get("message", "")
            )
            joined = isinstance(result, Membership)
            answer = status.HTTP_200_OK if joined else status.HTTP_202_ACCEPTED
        return Response(self.get_serializer(self._fresh(group)).data, status=answer)

    @extend_schema(request=GroupLeaveSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        group = self.get_object()
        serializer = GroupLeaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new_owner = None
        if serializer.validated_data.get("new_owner"):
            new_owner = User.objects.filter(pk=serializer.validated_data["new_owner"]).first()
        services.leave(request.user, group, new_owner=new_owner)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses={200: GroupMembershipSerializer(many=True), 403: error_response(403)},
        description=_("The members: anyone for a public group, members only otherwise."),
    )
    @extend_schema(
        methods=["POST"],
        request=GroupInviteSerializer,
        responses={201: GroupInvitationSerializer(many=True)},
        description=_(
            "Invite people (members invite to public and private groups, moderators to "
            "secret ones). People already members or invited are skipped."
        ),
    )
    @action(detail=True, methods=["get", "post"], serializer_class=GroupMembershipSerializer)
    def members(self, request, pk=None):
        group = self.get_object()
        if request.method == "POST":
            serializer = GroupInviteSerializer(data=request.data, context={"request": request})
            serializer.is_valid(raise_exception=True)
            created = services.invite(request.user, group, serializer.validated_data["user_ids"])
            return Response(
                GroupInvitationSerializer(created, many=True, context={"request": request}).data,
                status=status.HTTP_201_CREATED,
            )
        if not services.can_see_content(request.user, group):
            raise PermissionDenied(_("Only the group's members see who is in it."))
        page = self.paginate_queryset(services.members_of(group))
        serializer = GroupMembershipSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        methods=["PATCH"],
        request=GroupMembershipUpdateSerializer,
        responses=GroupMembershipSerializer,
        description=_("Owners change roles; members set their own follow_closely."),
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={204: None},
        description=_("Moderators remove a member (or members remove themselves: leave)."),
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"members/(?P<user_id>\d+)",
        serializer_class=GroupMembershipSerializer,
    )
    def member(self, request, pk=None, user_id=None):
        group = self.get_object()
        if not services.can_see_content(request.user, group):
            raise PermissionDenied(_("Only the group's members see who is in it."))
        person = _member_user(group, user_id)
        if request.method == "DELETE":
            if person.pk == request.user.pk:
                services.leave(request.user, group)
            else:
                services.remove_member(request.user, group, person)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = GroupMembershipUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "follow_closely" in data:
            if person.pk != request.user.pk:
                raise PermissionDenied(_("People choose for themselves what they follow."))
            services.set_follow_closely(request.user, group, data["follow_closely"])
        if "role" in data:
            services.set_role(request.user, group, person, data["role"])
        membership = Membership.objects.select_related("user", "user__department").get(
            group=group, user=person
        )
        return Response(GroupMembershipSerializer(membership, context={"request": request}).data)

    @extend_schema(
        responses={200: GroupJoinRequestSerializer(many=True), 403: error_response(403)},
        description=_("Pending requests to join (moderators)."),
    )
    @action(detail=True, methods=["get"], serializer_class=GroupJoinRequestSerializer)
    def requests(self, request, pk=None):
        group = self.get_object()
        self._require_moderator(group)
        pending = (
            JoinRequest.objects.filter(group=group, status=JoinRequest.PENDING)
            .select_related("user", "user__department")
            .order_by("created_at", "pk")
        )
        page = self.paginate_queryset(pending)
        return self.get_paginated_response(
            GroupJoinRequestSerializer(page, many=True, context={"request": request}).data
        )

    def _require_moderator(self, group) -> None:
        if not services.can_moderate(self.request.user, group):
            raise PermissionDenied(_("Only the group's owners and moderators see requests."))

    def _join_request(self, group, request_id) -> JoinRequest:
        self._require_moderator(group)
        return get_object_or_404(
            JoinRequest.objects.select_related("user", "group"), pk=request_id, group=group
        )

    @extend_schema(request=None, responses=GroupJoinRequestSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"requests/(?P<request_id>\d+)/approve",
        serializer_class=GroupJoinRequestSerializer,
    )
    def approve_request(self, request, pk=None, request_id=None):
        join_request = self._join_request(self.get_object(), request_id)
        answered = services.approve_request(request.user, join_request)
        return Response(GroupJoinRequestSerializer(answered, context={"request": request}).data)

    @extend_schema(request=None, responses=GroupJoinRequestSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"requests/(?P<request_id>\d+)/decline",
        serializer_class=GroupJoinRequestSerializer,
    )
    def decline_request(self, request, pk=None, request_id=None):
        join_request = self._join_request(self.get_object(), request_id)
        answered = services.decline_request(request.user, join_request)
        return Response(GroupJoinRequestSerializer(answered, context={"request": request}).data)


class MyInvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """My pending invitations to groups; accept or decline them."""

    serializer_class = GroupInvitationSerializer
    throttle_scope = "group"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        return (
            Invitation.objects.filter(user=self.request.user, status=Invitation.PENDING)
            .select_related("group", "user", "user__department", "invited_by__department")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=None, responses=GroupSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        membership = services.accept_invitation(request.user, self.get_object())
        group = services.annotate_for(request.user, Group.objects.filter(pk=membership.group_id))
        return Response(GroupSerializer(group.get(), context={"request": request}).data)

    @extend_schema(request=None, responses=GroupInvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        invitation = services.decline_invitation(request.user, self.get_object())
        return Response(self.get_serializer(invitation).data)


def register_api(router) -> None:
    # The invitations first: "groups/invitations/" must not be read as a group's id.
    router.register("groups/invitations", MyInvitationViewSet, basename="group-invitation")
    router.register("groups", GroupViewSet, basename="group")
