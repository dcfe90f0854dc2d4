"""The core's own endpoints: the current user, API tokens, departments and plugins."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.accounts import lockout
from portal.accounts.forms import locked_error
from portal.accounts.models import Department, User
from portal.accounts.services import set_preferred_language
from portal.plugins import get_plugins


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent"]


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    department = DepartmentSerializer(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "department",
            "preferred_language",
            "theme",
            "roles",
        ]
        read_only_fields = ["id", "email", "first_name", "last_name", "department", "roles"]

    def get_roles(self, user) -> list[str]:
        return user.role_names

    def update(self, instance, validated_data):
        if "preferred_language" in validated_data:
            set_preferred_language(instance, validated_data["preferred_language"])
        if "theme" in validated_data:
            User.objects.filter(pk=instance.pk).update(theme=validated_data["theme"])
            instance.theme = validated_data["theme"]
        return instance


class MeView(APIView):
    """The logged-in user. PATCH changes the interface language (empty: follow the browser)
    and the colour scheme (``light``, ``dark``, empty: follow the system)."""

    serializer_class = MeSerializer

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(MeSerializer(request.user).data)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        request = self.context.get("request")
        user = authenticate(
            request=request, email=attrs["email"].lower(), password=attrs["password"]
        )
        seconds = lockout.refused_seconds(request)
        if seconds:
            raise exceptions.Throttled(wait=seconds, detail=locked_error(seconds).messages[0])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                _("No active account matches this email and password."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenView(APIView):
    """Exchange an email and password for an API token (POST), or revoke yours (DELETE)."""

    permission_classes = [AllowAny]
    # Password guesses through the API share the login pages' budget.
    throttle_scope = "login"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not request.user.is_authenticated:
            return Response(status=status.HTTP_401_UNAUTHORIZED)
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The company's departments (read-only here; HR edits them in the admin)."""

    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_fields = ["parent"]
    ordering_fields = ["name"]


class PluginSerializer(serializers.Serializer):
    label = serializers.CharField()
    name = serializers.CharField()
    version = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    requires = serializers.ListField(child=serializers.CharField())


class PluginViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The plugins enabled on this portal, with their metadata."""

    serializer_class = PluginSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return [
            {
                "label": config.label,
                "name": config.meta.name,
                "version": config.meta.version,
                "description": config.meta.description,
                "category": config.meta.category,
                "requires": list(config.meta.requires),
            }
            for config in get_plugins()
        ]


def register_api(router) -> None:
    router.register("departments", DepartmentViewSet, basename="department")
    router.register("plugins", PluginViewSet, basename="plugin")
