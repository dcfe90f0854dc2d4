"""``/api/<prefix>/<id>/comments/`` (the thread, and commenting) for every object declared
commentable with an API prefix (``posts``, ``pages``, ``initiatives``...), and
``/api/comments/{id}/`` (one comment: read, edit, delete) and ``.../report/``.

A target or comment the caller may not see answers 404 (whether it exists or not); an
action they may not take on one they see (a closed thread) answers 403.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from plugins.comments import services
from plugins.comments.models import Comment
from plugins.reactions.api import SummarySerializer
from portal import interactions
from portal.api import fields as api_fields


class CommentAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url")

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email


class CommentPermissionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    delete = serializers.BooleanField()


class CommentTargetSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=_("What it is: app_label.model (feed.post...)."))
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()


class ReplySerializer(serializers.ModelSerializer):
    author = CommentAuthorSerializer(read_only=True)
    post = serializers.IntegerField(
        source="post_id",
        read_only=True,
        allow_null=True,
        help_text=_("The post commented on, when the comment is on a post."),
    )
    target = serializers.SerializerMethodField()
    reactions = SummarySerializer(source="summary", read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "post",
            "target",
            "parent",
            "author",
            "text",
            "html",
            "created_at",
            "edited_at",
            "reactions",
            "permissions",
        ]
        read_only_fields = fields

    @extend_schema_field(CommentTargetSerializer)
    def get_target(self, comment) -> dict:
        target = comment.target
        declaration = interactions.declaration_for(type(target))
        return {
            "kind": declaration.label if declaration else "",
            "id": comment.object_id,
            "title": interactions.title_of(target),
            "url": interactions.url_of(target),
        }

    @extend_schema_field(CommentPermissionsSerializer)
    def get_permissions(self, comment) -> dict:
        return {"edit": comment.can_edit, "delete": comment.can_delete}


class CommentSerializer(ReplySerializer):
    replies = ReplySerializer(source="reply_list", many=True, read_only=True)

    class Meta(ReplySerializer.Meta):
        fields = [*ReplySerializer.Meta.fields, "replies"]
        read_only_fields = fields


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        trim_whitespace=False,
        allow_blank=True,
        help_text=_("What you write; @[Name](user:12) mentions someone."),
    )
    parent = api_fields.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("The comment you reply to (a reply to a reply goes under its comment)."),
    )


class CommentEditSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, allow_blank=True)


class CommentReportInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        trim_whitespace=False,
        allow_blank=True,
        max_length=services.REASON_MAX_LENGTH,
        help_text=_("What is wrong with the comment (the moderators read it)."),
    )


class CommentReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    comment = serializers.IntegerField(source="comment_id")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


def loaded(user, comment) -> Comment:
    """``comment`` with its replies (for a top-level one), reactions and permissions."""
    target = comment.target
    comment.reply_list = []
    if comment.parent_id is None:
        comment.reply_list = list(
            Comment.objects.filter(parent=comment)
            .select_related("author")
            .order_by("created_at", "pk")
        )
    services.load(user, [comment, *comment.reply_list], target=target)
    return comment


class TargetCommentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The comments of one object; subclassed per API prefix by :func:`register_api`."""

    serializer_class = CommentSerializer
    throttle_scope = "comment"
    filter_backends = []
    api_prefix: str
    target_kwarg: str

    def get_target(self):
        if not hasattr(self, "_target"):
            self._target = services.get_target(
                self.request.user, self.api_prefix, self.kwargs[self.target_kwarg]
            )
        return self._target

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return services.top_level_comments(self.get_target()).order_by("created_at", "pk")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is None:
            return None
        return services.thread(self.request.user, self.get_target(), top_level=page)

    def create(self, request, *args, **kwargs):
        target = self.get_target()
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parent = None
        parent_id = serializer.validated_data.get("parent")
        if parent_id is not None:
            parent = services.of(target).filter(pk=parent_id).first()
            if parent is None:
                raise serializers.ValidationError({"parent": [_("There is no such comment here.")]})
        comment = services.add_comment(
            request.user, target, serializer.validated_data["text"], parent=parent
        )
        comment = loaded(request.user, comment)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


def viewset_for(api_prefix: str, declaration) -> type[TargetCommentViewSet]:
    kwarg = f"{api_prefix.removesuffix('s')}_id"
    name = (declaration.lookup_model or declaration.model)._meta.verbose_name
    path = [OpenApiParameter(kwarg, int, OpenApiParameter.PATH)]
    viewset = type(
        f"{api_prefix.title().replace('_', '')}CommentViewSet",
        (TargetCommentViewSet,),
        {
            "api_prefix": api_prefix,
            "target_kwarg": kwarg,
            "__doc__": f"The comments of one {name}.",
        },
    )
    return extend_schema_view(
        list=extend_schema(
            summary=f"The comments of a {name}",
            description=_(
                "Top-level comments, oldest first and paginated, each with its replies nested."
            ),
            parameters=path,
        ),
        create=extend_schema(
            summary=f"Comment on a {name}, or reply to a comment",
            description=_("403 when the comments are closed or only for members."),
            parameters=path,
            request=CommentInputSerializer,
            responses={201: CommentSerializer},
        ),
    )(viewset)


@extend_schema_view(
    partial_update=extend_schema(
        summary="Edit my comment", request=CommentEditSerializer, responses=CommentSerializer
    ),
    destroy=extend_schema(summary="Delete a comment (and its replies)"),
    report=extend_schema(
        summary="Report a comment to its moderators",
        request=CommentReportInputSerializer,
        responses={201: CommentReportSerializer},
    ),
)
class CommentViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """One comment: read it, edit it (its author), delete it (its author, the group's
    moderators, or people allowed to delete any comment)."""

    serializer_class = CommentSerializer
    throttle_scope = "comment"
    filter_backends = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return services.visible_comments(self.request.user)

    def get_object(self):
        return services.get_comment(self.request.user, self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        return Response(CommentSerializer(loaded(request.user, self.get_object())).data)

    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        serializer = CommentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.edit_comment(request.user, comment, serializer.validated_data["text"])
        return Response(CommentSerializer(loaded(request.user, comment)).data)

    def destroy(self, request, *args, **kwargs):
        services.delete_comment(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], throttle_scope="report")
    def report(self, request, *args, **kwargs):
        comment = self.get_object()
        serializer = CommentReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_comment(request.user, comment, serializer.validated_data["reason"])
        return Response(CommentReportSerializer(report).data, status=status.HTTP_201_CREATED)


def register_api(router) -> None:
    for prefix, declaration in interactions.prefixes(comments=True).items():
        kwarg = f"{prefix.removesuffix('s')}_id"
        router.register(
            rf"{prefix}/(?P<{kwarg}>\d+)/comments",
            viewset_for(prefix, declaration),
            basename=f"{prefix.removesuffix('s')}-comment",
        )
    router.register("comments", CommentViewSet, basename="comment")
