"""REST API of E-learning, mounted under /api/ by portal.api.urls.

* ``learning/courses/``: the courses I may see, with my progress; ``{id}/enrol/`` (POST),
  ``{id}/stats/`` (editors: enrolments, completion rate, quiz results);
* ``learning/lessons/{id}/complete/`` and ``learning/lessons/{id}/quiz/`` (POST);
* ``learning/enrolments/``: mine.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from portal.api import fields as api_fields
from portal.api.schema import error_response
from portal.core import localisation
from portal.editorial.learning import services
from portal.editorial.learning.models import CoursePage, Enrolment, LessonPage


def _raise(error: services.LearningError):
    if isinstance(error, services.NotEnrolled):
        raise PermissionDenied(detail=str(error), code=error.code)
    raise ValidationError(error.errors or {"non_field_errors": [str(error)]}) from error


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="course.pk")
    title = serializers.CharField(source="course.title")
    url = serializers.SerializerMethodField()
    intro = serializers.CharField(source="course.intro")
    estimated_duration = serializers.IntegerField(
        source="course.estimated_duration", help_text=_("In minutes.")
    )
    lesson_count = serializers.IntegerField()
    enrolled = serializers.SerializerMethodField()
    progress = serializers.IntegerField(help_text=_("Lessons done, in percent."))
    completed_at = serializers.SerializerMethodField()
    resume_url = serializers.SerializerMethodField()

    def get_url(self, summary) -> str:
        return summary.course.url or ""

    def get_enrolled(self, summary) -> bool:
        return summary.enrolment is not None

    def get_completed_at(self, summary) -> str | None:
        enrolment = summary.enrolment
        if enrolment is None or enrolment.completed_at is None:
            return None
        return serializers.DateTimeField().to_representation(enrolment.completed_at)

    def get_resume_url(self, summary) -> str:
        return summary.resume_url if summary.enrolment else ""


class EnrolmentSerializer(serializers.ModelSerializer):
    course_title = serializers.CharField(source="course.title", read_only=True)
    progress = serializers.SerializerMethodField()
    resume_url = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "course",
            "course_title",
            "enrolled_at",
            "completed_at",
            "last_lesson",
            "progress",
            "resume_url",
        ]
        read_only_fields = fields

    def _summary(self, enrolment) -> services.CourseSummary:
        summary = getattr(enrolment, "summary", None)
        if summary is None:
            summary = services.course_summaries(enrolment.user, [enrolment.course])[0]
            enrolment.summary = summary
        return summary

    def get_progress(self, enrolment) -> int:
        return self._summary(enrolment).progress

    def get_resume_url(self, enrolment) -> str:
        return self._summary(enrolment).resume_url


class QuizAnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.ListField(child=api_fields.IntegerField()),
        help_text=_("Question ids mapped to the ids of the chosen choices."),
    )


class QuizResultSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text=_("Correct answers, in percent."))
    passed = serializers.BooleanField()
    correct = serializers.IntegerField()
    total = serializers.IntegerField()
    pass_mark = serializers.IntegerField()


class LessonProgressSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(source="lesson_id")
    done_at = serializers.DateTimeField()
    progress = serializers.IntegerField()
    course_completed_at = serializers.DateTimeField(allow_null=True)


class QuizStatsSerializer(serializers.Serializer):
    lesson_id = serializers.IntegerField()
    lesson = serializers.CharField()
    pass_mark = serializers.IntegerField()
    takers = serializers.IntegerField()
    passed = serializers.IntegerField()
    pass_rate = serializers.IntegerField()
    average_score = serializers.IntegerField(allow_null=True)


class CourseStatsSerializer(serializers.Serializer):
    course_id = serializers.IntegerField()
    title = serializers.CharField()
    enrolments = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.IntegerField()
    quizzes = QuizStatsSerializer(many=True)


class CourseViewSet(viewsets.GenericViewSet):
    """The courses I may see, with my progress. Invisible courses do not exist here (404)."""

    serializer_class = CourseSerializer
    filter_backends = []
    queryset = CoursePage.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CoursePage.objects.none()
        # One version of each course, in my language (portal.core.localisation).
        return localisation.localized_pages(
            services.visible_courses(self.request.user),
            localisation.reader_language(self.request.user),
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        summaries = services.course_summaries(request.user, page)
        return self.get_paginated_response(self.get_serializer(summaries, many=True).data)

    def retrieve(self, request, pk=None):
        course = services.get_visible_course(request.user, pk)
        summary = services.course_summaries(request.user, [course])[0]
        return Response(self.get_serializer(summary).data)

    @extend_schema(request=None, responses={201: EnrolmentSerializer, 200: EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        """Enrol me in this course (its prerequisites must be completed)."""
        course = services.get_visible_course(request.user, pk)
        try:
            enrolment, created = services.enrol(request.user, course)
        except services.LearningError as error:
            _raise(error)
        return Response(
            EnrolmentSerializer(enrolment).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(responses={200: CourseStatsSerializer, 403: error_response(403)})
    @action(detail=True, methods=["get"], serializer_class=CourseStatsSerializer)
    def stats(self, request, pk=None):
        """Enrolments, completion rate and quiz results of this course (editors only)."""
        course = services.get_visible_course(request.user, pk)
        if not services.can_see_stats(request.user, course):
            raise PermissionDenied(_("Only editors see the results of a course."))
        return Response(CourseStatsSerializer(services.course_stats(course)).data)


class LessonViewSet(viewsets.GenericViewSet):
    """Actions on a lesson of a course I am enrolled in."""

    serializer_class = QuizAnswersSerializer
    queryset = LessonPage.objects.none()
    filter_backends = []

    def _done(self, request, lesson):
        enrolment = services.get_enrolment(request.user, lesson.course)
        item = enrolment.progress.get(lesson=lesson)
        return LessonProgressSerializer(
            {
                "lesson_id": lesson.pk,
                "done_at": item.done_at,
                "progress": services.progress(request.user, lesson.course),
                "course_completed_at": enrolment.completed_at,
            }
        ).data

    @extend_schema(request=None, responses=LessonProgressSerializer)
    @action(detail=True, methods=["post"], serializer_class=LessonProgressSerializer)
    def complete(self, request, pk=None):
        """Mark this lesson done (a lesson with a quiz is done by passing the quiz)."""
        lesson = services.get_visible_lesson(request.user, pk)
        try:
            services.complete_lesson(request.user, lesson)
        except services.LearningError as error:
            _raise(error)
        return Response(self._done(request, lesson))

    @extend_schema(request=QuizAnswersSerializer, responses=QuizResultSerializer)
    @action(detail=True, methods=["post"])
    def quiz(self, request, pk=None):
        """Answer this lesson's quiz; scored on the server. Passing completes the lesson."""
        lesson = services.get_visible_lesson(request.user, pk)
        serializer = QuizAnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.submit_quiz(
                request.user, lesson, serializer.validated_data["answers"]
            )
        except services.LearningError as error:
            _raise(error)
        return Response(QuizResultSerializer(result).data)


class EnrolmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """My enrolments, in courses I may still see."""

    serializer_class = EnrolmentSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Enrolment.objects.none()
        return services.my_enrolments(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is None:
            return None
        summaries = services.course_summaries(
            self.request.user, [enrolment.course for enrolment in page]
        )
        for enrolment, summary in zip(page, summaries, strict=True):
            enrolment.summary = summary
        return page


def register_api(router) -> None:
    """Register this area's viewsets on the portal's router."""
    router.register("learning/courses", CourseViewSet, basename="learning-course")
    router.register("learning/lessons", LessonViewSet, basename="learning-lesson")
    router.register("learning/enrolments", EnrolmentViewSet, basename="learning-enrolment")
