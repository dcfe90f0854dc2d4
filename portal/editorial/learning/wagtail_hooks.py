"""Admin side of E-learning: a report of courses (enrolments, completion rates) and a CSV
export of each course's enrolments, for editors."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from portal.accounts import roles
from portal.editorial.learning import services
from portal.editorial.learning.models import CoursePage


def _may_see_reports(user) -> bool:
    return user.is_active and (user.is_superuser or roles.has_role(user, roles.EDITOR))


def courses_report(request):
    rows = [
        row for row in services.report_rows() if services.can_see_stats(request.user, row["course"])
    ]
    if not rows and not _may_see_reports(request.user):
        raise PermissionDenied
    return render(
        request,
        "learning/admin_report.html",
        {"rows": rows, "header_title": _("Courses: enrolments and completion")},
    )


def course_export(request, pk: int):
    course = get_object_or_404(CoursePage, pk=pk)
    if not services.can_see_stats(request.user, course):
        raise PermissionDenied
    response = HttpResponse(services.course_csv(course), content_type="text/csv; charset=utf-8")
    filename = f"course-{course.pk}-{slugify(course.title) or 'export'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("reports/courses/", courses_report, name="learning_report"),
        path("reports/courses/<int:pk>/csv/", course_export, name="learning_course_csv"),
    ]


class CoursesReportMenuItem(MenuItem):
    def is_shown(self, request):
        return _may_see_reports(request.user)


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return CoursesReportMenuItem(
        _("Courses"),
        reverse("learning_report"),
        name="learning-report",
        icon_name="list-ul",
        order=910,
    )
