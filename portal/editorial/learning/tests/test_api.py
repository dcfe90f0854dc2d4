"""/api/learning/: courses with my progress, enrolling, lessons, quizzes, statistics."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from portal.core.models import PageAudience
from portal.editorial.learning import services
from portal.editorial.learning.factories import make_course, make_lesson
from portal.editorial.learning.models import Enrolment, LessonProgress

from .test_services import answers_for

pytestmark = pytest.mark.django_db

COURSES = "/api/learning/courses/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


class TestCourses:
    def test_anonymous_gets_401(self, api_client, course):
        assert api_client.get(COURSES).status_code == 401
        assert api_client.post(f"{COURSES}{course.pk}/enrol/").status_code == 401

    def test_list_shows_my_progress(self, employee_client, employee, course, lessons):
        services.enrol(employee, course)
        services.complete_lesson(employee, lessons[0])
        body = employee_client.get(COURSES).json()
        assert body["count"] == 1
        item = body["results"][0]
        assert item["title"] == "GDPR basics"
        assert (item["lesson_count"], item["progress"], item["enrolled"]) == (3, 33, True)
        assert item["resume_url"] == lessons[1].url
        assert item["completed_at"] is None

    def test_listing_costs_the_same_whatever_the_number_of_courses(
        self, employee_client, employee, catalogue, course
    ):
        services.enrol(employee, course)

        def count_queries():
            employee_client.get(COURSES)  # caches refilled (pages were added)
            with CaptureQueriesContext(connection) as queries:
                assert employee_client.get(COURSES).status_code == 200
            return len(queries)

        before = count_queries()
        for number in range(3):
            extra = make_course(catalogue, f"Extra {number}")
            make_lesson(extra, f"Lesson {number}")
            make_lesson(extra, f"Lesson {number} bis")
            services.enrol(employee, extra)
        assert count_queries() == before

    def test_enrol(self, employee_client, course):
        response = employee_client.post(f"{COURSES}{course.pk}/enrol/")
        assert response.status_code == 201
        assert response.json()["course"] == course.pk
        assert employee_client.post(f"{COURSES}{course.pk}/enrol/").status_code == 200
        assert Enrolment.objects.count() == 1

    def test_missing_prerequisites_are_named(self, employee_client, catalogue, course):
        advanced = make_course(catalogue, "GDPR advanced", prerequisites=[course])
        response = employee_client.post(f"{COURSES}{advanced.pk}/enrol/")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert body["errors"] == {"prerequisites": ["GDPR basics"]}
        assert not Enrolment.objects.exists()

    def test_a_restricted_course_is_404_everywhere(
        self, employee_client, editor, departments, course, lessons
    ):
        PageAudience.objects.create(page=course, department=departments["sales"])
        assert employee_client.get(COURSES).json()["count"] == 0
        for url in (f"{COURSES}{course.pk}/", f"{COURSES}{course.pk}/stats/"):
            assert employee_client.get(url).status_code == 404
        assert employee_client.post(f"{COURSES}{course.pk}/enrol/").status_code == 404
        lesson_url = f"/api/learning/lessons/{lessons[0].pk}/complete/"
        assert employee_client.post(lesson_url).status_code == 404
        assert not Enrolment.objects.exists()

    def test_unknown_course_is_404(self, employee_client):
        assert employee_client.post(f"{COURSES}999999/enrol/").status_code == 404


class TestLessons:
    def test_complete(self, employee_client, employee, course, lessons):
        services.enrol(employee, course)
        response = employee_client.post(f"/api/learning/lessons/{lessons[0].pk}/complete/")
        assert response.status_code == 200
        assert response.json()["progress"] == 33

    def test_not_enrolled_is_refused_with_a_message(self, employee_client, lessons):
        response = employee_client.post(f"/api/learning/lessons/{lessons[0].pk}/complete/")
        assert response.status_code == 403
        assert response.json()["code"] == "not_enrolled"
        assert "Enrol" in response.json()["detail"]
        assert not LessonProgress.objects.exists()

    def test_a_quiz_lesson_is_not_marked_done_by_hand(
        self, employee_client, employee, course, quiz_lesson
    ):
        services.enrol(employee, course)
        response = employee_client.post(f"/api/learning/lessons/{quiz_lesson.pk}/complete/")
        assert response.status_code == 400
        assert not LessonProgress.objects.exists()

    def test_quiz_pass_and_fail(self, employee_client, employee, course, quiz_lesson):
        services.enrol(employee, course)
        url = f"/api/learning/lessons/{quiz_lesson.pk}/quiz/"
        failed = employee_client.post(url, {"answers": answers_for(quiz_lesson, right=False)})
        assert failed.status_code == 200
        assert failed.json() == {
            "score": 0,
            "passed": False,
            "correct": 0,
            "total": 2,
            "pass_mark": 70,
        }
        passed = employee_client.post(url, {"answers": answers_for(quiz_lesson)}).json()
        assert passed["passed"] and passed["score"] == 100
        assert LessonProgress.objects.get().attempts == 2

    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"answers": "all of them"},
            {"answers": {"999999": [1]}},
            {"answers": {"abc": [1]}},
        ],
    )
    def test_bad_answers_are_400_and_nothing_is_written(
        self, employee_client, employee, course, quiz_lesson, payload
    ):
        services.enrol(employee, course)
        response = employee_client.post(f"/api/learning/lessons/{quiz_lesson.pk}/quiz/", payload)
        assert response.status_code == 400
        body = response.json()
        assert body["status"] == 400 and body["code"] == "invalid" and body["errors"]
        assert not LessonProgress.objects.exists()

    @pytest.mark.parametrize("answers", ["none", "empty lists", "one of two"])
    def test_an_empty_or_partial_quiz_is_400_naming_answers_and_no_attempt(
        self, employee_client, employee, course, quiz_lesson, answers
    ):
        services.enrol(employee, course)
        first, second = quiz_lesson.quiz_questions.all()
        payload = {
            "none": {},
            "empty lists": {str(first.pk): [], str(second.pk): []},
            "one of two": {str(first.pk): answers_for(quiz_lesson)[str(first.pk)]},
        }[answers]
        response = employee_client.post(
            f"/api/learning/lessons/{quiz_lesson.pk}/quiz/", {"answers": payload}, format="json"
        )
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid" and list(body["errors"]) == ["answers"]
        if answers == "one of two":
            assert body["errors"]["answers"] == [f"Question 2 is not answered: “{second.text}”."]
        assert not LessonProgress.objects.exists()

    def test_answers_from_another_course_are_400(
        self, employee_client, employee, catalogue, course, quiz_lesson
    ):
        other = make_course(catalogue, "Security")
        other_lesson = make_lesson(
            other, "Phishing", quiz=[("Click?", [("No", True), ("Yes", False)])]
        )
        question = other_lesson.quiz_questions.get()
        services.enrol(employee, course)
        services.enrol(employee, other)
        response = employee_client.post(
            f"/api/learning/lessons/{quiz_lesson.pk}/quiz/",
            {"answers": {str(question.pk): [question.choices.first().pk]}},
        )
        assert response.status_code == 400
        assert "answers" in response.json()["errors"]
        assert not LessonProgress.objects.exists()

    def test_quiz_needs_an_enrolment(self, employee_client, quiz_lesson):
        response = employee_client.post(
            f"/api/learning/lessons/{quiz_lesson.pk}/quiz/", {"answers": answers_for(quiz_lesson)}
        )
        assert response.status_code == 403
        assert not LessonProgress.objects.exists()


class TestEnrolments:
    def test_mine_only(self, employee_client, employee, colleague, course, lessons):
        services.enrol(employee, course)
        services.enrol(colleague, course)
        services.complete_lesson(employee, lessons[0])
        body = employee_client.get("/api/learning/enrolments/").json()
        assert body["count"] == 1
        assert body["results"][0]["progress"] == 33
        assert body["results"][0]["course_title"] == "GDPR basics"

    def test_listing_costs_the_same_whatever_the_number_of_enrolments(
        self, employee_client, employee, catalogue, course
    ):
        services.enrol(employee, course)

        def count_queries():
            employee_client.get("/api/learning/enrolments/")  # caches refilled (pages added)
            with CaptureQueriesContext(connection) as queries:
                assert employee_client.get("/api/learning/enrolments/").status_code == 200
            return len(queries)

        before = count_queries()
        for number in range(3):
            extra = make_course(catalogue, f"Extra {number}")
            make_lesson(extra, f"Lesson {number}")
            services.enrol(employee, extra)
        assert count_queries() == before


class TestStats:
    def test_employees_may_not_see_results(self, employee_client, course):
        response = employee_client.get(f"{COURSES}{course.pk}/stats/")
        assert response.status_code == 403

    def test_editors_see_enrolments_completion_and_quiz_results(
        self, editor, employee, colleague, course, lessons, quiz_lesson
    ):
        for person in (employee, colleague):
            services.enrol(person, course)
        services.complete_lesson(employee, lessons[0])
        services.complete_lesson(employee, lessons[1])
        services.submit_quiz(employee, quiz_lesson, answers_for(quiz_lesson))
        services.submit_quiz(colleague, quiz_lesson, answers_for(quiz_lesson, right=False))
        body = client_for(editor).get(f"{COURSES}{course.pk}/stats/").json()
        assert (body["enrolments"], body["completed"], body["completion_rate"]) == (2, 1, 50)
        assert body["quizzes"] == [
            {
                "lesson_id": quiz_lesson.pk,
                "lesson": "Check your knowledge",
                "pass_mark": 70,
                "takers": 2,
                "passed": 1,
                "pass_rate": 50,
                "average_score": 50,
            }
        ]


def test_the_schema_documents_the_endpoints(employee_client):
    schema = employee_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/learning/courses/",
        "/api/learning/courses/{id}/enrol/",
        "/api/learning/courses/{id}/stats/",
        "/api/learning/lessons/{id}/quiz/",
        "/api/learning/enrolments/",
    ):
        assert path in schema["paths"]
