"""/api/posts/, /api/feed/, /api/follows/, /api/reports/ and /api/mentions/.

Every post the caller may not see is a 404, for every action (a guessed id tells an
outsider nothing); an action on a visible post the caller may not take is a 403. Writes go
through :mod:`plugins.feed.services`, whose Django errors the portal's exception handler
turns into the API's error body.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from plugins.feed import events, polls, queries, services, sharing
from plugins.feed.api_interactions import PostInteractionsMixin
from plugins.feed.models import Follow, Post, Report
from plugins.feed.serializers import (
    FeedPageSerializer,
    FollowSerializer,
    MentionSuggestionSerializer,
    PostCreateSerializer,
    PostSerializer,
    PostUpdateSerializer,
    ReportInputSerializer,
    ReportSerializer,
    ResolveReportSerializer,
    ShareCreateSerializer,
)
from plugins.groups.models import Group
from portal import text, visibility
from portal.api.fields import query_int
from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.lookups import NOT_FOUND


@contextmanager
def service_errors():
    """Django's ``PermissionDenied`` keeps its message in the API's 403 body."""
    try:
        yield
    except DjangoPermissionDenied as error:
        raise exceptions.PermissionDenied(str(error) or None) from error


def _nested(prefix: str, clean, data):
    """Check an event or a poll first, so its errors come back under ``event``/``poll``."""
    try:
        return clean(data if data is not None else {})
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise exceptions.ValidationError({prefix: detail}) from error


POST_FILTERS = [
    OpenApiParameter("group", int, description=_("Only the posts of this group.")),
    OpenApiParameter("author", int, description=_("Only the posts of this person.")),
    OpenApiParameter("tag", str, description=_("Only the posts with this hashtag.")),
    OpenApiParameter(
        "kind", str, enum=["status", "event", "poll", "share"], description=_("One kind.")
    ),
]


@extend_schema_view(
    list=extend_schema(
        parameters=POST_FILTERS,
        description=_(
            "The posts you may see, newest activity first; with ?group=, the group's feed "
            "with its pinned posts first."
        ),
    ),
    create=extend_schema(
        request={
            "application/json": PostCreateSerializer,
            "multipart/form-data": PostCreateSerializer,
        },
        responses={201: PostSerializer},
        description=_(
            "Post a status, an event or a poll to the company, one of your departments or "
            "one of your groups. Send files as multipart/form-data (field files, repeated)."
        ),
    ),
    partial_update=extend_schema(
        request={
            "application/json": PostUpdateSerializer,
            "multipart/form-data": PostUpdateSerializer,
        },
        responses={200: PostSerializer},
        description=_("The author edits the text, the files, the event or the poll."),
    ),
    destroy=extend_schema(
        description=_("Delete a post: its author, its group's moderators, network moderators.")
    ),
)
class PostViewSet(
    PostInteractionsMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Posts: status, event and poll."""

    serializer_class = PostSerializer
    throttle_scope = "post"
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Post.objects.none()
        posts = queries.visible_posts(self.request.user)
        if self.action != "list":
            return posts
        params = self.request.query_params
        group = query_int(self.request, "group")
        if group is not None:
            posts = posts.filter(group_id=group).order_by("-pinned", "-activity_at", "-pk")
        author = query_int(self.request, "author")
        if author is not None:
            posts = posts.filter(author_id=author)
        if params.get("tag"):
            posts = posts.filter(hashtags__name__iexact=params["tag"].lstrip("#"))
        if params.get("kind"):
            if params["kind"] not in dict(Post.KIND_CHOICES):
                raise exceptions.ValidationError(
                    {"kind": [_("Choose status, event, poll or share.")]}
                )
            posts = posts.filter(kind=params["kind"])
        return posts

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("permissions", {})
        return context

    def _serialize(self, posts, **kwargs):
        posts = queries.load_posts(posts, self.request.user)
        context = self.get_serializer_context()
        context["permissions"] = _page_permissions(self.request.user, posts)
        return PostSerializer(posts, many=True, context=context).data

    def _one(self, post, status_code=status.HTTP_200_OK):
        post = queries.visible_posts(self.request.user).get(pk=post.pk)
        return Response(self._serialize([post])[0], status=status_code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self._serialize(page))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._serialize([self.get_object()])[0])

    def create(self, request, *args, **kwargs):
        serializer = PostCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        kind = data["kind"]
        if kind == Post.EVENT:
            _nested("event", events.clean_event, data.get("event"))
        if kind == Post.POLL:
            _nested("poll", polls.clean_poll, data.get("poll"))
        with service_errors():
            post = services.create_post(
                request.user,
                text=data["text"],
                audience=data["audience"],
                kind=kind,
                files=data["files"],
                event=data.get("event"),
                poll=data.get("poll"),
            )
        return self._one(post, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise exceptions.MethodNotAllowed(request.method)
        post = self.get_object()
        serializer = PostUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not services.can_edit(request.user, post):
            raise exceptions.PermissionDenied(_("Only the author can edit this post."))
        if "event" in data and post.kind == Post.EVENT:
            _nested("event", events.clean_event, data["event"])
        if "poll" in data and post.kind == Post.POLL:
            _nested("poll", lambda d: polls.clean_poll(d, poll=post.poll), data["poll"])
        with service_errors():
            services.update_post(
                request.user,
                post,
                text=data.get("text"),
                files_to_add=data.get("files", ()),
                files_to_remove=data.get("files_to_remove", ()),
                event=data.get("event"),
                poll=data.get("poll"),
            )
        return self._one(post)

    def destroy(self, request, *args, **kwargs):
        post = self.get_object()
        with service_errors():
            services.delete_post(request.user, post)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={200: PostSerializer},
        description=_(
            "POST pins the post (on its group's feed, or on the home feed); DELETE unpins it."
        ),
    )
    @action(detail=True, methods=["post", "delete"])
    def pin(self, request, pk=None):
        post = self.get_object()
        with service_errors():
            services.pin_post(request.user, post, request.method == "POST")
        return self._one(post)

    @extend_schema(
        request=None,
        responses={200: PostSerializer},
        description=_("Bring a post everyone missed back to the top of the feed, once."),
    )
    @action(detail=True, methods=["post"])
    def relaunch(self, request, pk=None):
        post = self.get_object()
        with service_errors():
            services.relaunch_post(request.user, post)
        return self._one(post)

    @extend_schema(
        request=ReportInputSerializer,
        responses={201: ReportSerializer},
        description=_("Report the post to its moderators (one open report per person)."),
    )
    @action(
        detail=True,
        methods=["post"],
        serializer_class=ReportInputSerializer,
        throttle_scope="report",
    )
    def report(self, request, pk=None):
        post = self.get_object()
        serializer = ReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            report = services.report_post(request.user, post, serializer.validated_data["reason"])
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ShareViewSet(viewsets.GenericViewSet):
    """Share something you may see (a news article, a course, a session...) into the
    feed or a group, with a comment: a post of kind ``share`` that links it."""

    serializer_class = ShareCreateSerializer
    throttle_scope = "post"
    filter_backends = []
    pagination_class = None
    parser_classes = [JSONParser, FormParser]

    def get_queryset(self):
        return Post.objects.none()

    @extend_schema(
        request=ShareCreateSerializer,
        responses={201: PostSerializer},
        description=_(
            "Share an object (type: its API prefix, id: its id) to an audience or a group, "
            "with an optional comment. An object you may not see, that does not exist or "
            "that cannot be shared gives one and the same 400 on id. The new post's "
            "shared field shows the object's preview to the people who may see it, "
            '{"unavailable": true} to the others.'
        ),
    )
    def create(self, request):
        serializer = ShareCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with service_errors():
                post = services.share(
                    request.user,
                    sharing.lookup(request.user, data["type"], data["id"]),
                    text=data["text"],
                    group=data.get("group"),
                    audience=data["audience"],
                )
        except Http404:
            # Missing, hidden and not shareable alike: one answer, on the field.
            raise exceptions.ValidationError({"id": [NOT_FOUND]}) from None
        post = queries.visible_posts(request.user).get(pk=post.pk)
        posts = queries.load_posts([post], request.user)
        context = {**self.get_serializer_context(), "permissions": {}}
        context["permissions"] = _page_permissions(request.user, posts)
        body = PostSerializer(posts, many=True, context=context).data[0]
        return Response(body, status=status.HTTP_201_CREATED)


#: The answers of :func:`services.permissions_for` the API shows (``report`` is the cards').
PERMISSION_KEYS = ("edit", "delete", "pin", "relaunch", "moderate")


def _page_permissions(user, posts) -> dict[int, dict[str, bool]]:
    """What ``user`` may do with each post: what :func:`queries.load_posts` computed (the
    answers of :func:`services.permissions_for`), not computed a second time."""
    loaded = {
        post.pk: {key: post.permissions[key] for key in PERMISSION_KEYS}
        for post in posts
        if getattr(post, "permissions", None) is not None
    }
    missing = [post for post in posts if post.pk not in loaded]
    if missing:
        loaded.update(services.permissions_for(user, missing))
    return loaded


def _feed_response(request, page, serializer_context):
    posts = page.posts
    serializer_context["permissions"] = _page_permissions(request.user, posts)

    serializer = PostSerializer(context=serializer_context)  # one for the page's posts

    def post_json(post):
        return serializer.to_representation(post)

    results = []
    for item in page.items:
        entry = {"type": item.kind, "sort_at": item.sort_at}
        if item.post is not None:
            entry["post"] = post_json(item.post)
        else:
            entry["page"] = _news_json(item.page)
        results.append(entry)
    next_url = None
    if page.next_cursor:
        query = request.query_params.copy()
        query["cursor"] = page.next_cursor
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return Response(
        {
            "next": next_url,
            "pinned": [post_json(post) for post in page.pinned],
            "results": results,
        }
    )


def _news_json(card) -> dict:
    return {
        "id": card.pk,
        "title": card.title,
        "url": card.url,
        "intro": card.summary,
        "first_published_at": card.first_published_at,
    }


def _limit(request) -> int:
    limit = query_int(request, "limit")
    if limit is None:
        return 20
    if not 1 <= limit <= queries.MAX_LIMIT:
        raise exceptions.ValidationError(
            {"limit": [_("Between 1 and %(max)d.") % {"max": queries.MAX_LIMIT}]}
        )
    return limit


FEED_PARAMETERS = [
    OpenApiParameter("cursor", str, description=_("The next page's cursor, from next.")),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": queries.MAX_LIMIT, "default": 20},
        description=_("Items per page (1 to 50, default 20)."),
    ),
    OpenApiParameter(
        "view",
        str,
        enum=["last24h"],
        description=_("last24h: the most active posts of the last 24 hours."),
    ),
]


class FeedViewSet(viewsets.GenericViewSet):
    """The home feed: company posts, your groups and department, people and groups you
    follow, and the news, newest first, pinned posts on top; cursor pagination."""

    serializer_class = FeedPageSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Post.objects.none()

    @extend_schema(parameters=FEED_PARAMETERS, responses=FeedPageSerializer)
    def list(self, request):
        if request.query_params.get("view") == "last24h":
            return self._last_24_hours(request)
        with service_errors():
            try:
                page = queries.home_feed(
                    request.user, cursor=request.query_params.get("cursor"), limit=_limit(request)
                )
            except DjangoValidationError as error:
                raise exceptions.ValidationError(error.message_dict) from error
        return _feed_response(request, page, self.get_serializer_context())

    def _last_24_hours(self, request):
        posts = queries.last_24_hours(request.user, limit=_limit(request))
        page = queries.FeedPage(
            items=[
                queries.FeedItem(kind=queries.POST, sort_at=p.activity_at, post=p) for p in posts
            ]
        )
        return _feed_response(request, page, self.get_serializer_context())

    @extend_schema(
        parameters=[FEED_PARAMETERS[1]],
        responses=FeedPageSerializer,
        description=_("The most active posts of the last 24 hours, to share onwards."),
    )
    @action(detail=False, url_path="last-24-hours")
    def last_24_hours(self, request):
        return self._last_24_hours(request)


class FollowViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The people and groups you follow: their posts come into your feed."""

    serializer_class = FollowSerializer
    throttle_scope = "follow"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Follow.objects.none()
        follows = Follow.objects.filter(follower=self.request.user).select_related("user", "group")
        visible_groups = visibility.filter_visible(self.request.user, Group.objects.all())
        return follows.filter(Q(group__isnull=True) | Q(group__in=visible_groups))

    @extend_schema(
        description=_('Follow a person ({"user_id": 12}) or a group ({"group_id": 3}).'),
        responses={201: FollowSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Both fields hold objects the caller may see (portal.lookups.VisibleObjectField).
        target = {
            "person": serializer.validated_data.get("user_id"),
            "group": serializer.validated_data.get("group_id"),
        }
        with service_errors():
            follow = services.follow(request.user, **target)
        return Response(self.get_serializer(follow).data, status=status.HTTP_201_CREATED)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Open reports on the posts you moderate (a group's moderators, network moderators)."""

    serializer_class = ReportSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return services.reports_to_handle(self.request.user)

    @extend_schema(
        request=ResolveReportSerializer,
        responses={200: ReportSerializer},
        description=_("Close the reports on the post, keeping it, or remove the post."),
    )
    @action(detail=True, methods=["post"], serializer_class=ResolveReportSerializer)
    def resolve(self, request, pk=None):
        report = self.get_object()
        serializer = ResolveReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            services.resolve_report(
                request.user, report, remove=serializer.validated_data["remove"]
            )
        return Response(ReportSerializer(report).data)


class MentionViewSet(viewsets.GenericViewSet):
    """Suggestions for the composer's @mentions: people first, then groups, only what you
    may see."""

    serializer_class = MentionSuggestionSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return Post.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description=_("What was typed after @."))],
        responses=MentionSuggestionSerializer(many=True),
    )
    def list(self, request):
        query = request.query_params.get("q", "")[:100]
        return Response(
            MentionSuggestionSerializer(text.suggest_mentions(request.user, query), many=True).data
        )


def register_api(router) -> None:
    router.register("posts", PostViewSet, basename="post")
    router.register("shares", ShareViewSet, basename="share")
    router.register("feed", FeedViewSet, basename="feed")
    router.register("follows", FollowViewSet, basename="follow")
    router.register("reports", ReportViewSet, basename="report")
    router.register("mentions", MentionViewSet, basename="mention")
