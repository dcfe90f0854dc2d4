"""/api/people/: the directory and profiles.

* ``GET /api/people/`` -- active people, searchable (``?q=``) and filterable
  (``?department=<id>`` with its sub-departments, ``?location=``, ``?skill=``, ``?new=true``),
  paginated.
* ``GET /api/people/{id}/`` -- a profile with its manager, direct reports and chain of command.
* ``GET|PATCH /api/people/me/`` -- one's own profile; only the self-service fields change.
* ``GET /api/people/completeness/`` -- HR: profile completeness per department.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from taggit.serializers import TaggitSerializer, TagListSerializerField

from plugins.people import avatars, completeness, orgchart
from plugins.people.forms import DirectoryForm, validate_photo, visible_profiles
from plugins.people.models import Profile
from plugins.people.services import ensure_profile
from plugins.people.views import can_see_completeness, department_names, unit_trail
from portal import avatars as core_avatars
from portal import files
from portal.api.parsers import FormParser, JSONParser, MultiPartParser
from portal.api.schema import error_response


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonRefSerializer(serializers.ModelSerializer):
    """A person in a list: who they are and where to find them."""

    user_id = serializers.IntegerField(
        read_only=True, help_text=_("The person's account: what forms choosing people send.")
    )
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    full_name = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    hue = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = [
            "id",
            "user_id",
            "first_name",
            "last_name",
            "full_name",
            "job_title",
            "photo_url",
            "hue",
            "url",
        ]
        read_only_fields = fields

    def get_full_name(self, profile) -> str:
        return profile.user.get_full_name() or profile.user.email

    def get_hue(self, profile) -> int:
        """The colour of the person's initials (0-11): the class ``avatar--hue-<hue>``."""
        return core_avatars.hue(profile.user)

    def get_photo_url(self, profile) -> str:
        return avatars.photo_url(profile)

    def get_url(self, profile) -> str:
        return f"/people/{profile.pk}/"


class PersonSerializer(TaggitSerializer, PersonRefSerializer):
    """A person in the directory."""

    email = serializers.EmailField(source="user.email", read_only=True)
    department = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField(
        help_text=_('"Department › Team": the names of the person\'s unit and its parent.')
    )
    skills = TagListSerializerField(read_only=True)
    languages = TagListSerializerField(read_only=True)

    class Meta(PersonRefSerializer.Meta):
        fields = [
            *PersonRefSerializer.Meta.fields,
            "email",
            "phone",
            "location",
            "department",
            "unit",
            "skills",
            "languages",
            "start_date",
            "manager",
        ]
        read_only_fields = fields

    def _names(self) -> dict[int, str]:
        if "department_names" not in self.context:
            self.context["department_names"] = department_names()
        return self.context["department_names"]

    def get_department(self, profile) -> DepartmentRefSerializer(allow_null=True):  # type: ignore[valid-type]
        department = profile.user.department
        return {"id": department.pk, "name": department.name} if department else None

    def get_unit(self, profile) -> str:
        return " › ".join(unit_trail(profile.user.department, self._names())[-2:])


class PersonDetailSerializer(PersonSerializer):
    """A profile: the directory's fields, the bio, the unit's lineage and the org chart."""

    units = serializers.SerializerMethodField()
    manager = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()
    chain = serializers.SerializerMethodField()

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "bio", "units", "reports", "chain"]
        read_only_fields = fields

    def get_units(self, profile) -> list[str]:
        return unit_trail(profile.user.department, self._names())

    def get_manager(self, profile) -> PersonRefSerializer(allow_null=True):  # type: ignore[valid-type]
        chain = self._chain(profile)
        if chain and chain[-1].pk == profile.manager_id:
            return PersonRefSerializer(chain[-1], context=self.context).data
        return None

    def get_reports(self, profile) -> PersonRefSerializer(many=True):  # type: ignore[valid-type]
        request = self.context["request"]
        reports = visible_profiles(request.user).filter(manager=profile)
        return PersonRefSerializer(reports, many=True, context=self.context).data

    def get_chain(self, profile) -> PersonRefSerializer(many=True):  # type: ignore[valid-type]
        return PersonRefSerializer(self._chain(profile), many=True, context=self.context).data

    def _chain(self, profile) -> list[Profile]:
        if not hasattr(profile, "_visible_chain"):
            profile._visible_chain = [
                person for person in orgchart.chain_of_command(profile) if person.user.is_active
            ]
        return profile._visible_chain


class CompletenessSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    missing = serializers.ListField(
        child=serializers.ChoiceField(choices=list(completeness.ITEMS)),
        help_text=_("What the profile lacks: photo, job_title, phone, bio, skills, languages."),
    )


class MyProfileSerializer(PersonDetailSerializer):
    """One's own profile. Only phone, bio, photo, skills and languages can change."""

    skills = TagListSerializerField(required=False)
    languages = TagListSerializerField(required=False)
    photo = serializers.ImageField(
        required=False, allow_null=True, write_only=True, help_text=_("JPEG, PNG or WebP, 5 MB.")
    )
    completeness = serializers.SerializerMethodField()

    class Meta(PersonDetailSerializer.Meta):
        fields = [*PersonDetailSerializer.Meta.fields, "photo", "completeness"]
        read_only_fields = [
            name for name in fields if name not in Profile.SELF_FIELDS or name == "photo_url"
        ]

    def get_completeness(self, profile) -> CompletenessSerializer:
        return CompletenessSerializer(completeness.completeness(profile)).data

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            refused = {
                name: [_("Only HR can change this field.")]
                for name in data
                if name in Profile.HR_FIELDS
            }
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)

    def validate_photo(self, photo):
        if photo:
            try:
                return validate_photo(photo)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return photo

    def validate_bio(self, value: str) -> str:
        return value.strip()

    def update(self, instance, validated_data):
        photo_given = "photo" in validated_data
        photo = validated_data.pop("photo", None)
        with transaction.atomic():
            instance = super().update(instance, validated_data)
            if photo_given:
                if instance.photo:
                    files.delete_on_commit(instance.photo.storage, instance.photo.name)
                instance.photo = photo or ""
                instance.save(update_fields=["photo", "updated_at"])
        return instance


class DepartmentCompletenessSerializer(serializers.Serializer):
    department_id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    people = serializers.IntegerField()
    complete = serializers.IntegerField(help_text=_("People whose profile lacks nothing."))
    average = serializers.IntegerField(help_text=_("The average score, 0-100."))
    missing = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("How many people lack each item.")
    )


class CompletenessReportSerializer(serializers.Serializer):
    total = DepartmentCompletenessSerializer()
    departments = DepartmentCompletenessSerializer(many=True)


DIRECTORY_PARAMETERS = [
    OpenApiParameter("q", str, description=_("Name, email, job title, skill or department.")),
    OpenApiParameter("department", int, description=_("A department, with its sub-departments.")),
    OpenApiParameter("location", str, description=_("A location (exact, any case).")),
    OpenApiParameter("skill", str, description=_("A skill (exact, any case).")),
    OpenApiParameter("new", bool, description=_("Only people who started in the last 90 days.")),
]


@extend_schema_view(list=extend_schema(parameters=DIRECTORY_PARAMETERS))
class PeopleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The people directory. Deactivated people do not exist here (404)."""

    serializer_class = PersonSerializer
    throttle_scope = "upload"
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Profile.objects.none()
        queryset = visible_profiles(self.request.user)
        if self.action != "list":
            return queryset
        params = self.request.query_params.copy()
        if "new" in params:
            value = params["new"].lower()
            if value not in ("true", "false", "1", "0", ""):
                raise exceptions.ValidationError({"new": [_('Use "true" or "false".')]})
            params["new"] = "true" if value in ("true", "1") else ""
        form = DirectoryForm(params, free_location=True)
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        return form.filter(queryset)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PersonDetailSerializer
        if self.action == "me":
            return MyProfileSerializer
        if self.action == "completeness":
            return CompletenessReportSerializer
        return PersonSerializer

    @extend_schema(
        methods=["PATCH"],
        request=MyProfileSerializer,
        responses=MyProfileSerializer,
        description=_(
            "Change one's own phone, bio, photo (multipart), skills or languages. "
            "Sending a field HR owns (job title, manager, location, start date, employee "
            "ID) answers 400."
        ),
    )
    @extend_schema(methods=["GET"], responses=MyProfileSerializer)
    @action(detail=False, methods=["get", "patch"], url_path="me", url_name="me")
    def me(self, request):
        profile = get_object_or_404(
            visible_profiles(request.user), pk=ensure_profile(request.user).pk
        )
        if request.method == "PATCH":
            serializer = MyProfileSerializer(
                profile, data=request.data, partial=True, context=self.get_serializer_context()
            )
            serializer.is_valid(raise_exception=True)
            serializer.save()
            profile = visible_profiles(request.user).get(pk=profile.pk)
        return Response(MyProfileSerializer(profile, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: CompletenessReportSerializer, 403: error_response(403)})
    @action(detail=False, methods=["get"], url_path="completeness", url_name="completeness")
    def completeness(self, request):
        """HR: how complete profiles are, company-wide and per department."""
        if not can_see_completeness(request.user):
            raise exceptions.PermissionDenied()
        total, rows = completeness.by_department(visible_profiles(request.user))
        return Response(CompletenessReportSerializer({"total": total, "departments": rows}).data)


def register(router) -> None:
    """Register the directory's viewsets."""
    router.register("people", PeopleViewSet, basename="people")
