"""E-learning services: enrolling, completing lessons, quizzes, progress and statistics.

The pages, the API, the home panel and the admin report all go through these. Every
function taking a user only deals with courses and lessons that user may see (the one
visibility policy); an invisible course is treated as absent (``Http404``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from itertools import groupby

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import visibility
from portal.accounts import roles
from portal.core import localisation
from portal.core.localisation import reader_language
from portal.editorial.learning.models import (
    CoursePage,
    CoursePrerequisite,
    Enrolment,
    LessonPage,
    LessonProgress,
    QuizQuestion,
)
from portal.files import neutralise_formula


class LearningError(Exception):
    """A request that cannot be honoured; the message is for the user.

    ``errors`` maps field names to messages when the fault lies in the input."""

    code = "invalid"

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class NotEnrolled(LearningError):
    code = "not_enrolled"


class IncompleteQuiz(LearningError):
    """A quiz submitted with questions left unanswered (or none answered at all): not
    an attempt. ``missing`` holds the unanswered questions, in the quiz's order."""

    code = "incomplete"

    def __init__(self, message: str, errors: dict[str, list[str]], missing: list[QuizQuestion]):
        super().__init__(message, errors)
        self.missing = missing


class MissingPrerequisites(LearningError):
    code = "missing_prerequisites"

    def __init__(self, missing: list[CoursePage]):
        titles = ", ".join(course.title for course in missing)
        super().__init__(
            _("Complete these courses first: %(titles)s.") % {"titles": titles},
            {"prerequisites": [course.title for course in missing]},
        )
        self.missing = missing


@dataclass
class QuizResult:
    """The outcome of one quiz attempt."""

    score: int
    passed: bool
    correct: int
    total: int
    pass_mark: int


@dataclass
class CourseSummary:
    """A course as listed for one employee, with their progress in it."""

    course: CoursePage
    lesson_count: int
    enrolment: Enrolment | None
    done_count: int
    resume_lesson: LessonPage | None = None
    extra: dict = field(default_factory=dict)

    @property
    def progress(self) -> int:
        return percent(self.done_count, self.lesson_count)

    @property
    def resume_url(self) -> str:
        target = self.resume_lesson or self.course
        return target.url or ""


def percent(part: int, whole: int) -> int:
    """``part`` out of ``whole`` as a whole percentage (0 when there is nothing)."""
    return round(100 * part / whole) if whole else 0


# Courses and lessons ------------------------------------------------------------------


def visible_courses(user) -> QuerySet[CoursePage]:
    """The live courses ``user`` may see, in catalogue order."""
    return visibility.filter_visible(user, CoursePage.objects.live()).order_by("path")


def catalogue_courses(user, catalogue) -> QuerySet[CoursePage]:
    """The courses of ``catalogue`` ``user`` may see, in catalogue order, each in the
    reader's language when translated into it (the courses of every version of the
    catalogue, one version of each: see portal.core.localisation)."""
    courses = localisation.below_any_version(visible_courses(user), catalogue, children_only=True)
    return localisation.in_tree_order(localisation.localized_pages(courses, reader_language(user)))


def get_visible_course(user, pk) -> CoursePage:
    """The course ``pk`` if ``user`` may see it, else ``Http404``."""
    try:
        return visible_courses(user).get(pk=pk)
    except (CoursePage.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def get_visible_lesson(user, pk) -> LessonPage:
    """The lesson ``pk`` if ``user`` may see it and its course, else ``Http404``."""
    try:
        lesson = visibility.filter_visible(user, LessonPage.objects.live()).get(pk=pk)
    except (LessonPage.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    course = lesson.course
    if not isinstance(course, CoursePage) or not visibility.can_view(user, course):
        raise Http404
    return lesson


def course_lessons(course: CoursePage, user=None) -> list[LessonPage]:
    """The live lessons of ``course`` in order (only those ``user`` may see, if given)."""
    lessons = LessonPage.objects.child_of(course).live().order_by("path")
    if user is not None:
        lessons = visibility.filter_visible(user, lessons)
    return list(lessons)


def _lessons_by_course(courses: list[CoursePage]) -> dict[int, list[LessonPage]]:
    """The live lessons of several courses in one query, keyed by course id."""
    if not courses:
        return {}
    condition = Q()
    for course in courses:
        condition |= Q(path__startswith=course.path, depth=course.depth + 1)
    by_path = {course.path: course.pk for course in courses}
    result: dict[int, list[LessonPage]] = {course.pk: [] for course in courses}
    for lesson in LessonPage.objects.live().filter(condition).order_by("path"):
        course_id = by_path.get(lesson.path[: -LessonPage.steplen])
        if course_id is not None:
            result[course_id].append(lesson)
    return result


def lesson_has_quiz(lesson: LessonPage) -> bool:
    return lesson.quiz_questions.exists()


# Enrolment ---------------------------------------------------------------------------


def get_enrolment(user, course: CoursePage) -> Enrolment | None:
    if not visibility.is_active_user(user):
        return None
    return Enrolment.objects.filter(user=user, course=course).first()


def missing_prerequisites(user, course: CoursePage) -> list[CoursePage]:
    """The prerequisites of ``course`` that ``user`` has not completed yet.

    Only prerequisites the user may see count: one they cannot see could never be
    completed, and naming it would reveal it. Completing any language version of a
    prerequisite meets it; the missing ones are named in the reader's language."""
    prerequisite_ids = CoursePrerequisite.objects.filter(course=course).values("prerequisite")
    prerequisites = CoursePage.objects.filter(pk__in=prerequisite_ids).values("translation_key")
    completed = CoursePage.objects.filter(
        enrolments__user=user, enrolments__completed_at__isnull=False
    ).values("translation_key")
    required = visible_courses(user).filter(translation_key__in=prerequisites)
    missing = required.exclude(translation_key__in=completed)
    return list(localisation.localized_pages(missing, reader_language(user)))


def enrol(user, course: CoursePage) -> tuple[Enrolment, bool]:
    """Enrol ``user`` in ``course``; returns the enrolment and whether it is new.

    Raises ``Http404`` for a course the user may not see and :class:`MissingPrerequisites`
    when prerequisites are not completed."""
    if not visibility.can_view(user, course):
        raise Http404
    existing = get_enrolment(user, course)
    if existing is not None:
        return existing, False
    missing = missing_prerequisites(user, course)
    if missing:
        raise MissingPrerequisites(missing)
    try:
        with transaction.atomic():
            return Enrolment.objects.create(user=user, course=course), True
    except IntegrityError:  # enrolled at the same moment from another tab
        return Enrolment.objects.get(user=user, course=course), False


def _enrolment_for_lesson(user, lesson: LessonPage) -> tuple[CoursePage, Enrolment]:
    course = lesson.course
    if not isinstance(course, CoursePage) or not visibility.can_view(user, lesson):
        raise Http404
    if not visibility.can_view(user, course):
        raise Http404
    enrolment = get_enrolment(user, course)
    if enrolment is None:
        raise NotEnrolled(_("Enrol in the course “%(title)s” first.") % {"title": course.title})
    return course, enrolment


def _update_completion(enrolment: Enrolment, lesson: LessonPage) -> None:
    """Remember the last lesson and set the completion date once every lesson is done."""
    enrolment.last_lesson = lesson
    fields = ["last_lesson"]
    if enrolment.completed_at is None:
        lesson_ids = {item.pk for item in course_lessons(enrolment.course)}
        done_ids = set(
            enrolment.progress.filter(done_at__isnull=False).values_list("lesson", flat=True)
        )
        if lesson_ids and lesson_ids <= done_ids:
            enrolment.completed_at = timezone.now()
            fields.append("completed_at")
    enrolment.save(update_fields=fields)


def complete_lesson(user, lesson: LessonPage) -> LessonProgress:
    """Mark ``lesson`` done for ``user`` (who must be enrolled in its course).

    A lesson with a quiz is done only by passing the quiz: marking it raises
    :class:`LearningError`."""
    _course, enrolment = _enrolment_for_lesson(user, lesson)
    if lesson_has_quiz(lesson):
        raise LearningError(_("Pass the quiz to complete this lesson."))
    with transaction.atomic():
        progress, _created = LessonProgress.objects.get_or_create(
            enrolment=enrolment, lesson=lesson
        )
        if progress.done_at is None:
            progress.done_at = timezone.now()
            progress.save(update_fields=["done_at"])
        _update_completion(enrolment, lesson)
    return progress


def _clean_answers(lesson: LessonPage, answers) -> tuple[list[QuizQuestion], dict[int, set]]:
    """Check posted answers against the lesson's questions; raise on anything unknown."""
    if not isinstance(answers, dict):
        raise LearningError(
            _("Invalid answers."),
            {"answers": [_("Expected an object mapping question ids to lists of choice ids.")]},
        )
    questions = list(lesson.quiz_questions.prefetch_related("choices"))
    if not questions:
        raise LearningError(_("This lesson has no quiz."), {"answers": [_("No quiz here.")]})
    by_id = {question.pk: question for question in questions}
    cleaned: dict[int, set] = {}
    errors: list[str] = []
    for raw_question, raw_choices in answers.items():
        try:
            question_id = int(raw_question)
        except (TypeError, ValueError):
            question_id = None
        question = by_id.get(question_id)
        if question is None:
            errors.append(
                _("Unknown question %(id)s for this lesson.") % {"id": str(raw_question)[:20]}
            )
            continue
        if not isinstance(raw_choices, list | tuple):
            raw_choices = [raw_choices]
        choice_ids = {choice.pk for choice in question.choices.all()}
        chosen = set()
        for raw_choice in raw_choices:
            try:
                choice_id = int(raw_choice)
            except (TypeError, ValueError):
                choice_id = None
            if choice_id not in choice_ids:
                errors.append(
                    _("Unknown choice %(choice)s for question %(id)s.")
                    % {"choice": str(raw_choice)[:20], "id": question.pk}
                )
            else:
                chosen.add(choice_id)
        cleaned[question.pk] = chosen
    if errors:
        raise LearningError(_("Invalid answers."), {"answers": errors})
    _check_every_question_answered(questions, cleaned)
    return questions, cleaned


def _check_every_question_answered(questions: list[QuizQuestion], cleaned: dict[int, set]):
    """A submission answers every question (ticks at least one choice of each), as in any
    course platform: an empty or partial one is refused, naming what is missing, and
    does not count as an attempt."""
    missing = [question for question in questions if not cleaned.get(question.pk)]
    if not missing:
        return
    if len(missing) == len(questions):
        raise IncompleteQuiz(
            _("Answer the quiz before submitting it."),
            {"answers": [_("No question is answered: tick at least one answer per question.")]},
            missing,
        )
    numbers = {question.pk: position for position, question in enumerate(questions, 1)}
    raise IncompleteQuiz(
        _("Answer every question of the quiz."),
        {
            "answers": [
                _("Question %(number)s is not answered: “%(text)s”.")
                % {"number": numbers[question.pk], "text": question.text}
                for question in missing
            ]
        },
        missing,
    )


def score_quiz(questions: list[QuizQuestion], answers: dict[int, set]) -> tuple[int, int]:
    """How many questions are answered exactly right (all correct choices and no other),
    out of how many. (An unanswered question would count as wrong; :func:`submit_quiz`
    refuses those first.)"""
    correct = 0
    for question in questions:
        expected = {choice.pk for choice in question.choices.all() if choice.is_correct}
        if answers.get(question.pk, set()) == expected:
            correct += 1
    return correct, len(questions)


def submit_quiz(user, lesson: LessonPage, answers) -> QuizResult:
    """Score a quiz attempt server-side; passing it completes the lesson.

    ``answers`` maps question ids to lists of choice ids. Unknown questions or choices
    (including those of another lesson) raise :class:`LearningError`, and a question left
    unanswered (or the whole quiz) :class:`IncompleteQuiz`; either writes nothing and is
    no attempt."""
    _course, enrolment = _enrolment_for_lesson(user, lesson)
    questions, cleaned = _clean_answers(lesson, answers)
    correct, total = score_quiz(questions, cleaned)
    score = percent(correct, total)
    passed = score >= lesson.pass_mark
    with transaction.atomic():
        progress, _created = LessonProgress.objects.select_for_update().get_or_create(
            enrolment=enrolment, lesson=lesson
        )
        progress.attempts += 1
        progress.quiz_score = max(score, progress.quiz_score or 0)
        fields = ["attempts", "quiz_score"]
        if passed:
            progress.quiz_passed = True
            fields.append("quiz_passed")
            if progress.done_at is None:
                progress.done_at = timezone.now()
                fields.append("done_at")
        progress.save(update_fields=fields)
        _update_completion(enrolment, lesson)
    return QuizResult(
        score=score, passed=passed, correct=correct, total=total, pass_mark=lesson.pass_mark
    )


# Progress ----------------------------------------------------------------------------


def done_lesson_ids(enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(enrolment.progress.filter(done_at__isnull=False).values_list("lesson", flat=True))


def progress(user, course: CoursePage) -> int:
    """The percentage of the course's lessons ``user`` has done (0 when not enrolled)."""
    lessons = course_lessons(course, user)
    done = done_lesson_ids(get_enrolment(user, course))
    return percent(sum(1 for lesson in lessons if lesson.pk in done), len(lessons))


def resume_lesson(user, course: CoursePage) -> LessonPage | None:
    """The first lesson of the course ``user`` has not done yet (``None``: all done)."""
    done = done_lesson_ids(get_enrolment(user, course))
    return next((lesson for lesson in course_lessons(course, user) if lesson.pk not in done), None)


def resume_url(user, course: CoursePage) -> str:
    """Where ``user`` should go on with ``course``: the first lesson not done, or the
    course page when every lesson is done."""
    lesson = resume_lesson(user, course)
    return (lesson or course).url or ""


def course_summaries(user, courses) -> list[CourseSummary]:
    """The courses with ``user``'s progress, in a constant number of queries."""
    courses = list(courses)
    lessons = _lessons_by_course(courses)
    visible_lesson_ids = visibility.visible_ids(
        user, LessonPage, [lesson.pk for items in lessons.values() for lesson in items]
    )
    enrolments = {
        enrolment.course_id: enrolment
        for enrolment in Enrolment.objects.filter(user=user, course__in=courses)
    }
    done = set(
        LessonProgress.objects.filter(
            enrolment__in=enrolments.values(), done_at__isnull=False
        ).values_list("lesson", flat=True)
    )
    summaries = []
    for course in courses:
        course_lessons_ = [
            lesson for lesson in lessons[course.pk] if lesson.pk in visible_lesson_ids
        ]
        enrolment = enrolments.get(course.pk)
        done_here = [lesson for lesson in course_lessons_ if lesson.pk in done]
        summaries.append(
            CourseSummary(
                course=course,
                lesson_count=len(course_lessons_),
                enrolment=enrolment,
                done_count=len(done_here),
                resume_lesson=next(
                    (lesson for lesson in course_lessons_ if lesson.pk not in done), None
                ),
            )
        )
    return summaries


def courses_in_progress(user, limit: int = 5) -> list[CourseSummary]:
    """``user``'s visible enrolments not completed yet, most recent first."""
    enrolled = visible_courses(user).filter(
        enrolments__user=user, enrolments__completed_at__isnull=True
    )
    return course_summaries(user, enrolled.order_by("-enrolments__enrolled_at")[:limit])


def my_enrolments(user) -> QuerySet[Enrolment]:
    """``user``'s enrolments in courses they may (still) see, newest first."""
    return visibility.filter_visible(user, Enrolment.objects.filter(user=user)).select_related(
        "course", "last_lesson"
    )


# Pages -------------------------------------------------------------------------------


def course_overview(user, course: CoursePage) -> dict:
    """What the course page shows: lessons grouped by module with done ticks, progress,
    the enrolment and what prevents enrolling."""
    lessons = course_lessons(course, user)
    enrolment = get_enrolment(user, course)
    done = done_lesson_ids(enrolment)
    items = [{"lesson": lesson, "done": lesson.pk in done} for lesson in lessons]
    modules = [
        {"name": name, "items": list(group)}
        for name, group in groupby(items, key=lambda item: item["lesson"].module)
    ]
    done_count = sum(1 for item in items if item["done"])
    next_lesson = next((item["lesson"] for item in items if not item["done"]), None)
    return {
        "modules": modules,
        "lesson_count": len(lessons),
        "done_count": done_count,
        "progress": percent(done_count, len(lessons)),
        "enrolment": enrolment,
        "resume_lesson": next_lesson,
        "missing_prerequisites": [] if enrolment else missing_prerequisites(user, course),
        "prerequisites": localisation.localized_pages(
            visible_courses(user).filter(
                translation_key__in=CoursePage.objects.filter(
                    pk__in=CoursePrerequisite.objects.filter(course=course).values("prerequisite")
                ).values("translation_key")
            ),
            reader_language(user),
        ),
    }


def lesson_overview(user, lesson: LessonPage) -> dict:
    """What the lesson page shows: the quiz, the employee's progress in it, neighbours."""
    course = lesson.course
    enrolment = get_enrolment(user, course) if isinstance(course, CoursePage) else None
    lesson_progress = (
        LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()
        if enrolment
        else None
    )
    lessons = course_lessons(course, user) if isinstance(course, CoursePage) else []
    ids = [item.pk for item in lessons]
    position = ids.index(lesson.pk) if lesson.pk in ids else -1
    return {
        "course": course,
        "enrolment": enrolment,
        "lesson_progress": lesson_progress,
        "questions": list(lesson.quiz_questions.prefetch_related("choices")),
        "previous_lesson": lessons[position - 1] if position > 0 else None,
        "next_lesson": lessons[position + 1] if 0 <= position < len(lessons) - 1 else None,
    }


# Editors -----------------------------------------------------------------------------


def can_see_stats(user, course: CoursePage) -> bool:
    """Editors (the role, or page edit permission on the course) see a course's results."""
    if not visibility.is_active_user(user):
        return False
    if user.is_superuser or roles.has_role(user, roles.EDITOR):
        return True
    return course.permissions_for_user(user).can_edit()


def course_stats(course: CoursePage) -> dict:
    """Enrolments, completion rate and quiz results per lesson of ``course``."""
    enrolments = Enrolment.objects.filter(course=course)
    totals = enrolments.aggregate(
        enrolled=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False))
    )
    quiz_lessons = [lesson for lesson in course_lessons(course) if lesson.quiz_questions.exists()]
    rows = {
        row["lesson"]: row
        for row in LessonProgress.objects.filter(
            enrolment__course=course, lesson__in=quiz_lessons, attempts__gt=0
        )
        .values("lesson")
        .annotate(
            takers=Count("pk"),
            passed=Count("pk", filter=Q(quiz_passed=True)),
            average=Avg("quiz_score"),
        )
    }
    quizzes = []
    for lesson in quiz_lessons:
        row = rows.get(lesson.pk, {})
        takers = row.get("takers", 0)
        quizzes.append(
            {
                "lesson_id": lesson.pk,
                "lesson": lesson.title,
                "pass_mark": lesson.pass_mark,
                "takers": takers,
                "passed": row.get("passed", 0),
                "pass_rate": percent(row.get("passed", 0), takers),
                "average_score": round(row["average"]) if row.get("average") is not None else None,
            }
        )
    return {
        "course_id": course.pk,
        "title": course.title,
        "enrolments": totals["enrolled"],
        "completed": totals["completed"],
        "completion_rate": percent(totals["completed"], totals["enrolled"]),
        "quizzes": quizzes,
    }


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    return neutralise_formula("" if value is None else str(value))


def course_csv(course: CoursePage) -> str:
    """One line per enrolment of ``course``: who, when, progress and quiz scores."""
    lessons = course_lessons(course)
    quiz_lessons = [lesson for lesson in lessons if lesson.quiz_questions.exists()]
    lesson_ids = {lesson.pk for lesson in lessons}
    enrolments = (
        Enrolment.objects.filter(course=course)
        .select_related("user")
        .prefetch_related("progress")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(
        safe_cell(title)
        for title in [
            _("Email"),
            _("Name"),
            _("Enrolled at"),
            _("Completed at"),
            _("Progress (%)"),
            *(_("Quiz: %(lesson)s") % {"lesson": lesson.title} for lesson in quiz_lessons),
        ]
    )
    for enrolment in enrolments:
        by_lesson = {item.lesson_id: item for item in enrolment.progress.all()}
        done = sum(
            1 for pk, item in by_lesson.items() if pk in lesson_ids and item.done_at is not None
        )
        scores = []
        for lesson in quiz_lessons:
            item = by_lesson.get(lesson.pk)
            scores.append("" if item is None or item.quiz_score is None else item.quiz_score)
        writer.writerow(
            [
                safe_cell(value)
                for value in [
                    enrolment.user.email,
                    enrolment.user.get_full_name(),
                    enrolment.enrolled_at.isoformat(timespec="seconds"),
                    enrolment.completed_at.isoformat(timespec="seconds")
                    if enrolment.completed_at
                    else "",
                    percent(done, len(lessons)),
                    *scores,
                ]
            ]
        )
    return output.getvalue()


def report_rows() -> list[dict]:
    """Every course with its enrolment count and completion rate, for the admin report."""
    courses = CoursePage.objects.order_by("path").annotate(
        enrolled=Count("enrolments"),
        completed=Count("enrolments", filter=Q(enrolments__completed_at__isnull=False)),
    )
    return [
        {
            "course": course,
            "enrolled": course.enrolled,
            "completed": course.completed,
            "completion_rate": percent(course.completed, course.enrolled),
        }
        for course in courses
    ]
