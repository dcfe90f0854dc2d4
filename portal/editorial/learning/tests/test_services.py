"""E-learning rules: page types, enrolling, progress, resuming, quizzes, prerequisites."""

from __future__ import annotations

import pytest
from django.http import Http404

from portal.core.models import ContentPage, HomePage, PageAudience
from portal.editorial.learning import services
from portal.editorial.learning.factories import make_course, make_lesson
from portal.editorial.learning.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
)

pytestmark = pytest.mark.django_db


def answers_for(lesson, *, right: bool = True) -> dict:
    """All the right answers of a lesson's quiz (or all the wrong ones)."""
    return {
        str(question.pk): [c.pk for c in question.choices.all() if c.is_correct == right]
        for question in lesson.quiz_questions.all()
    }


class TestPageRules:
    def test_the_tree_is_catalogue_course_lesson(self):
        assert CourseIndexPage.allowed_parent_page_models() == [HomePage]
        assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
        assert LessonPage.allowed_parent_page_models() == [CoursePage]
        assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
        assert CoursePage.allowed_subpage_models() == [LessonPage]
        assert LessonPage.allowed_subpage_models() == []
        assert not CoursePage.can_create_at(ContentPage())

    def test_lessons_follow_the_page_tree_order(self, course, lessons):
        assert [lesson.title for lesson in lessons] == [
            "What is personal data",
            "Your rights",
            "Check your knowledge",
        ]


class TestEnrolAndProgress:
    def test_enrol_once(self, employee, course):
        enrolment, created = services.enrol(employee, course)
        assert created and enrolment.completed_at is None
        again, created = services.enrol(employee, course)
        assert again == enrolment and not created
        assert Enrolment.objects.count() == 1

    def test_progress_resume_and_completion_date(self, employee, course, lessons, quiz_lesson):
        services.enrol(employee, course)
        assert services.progress(employee, course) == 0
        assert services.resume_url(employee, course) == lessons[0].url

        services.complete_lesson(employee, lessons[0])
        assert services.progress(employee, course) == 33
        assert services.resume_url(employee, course) == lessons[1].url

        services.complete_lesson(employee, lessons[1])
        services.complete_lesson(employee, lessons[1])  # twice changes nothing
        assert services.progress(employee, course) == 67
        enrolment = Enrolment.objects.get()
        assert enrolment.completed_at is None and enrolment.last_lesson_id == lessons[1].pk

        result = services.submit_quiz(employee, quiz_lesson, answers_for(quiz_lesson))
        assert result.passed and result.score == 100
        enrolment.refresh_from_db()
        assert enrolment.completed_at is not None
        assert services.progress(employee, course) == 100
        assert services.resume_url(employee, course) == course.url

    def test_lessons_need_an_enrolment(self, employee, lessons):
        with pytest.raises(services.NotEnrolled):
            services.complete_lesson(employee, lessons[0])
        assert not LessonProgress.objects.exists()

    def test_a_lesson_with_a_quiz_is_done_by_passing_it(self, employee, course, quiz_lesson):
        services.enrol(employee, course)
        with pytest.raises(services.LearningError):
            services.complete_lesson(employee, quiz_lesson)
        assert not LessonProgress.objects.exists()

    def test_in_progress_lists_unfinished_courses(self, employee, course, catalogue, lessons):
        other = make_course(catalogue, "Security")
        lesson = make_lesson(other, "Passwords")
        services.enrol(employee, course)
        services.enrol(employee, other)
        services.complete_lesson(employee, lesson)
        summaries = services.courses_in_progress(employee)
        assert [s.course.pk for s in summaries] == [course.pk]
        assert summaries[0].resume_url == lessons[0].url


class TestQuiz:
    def test_fail_then_pass(self, employee, course, quiz_lesson):
        services.enrol(employee, course)
        first, second = quiz_lesson.quiz_questions.all()
        answers = answers_for(quiz_lesson)
        answers[str(second.pk)] = answers_for(quiz_lesson, right=False)[str(second.pk)]
        # one of two questions right: 50% < 70%
        result = services.submit_quiz(employee, quiz_lesson, answers)
        assert (result.score, result.passed, result.correct, result.total) == (50, False, 1, 2)
        progress = LessonProgress.objects.get()
        assert progress.done_at is None and progress.attempts == 1 and progress.quiz_score == 50

        result = services.submit_quiz(employee, quiz_lesson, answers_for(quiz_lesson))
        assert result.passed
        progress.refresh_from_db()
        assert progress.done_at and progress.quiz_passed and progress.attempts == 2
        assert progress.quiz_score == 100

    def test_multiple_choice_needs_every_right_answer_and_no_wrong_one(
        self, employee, course, quiz_lesson
    ):
        services.enrol(employee, course)
        first = quiz_lesson.quiz_questions.first()
        right = [c.pk for c in first.choices.all() if c.is_correct]
        wrong = [c.pk for c in first.choices.all() if not c.is_correct]
        others = answers_for(quiz_lesson)  # the other question answered right
        for chosen in (right[:1], right + wrong):
            result = services.submit_quiz(employee, quiz_lesson, {**others, str(first.pk): chosen})
            assert result.correct == 1
        assert services.submit_quiz(employee, quiz_lesson, {**others, first.pk: right}).correct == 2

    @pytest.mark.parametrize(
        "bad",
        [
            {"999999": []},
            {"not-a-number": [1]},
            "not a dict",
        ],
    )
    def test_unknown_questions_are_refused_and_nothing_written(
        self, employee, course, quiz_lesson, bad
    ):
        services.enrol(employee, course)
        with pytest.raises(services.LearningError) as error:
            services.submit_quiz(employee, quiz_lesson, bad)
        assert error.value.errors["answers"]
        assert not LessonProgress.objects.exists()

    @pytest.mark.parametrize("empty", [{}, "no question answered"])
    def test_an_empty_submission_is_refused_and_is_no_attempt(
        self, employee, course, quiz_lesson, empty
    ):
        services.enrol(employee, course)
        if empty != {}:
            empty = {str(question.pk): [] for question in quiz_lesson.quiz_questions.all()}
        with pytest.raises(services.IncompleteQuiz) as error:
            services.submit_quiz(employee, quiz_lesson, empty)
        assert error.value.errors == {
            "answers": ["No question is answered: tick at least one answer per question."]
        }
        assert len(error.value.missing) == 2
        assert not LessonProgress.objects.exists()

    def test_a_partial_submission_names_the_missing_questions(self, employee, course, quiz_lesson):
        services.enrol(employee, course)
        first, second = quiz_lesson.quiz_questions.all()
        answers = {str(first.pk): answers_for(quiz_lesson)[str(first.pk)]}
        with pytest.raises(services.IncompleteQuiz) as error:
            services.submit_quiz(employee, quiz_lesson, answers)
        assert str(error.value) == "Answer every question of the quiz."
        assert error.value.errors == {"answers": [f"Question 2 is not answered: “{second.text}”."]}
        assert error.value.missing == [second]
        assert not LessonProgress.objects.exists()

    def test_an_incomplete_submission_after_an_attempt_changes_nothing(
        self, employee, course, quiz_lesson
    ):
        services.enrol(employee, course)
        services.submit_quiz(employee, quiz_lesson, answers_for(quiz_lesson, right=False))
        with pytest.raises(services.IncompleteQuiz):
            services.submit_quiz(employee, quiz_lesson, {})
        progress = LessonProgress.objects.get()
        assert (progress.attempts, progress.quiz_score) == (1, 0)

    def test_choices_of_another_question_or_course_are_refused(
        self, employee, course, catalogue, quiz_lesson
    ):
        other = make_course(catalogue, "Security")
        other_lesson = make_lesson(
            other, "Phishing", quiz=[("Click?", [("No", True), ("Yes", False)])]
        )
        foreign_choice = other_lesson.quiz_questions.get().choices.first()
        foreign_question = other_lesson.quiz_questions.get()
        services.enrol(employee, course)
        first = quiz_lesson.quiz_questions.first()
        for bad in ({str(first.pk): [foreign_choice.pk]}, {str(foreign_question.pk): []}):
            with pytest.raises(services.LearningError):
                services.submit_quiz(employee, quiz_lesson, bad)
        assert not LessonProgress.objects.exists()


class TestPrerequisites:
    def test_enrolling_needs_the_prerequisites_completed(
        self, employee, catalogue, course, lessons
    ):
        advanced = make_course(catalogue, "GDPR advanced", prerequisites=[course])
        with pytest.raises(services.MissingPrerequisites) as error:
            services.enrol(employee, advanced)
        assert "GDPR basics" in str(error.value)
        assert error.value.errors == {"prerequisites": ["GDPR basics"]}
        assert not Enrolment.objects.filter(course=advanced).exists()

        services.enrol(employee, course)
        Enrolment.objects.filter(course=course).update(completed_at="2026-01-05T10:00:00Z")
        _enrolment, created = services.enrol(employee, advanced)
        assert created


class TestVisibility:
    def test_a_course_for_another_department_does_not_exist_for_you(
        self, employee, colleague, departments, course, lessons
    ):
        PageAudience.objects.create(page=course, department=departments["sales"])
        assert list(services.visible_courses(employee)) == []
        with pytest.raises(Http404):
            services.get_visible_course(employee, course.pk)
        with pytest.raises(Http404):
            services.enrol(employee, course)
        with pytest.raises(Http404):
            services.get_visible_lesson(employee, lessons[0].pk)
        assert not Enrolment.objects.exists()
        assert services.enrol(colleague, course)[1]

    def test_drafts_are_invisible(self, employee, course):
        course.unpublish()
        assert list(services.visible_courses(employee)) == []


class TestCsv:
    def test_cells_cannot_become_formulas(self):
        assert services.safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
        for text in ("+1", "-1", "@SUM(A1)"):
            assert services.safe_cell(text) == "'" + text
        assert services.safe_cell("Marie") == "Marie"
        assert services.safe_cell(None) == ""


class TestPrivacy:
    def test_export_and_erase(self, employee, course, lessons):
        from portal import privacy as core_privacy
        from portal.editorial.learning import privacy

        services.enrol(employee, course)
        services.complete_lesson(employee, lessons[0])
        exported = privacy.export_user_data(employee)
        assert exported[0]["course"] == "GDPR basics"
        assert exported[0]["lessons"][0]["lesson"] == "What is personal data"
        core_privacy.erase_user_data(employee)
        assert not Enrolment.objects.exists() and not LessonProgress.objects.exists()
