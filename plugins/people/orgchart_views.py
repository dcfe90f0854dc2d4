"""The interactive org chart page: a server-rendered tree that works without JavaScript,
which orgchart.js turns into an expandable, zoomable, searchable chart."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from plugins.people import orgchart

#: Levels rendered on the server; deeper ones are loaded when a node is expanded.
PAGE_DEPTH = 2


def _positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) > 0 else None


def orgchart_page(request):
    """The chart from the top (or from ``?root=``), and ``?department=``'s people."""
    from portal.accounts.models import Department

    root = None
    root_id = _positive_int(request.GET.get("root"))
    if request.GET.get("root"):
        root = orgchart.find_visible(request.user, root_id) if root_id else None
        if root is None:
            raise Http404(_("No such person in the org chart."))
    department = None
    department_id = _positive_int(request.GET.get("department"))
    if department_id:
        department = Department.objects.filter(pk=department_id).first()
    context = {
        "root": root,
        "chain": orgchart.visible_chain(request.user, root) if root else [],
        "nodes": orgchart.chart(request.user, root, PAGE_DEPTH),
        "departments": _flatten(orgchart.department_tree(request.user)),
        "department": department,
        "department_people": (
            orgchart.department_people(request.user, department) if department else []
        ),
        "query": request.GET.get("q", "").strip()[:100],
    }
    context["results"] = (
        orgchart.search_people(request.user, context["query"]) if len(context["query"]) >= 2 else []
    )
    return render(request, "people/orgchart.html", context)


def _flatten(nodes, level: int = 0) -> list[tuple[str, orgchart.DepartmentNode]]:
    """Departments in tree order, each with an indent showing its level, for a <select>."""
    flat = []
    for node in nodes:
        flat.append(("\u00a0\u00a0" * level + ("– " if level else ""), node))
        flat.extend(_flatten(node.children, level + 1))
    return flat


urlpatterns = [path("orgchart/", orgchart_page, name="orgchart")]
