"""Comments and reactions on editorial pages, in a browser.

An employee reacts to and comments on a news article; the editor who owns it is notified,
finds the comment in the Wagtail admin's "Comments" list and deletes it. On a themed week,
an employee reacts to an initiative and comments on it in place, then opens its page.
Courses, lessons and wellness sessions show the same sections. axe-core checks every page
met, the admin's list and confirmation included (their own content: the admin's frame is
Wagtail's).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from plugins.comments.models import Comment
from portal.editorial.learning.factories import make_course, make_course_index, make_lesson
from portal.editorial.news.factories import make_news, make_news_index
from portal.editorial.weeks.models import Initiative
from portal.editorial.weeks.tests.factories import make_index, make_initiative, make_week
from portal.editorial.wellness.tests.factories import make_section, make_session
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: What axe checks of an admin page: the page's own content, not Wagtail's frame.
ADMIN_CONTENT = ".content"


@pytest.fixture
def news(home_page, editor):
    return make_news(
        make_news_index(home_page),
        "The canteen reopens",
        summary="New menu, same prices.",
        owner=editor,
    )


def test_comment_on_a_news_article_then_the_editor_moderates_it(
    page,
    browser,
    browser_context_args,
    live_server,
    news,
    employee,
    editor,
    login,
    assert_accessible,
):
    # --- The employee reacts and comments ------------------------------------------------
    login(page, employee.email, PASSWORD, next_path=news.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("The canteen reopens")
    reactions = page.get_by_role("region", name="Reactions")
    reactions.locator("summary").click()
    reactions.get_by_role("button", name="Celebrate").click()
    expect(reactions.locator(".reactions__total")).to_contain_text("1 reaction")

    comments = page.get_by_role("region", name="Comments")
    expect(comments).to_contain_text("No comments yet")
    comments.get_by_label("Your comment").fill("Finally! Is the salad bar back?")
    comments.get_by_role("button", name="Comment", exact=True).click()
    expect(comments.locator(".comment")).to_contain_text("Is the salad bar back?")
    assert_accessible(page)
    comment = Comment.objects.get()

    # --- The editor, owner of the page, is notified -------------------------------------
    editor_context = browser.new_context(**browser_context_args)
    editor_page = editor_context.new_page()
    try:
        login(editor_page, editor.email, PASSWORD, next_path="/notifications/")
        notice = editor_page.get_by_role(
            "link", name=re.compile("Employee Tester commented on .*The canteen reopens")
        )
        expect(notice).to_be_visible()
        expect(
            editor_page.get_by_role("link", name=re.compile("Employee Tester reacted to"))
        ).to_be_visible()
        notice.click()
        editor_page.wait_for_url(re.compile(rf"{news.url}#comment-{comment.pk}$"))
        expect(editor_page.locator(f"#comment-{comment.pk}")).to_contain_text("salad bar")

        # --- ... and deletes the comment in the Wagtail admin ---------------------------
        editor_page.goto("/admin/comments/")
        expect(editor_page.get_by_role("heading", level=1)).to_have_text("Comments")
        row = editor_page.get_by_role("row").filter(has_text="Is the salad bar back?")
        expect(row).to_contain_text("The canteen reopens")
        expect(row).to_contain_text("Employee Tester")
        assert_accessible(editor_page, context=ADMIN_CONTENT)
        row.get_by_role("link", name=re.compile("^Delete")).click()
        expect(editor_page.get_by_role("heading", level=1)).to_have_text("Delete a comment")
        assert_accessible(editor_page, context=ADMIN_CONTENT)
        editor_page.get_by_role("button", name="Yes, delete it").click()
        expect(editor_page.locator(".messages")).to_contain_text("The comment is deleted.")
        expect(editor_page.get_by_text("No comment for you to moderate.")).to_be_visible()
    finally:
        editor_context.close()
    assert not Comment.objects.exists()

    page.reload()
    expect(page.get_by_role("region", name="Comments")).not_to_contain_text("salad bar")


def test_react_to_and_comment_on_an_initiative_of_the_week(
    page, live_server, home_page, editor, employee, colleague, login, assert_accessible
):
    week = make_week(make_index(home_page), "Green week", owner=editor)
    initiative = make_initiative(
        week, colleague, "Car-sharing", description="From Lyon.", status=Initiative.Status.APPROVED
    )
    login(page, employee.email, PASSWORD, next_path=week.url)
    card = page.get_by_role("group", name="Car-sharing")
    card.locator("summary").click()
    card.get_by_role("button", name="Love").click()
    expect(card.locator(".reactions__total")).to_contain_text("1 reaction")
    card.get_by_role("button", name="Comment").click()
    card.get_by_label("Your comment").fill("I drive from Villeurbanne, two seats left")
    card.locator(".comments__form").get_by_role("button", name="Comment", exact=True).click()
    expect(card.locator(".comment")).to_contain_text("two seats left")
    expect(card.locator(".post-comments__toggle")).to_have_text("1 comment")
    assert_accessible(page)

    page.get_by_role("link", name="Car-sharing").click()
    page.wait_for_url(re.compile(rf"initiatives/{initiative.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Car-sharing")
    expect(page.get_by_role("region", name="Comments")).to_contain_text("two seats left")
    expect(page.get_by_role("region", name="Reactions")).to_contain_text("1 reaction")
    assert_accessible(page)


def test_courses_lessons_and_sessions_show_reactions_and_comments(
    page, live_server, home_page, editor, employee, login, assert_accessible
):
    course = make_course(make_course_index(home_page), "Security basics", owner=editor)
    lesson = make_lesson(course, "Passwords", owner=editor)
    session = make_session(make_section(home_page), "Lunchtime yoga", owner=editor)
    session.comments_open = False
    session.save_revision().publish()
    login(page, employee.email, PASSWORD, next_path=course.url)
    for target in (course, lesson):
        page.goto(target.url)
        expect(page.get_by_role("region", name="Reactions")).to_be_visible()
        comments = page.get_by_role("region", name="Comments")
        comments.get_by_label("Your comment").fill(f"A question about {target.title}")
        comments.get_by_role("button", name="Comment", exact=True).click()
        expect(comments.locator(".comment")).to_contain_text(f"about {target.title}")
        assert_accessible(page)
    page.goto(session.url)
    comments = page.get_by_role("region", name="Comments")
    expect(comments).to_contain_text("Comments are closed.")
    expect(comments.get_by_label("Your comment")).to_have_count(0)
    assert_accessible(page)
