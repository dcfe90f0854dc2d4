"""E-learning as an employee uses it in a browser: find a course, enrol, complete a lesson,
pass the quiz (an empty or partial answer is refused on the form, and is no attempt) and
see the progress. Every page visited is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.editorial.learning.factories import make_course, make_course_index, make_lesson
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def messages(page):
    """The page's messages (a comment thread on the page has a status region too)."""
    return page.get_by_role("status").and_(page.locator(".messages"))


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
    expect(messages(page)).to_contain_text("You are enrolled")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as done").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your knowledge")
    expect(messages(page)).to_contain_text("Lesson marked as done")
    assert_accessible(page)
    # An empty submission is refused on the form, and is no attempt.
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Answer the quiz before submitting it.")
    expect(page.get_by_text("attempt")).to_have_count(0)
    assert_accessible(page)

    # A partial one names the question left out and keeps what was ticked.
    first = page.get_by_role("group", name="Which of these are personal data?")
    first.get_by_label("An email address").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Question 2 is not answered: “Who handles a data breach?”."
    )
    second = page.get_by_role("group", name="Who handles a data breach?")
    expect(second).to_contain_text("Answer this question")
    expect(first.get_by_label("An email address")).to_be_checked()
    assert_accessible(page)

    second.get_by_label("Nobody").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(messages(page)).to_contain_text("Not passed yet: 0%")

    first = page.get_by_role("group", name="Which of these are personal data?")
    second = page.get_by_role("group", name="Who handles a data breach?")
    first.get_by_label("An email address").check()
    first.get_by_label("A name").check()
    second.get_by_label("The DPO").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(messages(page)).to_contain_text("Quiz passed: 100%")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the course").click()
    progress = page.get_by_role("progressbar", name="Progress in GDPR basics")
    expect(progress).to_have_attribute("value", "100")
    expect(page.get_by_text("Course completed on")).to_be_visible()
    assert_accessible(page)
