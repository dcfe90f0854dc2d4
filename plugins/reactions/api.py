"""/api/<target>/<id>/reactions/ for every reactable model (posts, comments...).

GET: the summary and the people who reacted (paginated, ``?kind=``); POST ``{"kind"}``:
react or change (201 new, 200 changed); DELETE on the same URL: take mine back (204).
A target the caller may not see, or that does not exist, answers 404.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from plugins.reactions import registry, services
from plugins.reactions.models import Reaction
from portal import interactions
from portal.lookups import parse_id


class SummarySerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=_("Per kind."))
    total = serializers.IntegerField()
    mine = serializers.CharField(allow_null=True, help_text=_("My reaction, if any."))
    top = serializers.ListField(
        child=serializers.CharField(), help_text=_("Up to three kinds, the most given first.")
    )


class ReactorSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user.pk", read_only=True)
    name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    kind = serializers.CharField(
        help_text=_("How they reacted: one of %(kinds)s.") % {"kinds": ", ".join(services.KINDS)}
    )

    class Meta:
        model = Reaction
        fields = ["id", "name", "url", "kind", "created_at"]

    def get_name(self, reaction) -> str:
        return reaction.user.get_full_name() or reaction.user.email

    def get_url(self, reaction) -> str:
        return reaction.user.get_absolute_url()


@extend_schema_serializer(many=False)
class ReactionPageSerializer(serializers.Serializer):
    summary = SummarySerializer()
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReactorSerializer(many=True)


class ReactInputSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text=_("One of: %(kinds)s.") % {"kinds": ", ".join(services.KINDS)}
    )

    def validate_kind(self, value):
        try:
            return services.check_kind(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["kind"]) from error


class ReactOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    summary = SummarySerializer()


class ReactionViewSet(viewsets.GenericViewSet):
    """Reactions of one object; subclassed per reactable model by :func:`register_api`."""

    serializer_class = ReactorSerializer
    throttle_scope = "reaction"
    filter_backends = []
    reactable: registry.Reactable
    target_kwarg: str

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # The router maps GET/POST of the collection; DELETE of it takes my reaction back.
        if actions and actions.get("get") == "list":
            actions = {**actions, "delete": "withdraw"}
        return super().as_view(actions, **initkwargs)

    def get_target(self):
        if not hasattr(self, "_target"):
            target = interactions.lookup(
                self.reactable.api_prefix, parse_id(self.kwargs[self.target_kwarg])
            )
            services.check_target(self.request.user, target)
            self._target = target
        return self._target

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Reaction.objects.none()
        kind = self.request.query_params.get("kind") or None
        try:
            return services.reactors(self.request.user, self.get_target(), kind)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error

    def get_serializer_class(self):
        if self.action == "create":
            return ReactInputSerializer
        return ReactorSerializer

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response.data = {
            "summary": services.summary(request.user, self.get_target()),
            **response.data,
        }
        return response

    def create(self, request, *args, **kwargs):
        target = self.get_target()
        serializer = ReactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reaction, created = services.react(request.user, target, serializer.validated_data["kind"])
        body = {"kind": reaction.kind, "summary": services.summary(request.user, target)}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def withdraw(self, request, *args, **kwargs):
        services.unreact(request.user, self.get_target())
        return Response(status=status.HTTP_204_NO_CONTENT)


def target_kwarg(api_prefix: str) -> str:
    """``post_id`` for ``posts``: the path parameter naming the target."""
    return f"{api_prefix.removesuffix('s')}_id"


def viewset_for(reactable: registry.Reactable) -> type[ReactionViewSet]:
    kwarg = target_kwarg(reactable.api_prefix)
    name = (reactable.lookup_model or reactable.model)._meta.verbose_name
    path = [OpenApiParameter(kwarg, int, OpenApiParameter.PATH)]
    kind_filter = OpenApiParameter(
        "kind", str, enum=services.KINDS, description=_("Only people who reacted this way.")
    )

    @extend_schema(
        summary=f"Take back my reaction to a {name}",
        parameters=path,
        request=None,
        responses={204: None},
    )
    def withdraw(self, request, *args, **kwargs):
        return ReactionViewSet.withdraw(self, request, *args, **kwargs)

    viewset = type(
        f"{reactable.api_prefix.title().replace('_', '')}ReactionViewSet",
        (ReactionViewSet,),
        {
            "reactable": reactable,
            "target_kwarg": kwarg,
            "withdraw": withdraw,
            "__doc__": f"Who reacted to a {name}, and my own reaction.",
        },
    )
    return extend_schema_view(
        list=extend_schema(
            summary=f"Reactions to a {name}",
            parameters=[*path, kind_filter],
            responses=ReactionPageSerializer,
        ),
        create=extend_schema(
            summary=f"React to a {name}, or change my reaction",
            parameters=path,
            request=ReactInputSerializer,
            responses={201: ReactOutputSerializer, 200: ReactOutputSerializer},
        ),
    )(viewset)


def register_api(router) -> None:
    for prefix, reactable in interactions.prefixes(reactions=True).items():
        kwarg = target_kwarg(prefix)
        singular = prefix.removesuffix("s")
        router.register(
            rf"{prefix}/(?P<{kwarg}>\d+)/reactions",
            viewset_for(reactable),
            basename=f"{singular}-reaction",
        )
