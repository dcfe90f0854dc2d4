"""/api/orgchart/: subtrees of the org chart, chains of command, departments and search.

Every answer is built from a bounded number of queries (the materialised paths of
:mod:`plugins.people.orgchart`), whatever the number of people. Deactivated people never
appear; their reports are shown under the nearest active manager.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from plugins.people import orgchart
from portal.api import fields as api_fields
from portal.api.schema import error_response


class PersonNodeSerializer(serializers.Serializer):
    """A person as the chart shows them."""

    id = serializers.IntegerField(source="profile.pk")
    name = serializers.CharField()
    job_title = serializers.CharField(source="profile.job_title")
    department = serializers.SerializerMethodField()
    photo_url = serializers.SerializerMethodField()
    initials = serializers.CharField()
    hue = serializers.IntegerField(
        help_text=_("The colour of the initials, 0-11: the avatar's class avatar--hue-<hue>.")
    )
    url = serializers.SerializerMethodField(help_text=_("The person's profile page."))
    reports_count = serializers.IntegerField(
        help_text=_("How many active people report to this person, loaded below or not.")
    )

    def get_department(self, node) -> str:
        department = node.profile.user.department
        return department.name if department else ""

    def get_photo_url(self, node) -> str | None:
        return node.profile.photo.url if node.profile.photo else None

    def get_url(self, node) -> str:
        return reverse("people:profile", args=[node.profile.pk])


class OrgChartNodeSerializer(PersonNodeSerializer):
    """A person with their reports, loaded down to the depth asked for."""

    children = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, node) -> list:
        return OrgChartNodeSerializer(node.children, many=True, context=self.context).data


@extend_schema_serializer(many=False)
class OrgChartSerializer(serializers.Serializer):
    root = serializers.IntegerField(allow_null=True)
    depth = serializers.IntegerField()
    nodes = OrgChartNodeSerializer(many=True)


class OrgChartQuerySerializer(serializers.Serializer):
    root = api_fields.IntegerField(min_value=1, required=False)
    depth = serializers.IntegerField(
        min_value=0, max_value=orgchart.MAX_DEPTH, default=orgchart.DEFAULT_DEPTH
    )


class ChainQuerySerializer(serializers.Serializer):
    person = api_fields.IntegerField(min_value=1)


class ChainSerializer(serializers.Serializer):
    person = PersonNodeSerializer()
    chain = PersonNodeSerializer(many=True, help_text=_("From the top down to the manager."))


class DepartmentNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="department.pk")
    name = serializers.CharField(source="department.name")
    code = serializers.CharField(source="department.code")
    member_count = serializers.IntegerField()
    total_count = serializers.IntegerField(help_text=_("Members including its teams."))
    children = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, node) -> list:
        return DepartmentNodeSerializer(node.children, many=True).data


class DepartmentQuerySerializer(serializers.Serializer):
    department = api_fields.IntegerField(min_value=1, required=False)


class DepartmentsSerializer(serializers.Serializer):
    departments = DepartmentNodeSerializer(many=True)
    department = serializers.DictField(allow_null=True)
    people = PersonNodeSerializer(many=True)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=100)


class SearchSerializer(serializers.Serializer):
    results = PersonNodeSerializer(many=True)


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _visible_or_404(request, profile_id: int):
    profile = orgchart.find_visible(request.user, profile_id)
    if profile is None:
        raise exceptions.NotFound()
    return profile


class OrgChartViewSet(viewsets.ViewSet):
    """The company tree from the manager links, for every active employee."""

    serializer_class = OrgChartSerializer

    @extend_schema(
        parameters=[OrgChartQuerySerializer],
        responses={200: OrgChartSerializer, 404: error_response(404)},
        description=_(
            "The people below ``root`` (default: the top of the company), ``depth`` levels "
            "down (default 2, at most 10). A person whose reports are not loaded has "
            "``reports_count`` above the length of ``children``."
        ),
    )
    def list(self, request):
        params = _validated(OrgChartQuerySerializer, request)
        root = _visible_or_404(request, params["root"]) if "root" in params else None
        nodes = orgchart.chart(request.user, root, params["depth"])
        data = {"root": root.pk if root else None, "depth": params["depth"], "nodes": nodes}
        return Response(OrgChartSerializer(data, context={"request": request}).data)

    @extend_schema(
        parameters=[ChainQuerySerializer],
        responses={200: ChainSerializer, 404: error_response(404)},
    )
    @action(detail=False, serializer_class=ChainSerializer)
    def chain(self, request):
        """A person's chain of command, from the top of the company down to their manager."""
        person = _visible_or_404(request, _validated(ChainQuerySerializer, request)["person"])
        chain = orgchart.visible_chain(request.user, person)
        data = {
            "person": orgchart.Node(person),
            "chain": [orgchart.Node(manager) for manager in chain],
        }
        return Response(ChainSerializer(data, context={"request": request}).data)

    @extend_schema(
        parameters=[DepartmentQuerySerializer],
        responses={200: DepartmentsSerializer, 404: error_response(404)},
    )
    @action(detail=False, serializer_class=DepartmentsSerializer)
    def departments(self, request):
        """The departments and teams with their member counts; with ``department``, that
        department's people (its teams' included)."""
        from portal.accounts.models import Department

        params = _validated(DepartmentQuerySerializer, request)
        department, people = None, []
        if "department" in params:
            department = Department.objects.filter(pk=params["department"]).first()
            if department is None:
                raise exceptions.NotFound()
            people = orgchart.department_people(request.user, department)
        data = {
            "departments": orgchart.department_tree(request.user),
            "department": ({"id": department.pk, "name": department.name} if department else None),
            "people": people,
        }
        return Response(DepartmentsSerializer(data, context={"request": request}).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description=_("Name, email or job title."))
        ],
        responses=SearchSerializer,
    )
    @action(detail=False, serializer_class=SearchSerializer)
    def search(self, request):
        """People whose name, email or job title match, to jump to them in the chart."""
        text = _validated(SearchQuerySerializer, request)["q"]
        data = {"results": orgchart.search_people(request.user, text)}
        return Response(SearchSerializer(data, context={"request": request}).data)


def register(router) -> None:
    """Register the org chart's viewsets."""
    router.register("orgchart", OrgChartViewSet, basename="orgchart")
