"""JSON of posts, feed items, follows and reports for /api/posts/, /api/feed/, /api/follows/
and /api/reports/.

Post serializers read what :func:`plugins.feed.queries.load_posts` loaded for a page
(attachments, hashtags, ``event_data``, ``poll_data``, ``extras``) and the permissions the
view computed for the page in one go (``context["permissions"]``), so a page of posts costs
the same number of queries whatever its size.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from plugins.feed.api_interactions import EventDataSerializer, PollDataSerializer
from plugins.feed.models import Follow, Post, Report
from plugins.groups.models import Group
from portal import links
from portal.api import fields as api_fields
from portal.api.serializers import AttachmentSerializer, LinkPreviewSerializer
from portal.lookups import VisibleObjectField


def _url(obj) -> str:
    try:
        return obj.get_absolute_url() or ""
    except NoReverseMatch:
        return ""


_DATETIME = serializers.DateTimeField()


def _datetime(value):
    """A datetime as the API writes them (settings' format and time zone), or ``None``:
    what DRF's ``DateTimeField`` writes, without its per-call lookups in the usual case
    (ISO 8601, an aware value), which a feed page makes a hundred times."""
    if value is None:
        return None
    if str(api_settings.DATETIME_FORMAT).lower() != ISO_8601 or timezone.is_naive(value):
        return _DATETIME.to_representation(value)
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or str(user), "url": _url(user)}


def group_summary(group) -> dict | None:
    if group is None:
        return None
    return {"id": group.pk, "name": group.name, "url": _url(group)}


class PostPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class PostGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


class SharedPreviewSerializer(serializers.Serializer):
    """What a share links, as the viewer may know it: the object's preview when they may
    see the object, ``{"unavailable": true}`` alone otherwise (hidden, deleted or
    unpublished alike: no title, URL, id or kind)."""

    unavailable = serializers.BooleanField(
        help_text=_("True when you may not see the shared object (or it is gone).")
    )
    type = serializers.CharField(
        required=False, help_text=_("The API prefix of the object (pages, ...).")
    )
    id = serializers.IntegerField(required=False)
    kind = serializers.CharField(required=False, help_text=_('What it is: "News", "Course"...'))
    title = serializers.CharField(required=False)
    excerpt = serializers.CharField(required=False, allow_blank=True)
    image = serializers.CharField(required=False, allow_blank=True)
    url = serializers.CharField(required=False)


class PostPermissionsSerializer(serializers.Serializer):
    edit = serializers.BooleanField()
    delete = serializers.BooleanField()
    pin = serializers.BooleanField()
    relaunch = serializers.BooleanField()
    moderate = serializers.BooleanField()


class PostSerializer(serializers.ModelSerializer):
    """A post as the feed shows it."""

    author = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField()
    link_preview = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    hashtags = serializers.SerializerMethodField()
    event = serializers.SerializerMethodField()
    poll = serializers.SerializerMethodField()
    shared = serializers.SerializerMethodField()
    extras = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "kind",
            "author",
            "group",
            "audience",
            "text",
            "html",
            "created_at",
            "edited_at",
            "activity_at",
            "pinned",
            "relaunched_at",
            "link_preview",
            "attachments",
            "hashtags",
            "event",
            "poll",
            "shared",
            "extras",
            "comment_count",
            "reaction_count",
            "permissions",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(PostPersonSerializer)
    def get_author(self, post) -> dict | None:
        return person(post.author)

    @extend_schema_field(PostGroupSerializer(allow_null=True))
    def get_group(self, post) -> dict | None:
        return group_summary(post.group) if post.group_id else None

    @extend_schema_field(LinkPreviewSerializer(allow_null=True))
    def get_link_preview(self, post) -> dict | None:
        if not post.link_url:
            return None
        return {
            "url": post.link_url,
            "title": post.link_title,
            "description": post.link_description,
            "image": post.link_image,
            "site": post.link_site,
        }

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, post) -> list[dict]:
        if not post.attachment_count:  # kept by the posting service: no need to ask
            return []
        return [
            {
                "id": a.pk,
                "name": a.name,
                "size": a.size,
                "content_type": a.content_type,
                "is_image": a.is_image,
                "width": a.width,
                "height": a.height,
                "url": links.reverse("feed:attachment", args=[a.pk]),
            }
            for a in post.attachments.all()
        ]

    def get_hashtags(self, post) -> list[str]:
        if "#" not in post.text:  # hashtags come from the text
            return []
        return sorted(tag.name for tag in post.hashtags.all())

    @extend_schema_field(EventDataSerializer(allow_null=True))
    def get_event(self, post) -> dict | None:
        return getattr(post, "event_data", None)

    @extend_schema_field(PollDataSerializer(allow_null=True))
    def get_poll(self, post) -> dict | None:
        return getattr(post, "poll_data", None)

    @extend_schema_field(SharedPreviewSerializer(allow_null=True))
    def get_shared(self, post) -> dict | None:
        """Null unless the post is a share (see :class:`SharedPreviewSerializer`)."""
        if post.kind != Post.SHARE:
            return None
        if not hasattr(post, "shared_preview"):  # a post not loaded by load_posts
            from plugins.feed import sharing

            sharing.attach([post], self.context["request"].user)
        preview = post.shared_preview
        return {"unavailable": False, **preview} if preview else {"unavailable": True}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_extras(self, post) -> dict:
        return getattr(post, "extras", None) or {}

    @extend_schema_field(PostPermissionsSerializer)
    def get_permissions(self, post) -> dict:
        from plugins.feed import services

        computed = self.context.get("permissions") or {}
        if post.pk in computed:
            return computed[post.pk]
        return services.permissions_for(self.context["request"].user, [post])[post.pk]

    def get_url(self, post) -> str:
        return _url(post)

    def to_representation(self, post) -> dict:
        """The same fields as declared (the schema), built directly: a feed page has
        dozens of posts, and DRF's field-by-field machinery was a good part of its time."""
        return {
            "id": post.pk,
            "kind": post.kind,
            "author": self.get_author(post),
            "group": self.get_group(post),
            "audience": post.audience,
            "text": post.text,
            "html": post.html,
            "created_at": _datetime(post.created_at),
            "edited_at": _datetime(post.edited_at),
            "activity_at": _datetime(post.activity_at),
            "pinned": post.pinned,
            "relaunched_at": _datetime(post.relaunched_at),
            "link_preview": self.get_link_preview(post),
            "attachments": self.get_attachments(post),
            "hashtags": self.get_hashtags(post),
            "event": self.get_event(post),
            "poll": self.get_poll(post),
            "shared": self.get_shared(post),
            "extras": self.get_extras(post),
            "comment_count": post.comment_count,
            "reaction_count": post.reaction_count,
            "permissions": self.get_permissions(post),
            "url": self.get_url(post),
        }


class EventInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    starts_at = api_fields.DateTimeField()
    ends_at = api_fields.DateTimeField(required=False, allow_null=True)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    online_url = serializers.URLField(max_length=1000, required=False, allow_blank=True)


class PollInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=300)
    options = serializers.ListField(
        child=serializers.CharField(max_length=200), min_length=2, max_length=10
    )
    multiple = serializers.BooleanField(required=False, default=False)
    anonymous = serializers.BooleanField(required=False, default=False)
    closes_at = api_fields.DateTimeField(required=False, allow_null=True)


class PostCreateSerializer(serializers.Serializer):
    """What a new post is made of: JSON, or multipart with ``files``."""

    kind = serializers.ChoiceField(
        choices=[c for c in Post.KIND_CHOICES if c[0] in Post.COMPOSED_KINDS],
        default=Post.STATUS,
        help_text=_("A share is made with POST /api/shares/."),
    )
    text = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )
    audience = serializers.CharField(
        required=False,
        default="all",
        help_text=_('"all", "dept:<id>" or "group:<id>", among the places you may post to.'),
    )
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    event = serializers.JSONField(
        required=False,
        help_text=_("For event posts: title, starts_at, ends_at, location, online_url."),
    )
    poll = serializers.JSONField(
        required=False,
        help_text=_("For poll posts: question, options (2 to 10), multiple, anonymous, closes_at."),
    )


class ShareCreateSerializer(serializers.Serializer):
    """What to share (an object by its API prefix and id), where, with which comment."""

    type = serializers.ChoiceField(
        choices=[],
        help_text=_(
            "The API prefix of the object: pages (news, courses, lessons, sessions, "
            "themed weeks), ..., or posts for a share, whose object is shared again."
        ),
    )
    id = api_fields.IntegerField(min_value=1, help_text=_("The object's id."))
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text=_("Your comment (may be empty); mentions and hashtags as in any post."),
    )
    audience = serializers.CharField(
        required=False,
        default="all",
        help_text=_('"all", "dept:<id>" or "group:<id>", among the places you may post to.'),
    )
    group = VisibleObjectField(
        queryset=Group.objects.all(),
        required=False,
        help_text=_("Share to this group (one you belong to) instead of an audience."),
    )

    def __init__(self, *args, **kwargs):
        from plugins.feed import sharing

        super().__init__(*args, **kwargs)
        # The shareable kinds are declared when the apps are ready, after this module.
        self.fields["type"].choices = sharing.prefixes()

    def validate(self, attrs):
        data = getattr(self, "initial_data", None) or {}
        if "group" in attrs and "audience" in data:
            raise serializers.ValidationError(
                {"audience": [_("Give a group or an audience, not both.")]}
            )
        return attrs


class PostUpdateSerializer(serializers.Serializer):
    """An edit by the author; the audience and the kind never change."""

    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("Files to attach.")
    )
    files_to_remove = serializers.ListField(
        child=api_fields.IntegerField(), required=False, help_text=_("Attachment ids to remove.")
    )
    event = serializers.JSONField(required=False)
    poll = serializers.JSONField(required=False)


class ReportInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class NewsPageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    intro = serializers.CharField()
    first_published_at = serializers.DateTimeField(allow_null=True)


class FeedItemSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["post", "news"])
    sort_at = serializers.DateTimeField()
    post = PostSerializer(required=False)
    page = NewsPageSerializer(required=False)


@extend_schema_serializer(many=False)
class FeedPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    pinned = PostSerializer(many=True)
    results = FeedItemSerializer(many=True)


class FollowSerializer(serializers.ModelSerializer):
    user = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField()
    user_id = VisibleObjectField(
        queryset=get_user_model().objects.all(),
        write_only=True,
        required=False,
        help_text=_("The person to follow."),
    )
    group_id = VisibleObjectField(
        queryset=Group.objects.all(),
        write_only=True,
        required=False,
        help_text=_("The group to follow."),
    )

    class Meta:
        model = Follow
        fields = ["id", "user", "group", "user_id", "group_id", "created_at"]
        read_only_fields = ["id", "user", "group", "created_at"]

    @extend_schema_field(PostPersonSerializer(allow_null=True))
    def get_user(self, follow) -> dict | None:
        return person(follow.user) if follow.user_id else None

    @extend_schema_field(PostGroupSerializer(allow_null=True))
    def get_group(self, follow) -> dict | None:
        return group_summary(follow.group) if follow.group_id else None


class ReportedPostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField()
    author = PostPersonSerializer()
    group = PostGroupSerializer(allow_null=True)


class ReportSerializer(serializers.ModelSerializer):
    post = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "post", "reporter", "reason", "created_at", "resolved_at"]
        read_only_fields = fields

    @extend_schema_field(ReportedPostSerializer)
    def get_post(self, report) -> dict:
        post = report.post
        return {
            "id": post.pk,
            "title": post.title,
            "url": _url(post),
            "author": person(post.author),
            "group": group_summary(post.group) if post.group_id else None,
        }

    @extend_schema_field(PostPersonSerializer)
    def get_reporter(self, report) -> dict | None:
        return person(report.reporter)


class ResolveReportSerializer(serializers.Serializer):
    remove = serializers.BooleanField(
        default=False, help_text=_("Remove the post (true) or keep it and close the reports.")
    )


class MentionSuggestionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    label = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
