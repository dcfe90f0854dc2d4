"""Course and lesson pages, the home panel, the admin report and its CSV export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.utils.html import escape

from portal.core.models import PageAudience
from portal.editorial.learning import services
from portal.editorial.learning.factories import make_course
from portal.editorial.learning.models import Enrolment, LessonProgress
from tests.factories import make_user

from .test_services import answers_for

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestCoursePages:
    def test_catalogue_lists_courses(self, logged_in, catalogue, course):
        html = logged_in.get(catalogue.url).content.decode()
        assert "GDPR basics" in html and "3 lessons" in html

    def test_enrol_then_see_progress_and_modules(self, logged_in, employee, course, lessons):
        html = logged_in.get(course.url).content.decode()
        assert ">Enrol</button>" in html
        assert '<h3 id="module-1">Basics</h3>' in html
        response = logged_in.post(course.url + "enrol/")
        assert response.status_code == 302 and response["Location"] == lessons[0].url
        assert Enrolment.objects.filter(user=employee, course=course).exists()

        services.complete_lesson(employee, lessons[0])
        html = logged_in.get(course.url).content.decode()
        assert '<progress max="100" value="33"' in html
        assert "1 of 3 lessons done." in html
        assert f'href="{lessons[1].url}">Resume</a>' in html
        assert "(done)" in html

    def test_enrol_needs_a_post(self, logged_in, course):
        assert logged_in.get(course.url + "enrol/").status_code == 405
        assert not Enrolment.objects.exists()

    def test_missing_prerequisites_are_listed_instead_of_the_button(
        self, logged_in, catalogue, course
    ):
        advanced = make_course(catalogue, "GDPR advanced", prerequisites=[course])
        html = logged_in.get(advanced.url).content.decode()
        assert "Complete these courses before enrolling" in html and ">Enrol</button>" not in html
        response = logged_in.post(advanced.url + "enrol/")
        assert response.status_code == 302
        assert "GDPR basics" in messages_of(response)[0]
        assert not Enrolment.objects.exists()

    def test_a_restricted_course_is_404(self, logged_in, departments, course, lessons):
        PageAudience.objects.create(page=course, department=departments["sales"])
        assert logged_in.get(course.url).status_code == 404
        assert logged_in.get(lessons[0].url).status_code == 404
        assert logged_in.post(course.url + "enrol/").status_code == 404
        assert not Enrolment.objects.exists()


class TestLessonPages:
    def test_mark_as_done(self, logged_in, employee, course, lessons):
        services.enrol(employee, course)
        html = logged_in.get(lessons[0].url).content.decode()
        assert "Mark as done" in html
        response = logged_in.post(lessons[0].url + "complete/")
        assert response["Location"] == lessons[1].url
        assert messages_of(response) == ["Lesson marked as done."]
        assert "Lesson done on" in logged_in.get(lessons[0].url).content.decode()

    def test_not_enrolled_sees_how_to_enrol(self, logged_in, lessons):
        html = logged_in.get(lessons[0].url).content.decode()
        assert "Enrol in the course to record your progress" in html
        response = logged_in.post(lessons[0].url + "complete/")
        assert "Enrol in the course" in messages_of(response)[0]
        assert not LessonProgress.objects.exists()

    def test_quiz_form_and_result(self, logged_in, employee, course, quiz_lesson):
        services.enrol(employee, course)
        html = logged_in.get(quiz_lesson.url).content.decode()
        assert html.count("<fieldset>") == 2 and "<legend>1. Which of these" in html
        assert "Mark as done" not in html
        answers = {f"question-{k}": v for k, v in answers_for(quiz_lesson, right=False).items()}
        response = logged_in.post(quiz_lesson.url + "quiz/", answers)
        assert "Not passed yet: 0%" in messages_of(response)[0]
        answers = {f"question-{k}": v for k, v in answers_for(quiz_lesson).items()}
        response = logged_in.post(quiz_lesson.url + "quiz/", answers)
        assert "Quiz passed: 100%" in messages_of(response)[-1]
        assert LessonProgress.objects.get().quiz_passed

    def test_a_bad_quiz_post_writes_nothing(self, logged_in, employee, course, quiz_lesson):
        services.enrol(employee, course)
        response = logged_in.post(quiz_lesson.url + "quiz/", {"question-999999": "1"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Invalid answers." in html and "Unknown question 999999 for this lesson." in html
        assert not LessonProgress.objects.exists()

    def test_an_empty_quiz_shows_the_form_again_with_an_error_and_is_no_attempt(
        self, logged_in, employee, course, quiz_lesson
    ):
        services.enrol(employee, course)
        response = logged_in.post(quiz_lesson.url + "quiz/", {})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'role="alert"' in html and "Answer the quiz before submitting it." in html
        assert html.count('class="quiz__question--error"') == 2
        assert "Submit my answers" in html
        assert "attempt" not in html  # no "Best score ... after 1 attempt"
        assert not LessonProgress.objects.exists()

    def test_a_partial_quiz_names_the_missing_question_and_keeps_the_ticks(
        self, logged_in, employee, course, quiz_lesson
    ):
        services.enrol(employee, course)
        first, second = quiz_lesson.quiz_questions.all()
        chosen = answers_for(quiz_lesson)[str(first.pk)]
        response = logged_in.post(quiz_lesson.url + "quiz/", {f"question-{first.pk}": chosen})
        assert response.status_code == 400
        html = response.content.decode()
        assert escape(f"Question 2 is not answered: “{second.text}”.") in html
        assert html.count('class="quiz__question--error"') == 1
        assert f'aria-describedby="question-{second.pk}-error"' in html
        for choice in chosen:
            assert f'value="{choice}" checked' in html
        assert not LessonProgress.objects.exists()


class TestHomePanel:
    def test_courses_in_progress_with_a_resume_link(self, logged_in, employee, course, lessons):
        html = logged_in.get("/").content.decode()
        assert "My courses in progress" in html and "No course in progress." in html
        services.enrol(employee, course)
        services.complete_lesson(employee, lessons[0])
        html = logged_in.get("/").content.decode()
        assert "GDPR basics" in html and f'href="{lessons[1].url}">Resume' in html

    def test_the_navigation_links_to_the_catalogue(self, logged_in, catalogue):
        html = logged_in.get("/").content.decode()
        # The app shell's entry: an icon, then the label.
        assert re.search(
            rf'<a class="sidenav__link" href="{catalogue.url}" >.*?<span>Courses</span></a>',
            html,
            re.S,
        )


class TestAdminReport:
    def test_editors_see_the_report(self, client, editor, employee, course):
        services.enrol(employee, course)
        client.force_login(editor)
        html = client.get("/admin/reports/courses/").content.decode()
        assert "GDPR basics" in html and "Download CSV" in html

    def test_csv_export_with_formulas_neutralised(self, client, editor, course, quiz_lesson):
        mallory = make_user("mallory@example.com", first_name="=cmd|' /C calc'!A0")
        services.enrol(mallory, course)
        services.submit_quiz(mallory, quiz_lesson, answers_for(quiz_lesson))
        client.force_login(editor)
        response = client.get(f"/admin/reports/courses/{course.pk}/csv/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:5] == ["Email", "Name", "Enrolled at", "Completed at", "Progress (%)"]
        assert rows[0][5] == "Quiz: Check your knowledge"
        assert rows[1][0] == "mallory@example.com"
        assert rows[1][1].startswith("'=cmd")
        assert rows[1][4:] == ["33", "100"]

    def test_employees_cannot_export(self, logged_in, course):
        response = logged_in.get(f"/admin/reports/courses/{course.pk}/csv/")
        assert response.status_code in (302, 403)
        assert b"Email" not in response.content


def test_the_demo_loads(home_page, departments):
    from portal.editorial.learning.demo import load_demo

    employee = make_user("employee@example.com")
    load_demo(home_page, {"employee@example.com": employee})
    summaries = services.courses_in_progress(employee)
    assert [s.course.title for s in summaries] == ["Welcome to the company"]
    assert summaries[0].progress == 33
    assert services.visible_courses(employee).count() == 3


def test_editors_can_open_the_edit_forms(client, editor, catalogue, course, quiz_lesson):
    client.force_login(editor)
    for url in (
        f"/admin/pages/add/learning/coursepage/{catalogue.pk}/",
        f"/admin/pages/add/learning/lessonpage/{course.pk}/",
        f"/admin/pages/{course.pk}/edit/",
        f"/admin/pages/{quiz_lesson.pk}/edit/",
    ):
        assert client.get(url).status_code == 200, url
