"""Fixtures of the E-learning tests: a catalogue with two courses."""

from __future__ import annotations

import pytest

from portal.editorial.learning.factories import make_course, make_course_index, make_lesson

QUIZ = [
    (
        "Which of these are personal data?",
        [("An email address", True), ("A name", True), ("The weather", False)],
    ),
    (
        "Who is the data protection officer's contact?",
        [("dpo@example.com", True), ("Nobody", False)],
    ),
]


@pytest.fixture
def catalogue(home_page):
    return make_course_index(home_page, "Courses")


@pytest.fixture
def course(catalogue):
    """GDPR basics: two lessons in module 1, one lesson with a quiz in module 2."""
    course = make_course(catalogue, "GDPR basics", intro="What every employee must know.")
    make_lesson(course, "What is personal data", module="Basics")
    make_lesson(course, "Your rights", module="Basics")
    make_lesson(course, "Check your knowledge", module="Quiz", quiz=QUIZ, pass_mark=70)
    return course


@pytest.fixture
def lessons(course):
    from portal.editorial.learning.services import course_lessons

    return course_lessons(course)


@pytest.fixture
def quiz_lesson(lessons):
    return lessons[2]
