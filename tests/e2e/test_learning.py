"""E-learning as an employee uses it in a browser: find a course, enrol, complete a lesson,
pass the quiz and see the progress. Every page visited is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.editorial.learning.factories import make_course, make_course_index, make_lesson
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIZ = [
    (
        "Which of these are personal data?",
        [("An email address", True), ("A name", True), ("The weather", False)],
    ),
    ("Who handles a data breach?", [("The DPO", True), ("Nobody", False)]),
]


@pytest.fixture
def course(home_page):
    catalogue = make_course_index(home_page, "Courses")
    course = make_course(catalogue, "GDPR basics", intro="What every employee must know.")
    make_lesson(course, "What is personal data", module="Basics", text="Names, emails...")
    make_lesson(course, "Check your knowledge", module="Quiz", quiz=QUIZ, pass_mark=70)
    return course


def test_enrol_complete_a_lesson_pass_the_quiz_and_see_progress(
    page, employee, course, login, assert_accessible
):
    login(page, employee.email, PASSWORD)
    expect(page.get_by_role("region", name="My courses in progress")).to_contain_text(
        "No course in progress"
    )
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    assert_accessible(page)

    page.get_by_role("link", name="GDPR basics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("GDPR basics")
    assert_accessible(page)
    page.get_by_role("button", name="Enrol", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("What is personal data")
    expect(page.get_by_role("status")).to_contain_text("You are enrolled")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as done").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your knowledge")
    expect(page.get_by_role("status")).to_contain_text("Lesson marked as done")
    assert_accessible(page)
    first = page.get_by_role("group", name="Which of these are personal data?")
    first.get_by_label("An email address").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Not passed yet: 0%")

    first.get_by_label("An email address").check()
    first.get_by_label("A name").check()
    page.get_by_role("group", name="Who handles a data breach?").get_by_label("The DPO").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Quiz passed: 100%")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the course").click()
    progress = page.get_by_role("progressbar", name="Progress in GDPR basics")
    expect(progress).to_have_attribute("value", "100")
    expect(page.get_by_text("Course completed on")).to_be_visible()
    assert_accessible(page)
