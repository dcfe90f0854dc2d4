"""/api/posts/{post_id}/comments/ (the thread, and commenting) and /api/comments/{id}/.

A post or comment the caller may not see answers 404 (whether it exists or not); an
action they may not take on one they see answers 403.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from plugins.comments import services
from plugins.comments.models import Comment
from plugins.reactions.api import SummarySerializer
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


class ReplySerializer(serializers.ModelSerializer):
    author = CommentAuthorSerializer(read_only=True)
    reactions = SummarySerializer(source="summary", read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "post",
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


def loaded(user, comment) -> Comment:
    """``comment`` with its replies (for a top-level one), reactions and permissions."""
    post = comment.post
    comment.reply_list = []
    if comment.parent_id is None:
        comment.reply_list = list(
            Comment.objects.filter(parent=comment)
            .select_related("author")
            .order_by("created_at", "pk")
        )
    services.load(user, [comment, *comment.reply_list], post=post)
    return comment


POST_ID = OpenApiParameter("post_id", int, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="The comments of a post",
        description=_(
            "Top-level comments, oldest first and paginated, each with its replies nested."
        ),
        parameters=[POST_ID],
    ),
    create=extend_schema(
        summary="Comment on a post, or reply to a comment",
        parameters=[POST_ID],
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
    ),
)
class PostCommentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The comments of one post."""

    serializer_class = CommentSerializer
    throttle_scope = "comment"
    filter_backends = []

    def get_post(self):
        if not hasattr(self, "_post"):
            self._post = services.get_post(self.request.user, self.kwargs["post_id"])
        return self._post

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return services.top_level_comments(self.get_post()).order_by("created_at", "pk")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is None:
            return None
        return services.thread(self.request.user, self.get_post(), top_level=page)

    def create(self, request, *args, **kwargs):
        post = self.get_post()
        serializer = CommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parent = None
        parent_id = serializer.validated_data.get("parent")
        if parent_id is not None:
            parent = Comment.objects.filter(pk=parent_id, post=post).first()
            if parent is None:
                raise serializers.ValidationError(
                    {"parent": [_("There is no such comment on this post.")]}
                )
        comment = services.add_comment(
            request.user, post, serializer.validated_data["text"], parent=parent
        )
        comment = loaded(request.user, comment)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    partial_update=extend_schema(
        summary="Edit my comment", request=CommentEditSerializer, responses=CommentSerializer
    ),
    destroy=extend_schema(summary="Delete a comment (and its replies)"),
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
    http_method_names = ["get", "patch", "delete", "head", "options"]

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


def register_api(router) -> None:
    router.register(r"posts/(?P<post_id>\d+)/comments", PostCommentViewSet, basename="post-comment")
    router.register("comments", CommentViewSet, basename="comment")
