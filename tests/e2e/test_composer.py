"""The composer and the post card in a real browser: each kind of post by mouse, a
keyboard-only path through the composer and a comment (mentions shown as "@Name"), the
image grid and its lightbox, and the home and post pages checked with axe-core in light
and dark, on a desk and on a phone."""

from __future__ import annotations

import datetime
import io
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROMPT = re.compile("What's new")


def png(name: str, colour: str):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def card(page, text: str):
    return page.locator("article.post-card", has_text=text)


def open_composer(page):
    page.get_by_role("button", name=PROMPT).click()
    expect(page.get_by_role("textbox", name="Message")).to_be_focused()


def test_each_kind_of_post_by_mouse(page, live_server, employee, colleague, home_page, login):
    login(page, employee.email, PASSWORD, next_path="/feed/")
    # Collapsed to one line until asked for.
    expect(page.get_by_role("textbox", name="Message")).to_be_hidden()
    open_composer(page)
    expect(page.get_by_role("tab", name="Status", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    # A status with a mention chosen by mouse: the box shows the name, the post links it.
    box = page.get_by_role("textbox", name="Message")
    box.press_sequentially("Lunch with @Coll")
    page.get_by_role("option", name="Colleague Tester").click()
    expect(box).to_have_value("Lunch with @Colleague Tester ")
    box.press_sequentially("today")
    page.get_by_role("button", name="Publish").click()
    status = card(page, "Lunch with")
    expect(status.locator("a.mention")).to_have_text("@Colleague Tester")
    expect(status).not_to_contain_text("user:")

    # A poll: the tab shows its fields; the kind follows the tab.
    open_composer(page)
    page.get_by_role("tab", name="Poll", exact=True).click()
    expect(page.get_by_role("group", name="Poll")).to_be_visible()
    expect(page.get_by_role("group", name="Event")).to_be_hidden()
    page.get_by_label("Question").fill("Pizza or sushi?")
    page.get_by_label("Options").fill("Pizza\nSushi")
    page.get_by_role("button", name="Publish").click()
    expect(card(page, "Pizza or sushi?").get_by_role("button", name="Vote")).to_be_visible()

    # An event.
    open_composer(page)
    page.get_by_role("tab", name="Event", exact=True).click()
    expect(page.get_by_role("group", name="Event")).to_be_visible()
    starts = timezone.localtime() + datetime.timedelta(days=2)
    page.get_by_label("Event title").fill("Team breakfast")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT09:00"))
    page.get_by_role("button", name="Publish").click()
    going = card(page, "Team breakfast").get_by_role("button", name="Going", exact=True)
    expect(going).to_be_visible()

    from plugins.feed.models import Post

    assert sorted(Post.objects.values_list("kind", flat=True)) == ["event", "poll", "status"]


def tab_to(page, locator, limit: int = 12):
    """Press Tab until ``locator`` has the focus (a keyboard-only path)."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(locator).to_be_focused()


def test_composer_and_comment_by_keyboard_only(
    page, live_server, employee, colleague, home_page, login
):
    login(page, employee.email, PASSWORD, next_path="/feed/")
    prompt = page.get_by_role("button", name=PROMPT)
    prompt.focus()
    page.keyboard.press("Enter")
    box = page.get_by_role("textbox", name="Message")
    expect(box).to_be_focused()
    # The kinds are tabs: arrows move between them and the fields follow.
    page.keyboard.press("Shift+Tab")
    status_tab = page.get_by_role("tab", name="Status", exact=True)
    expect(status_tab).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Event", exact=True)).to_be_focused()
    expect(page.get_by_role("group", name="Event")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(status_tab).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("group", name="Event")).to_be_hidden()
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    page.keyboard.type("Keyboard only, thanks @Coll")
    expect(page.get_by_role("option", name="Colleague Tester")).to_be_visible()
    page.keyboard.press("Enter")
    expect(box).to_have_value("Keyboard only, thanks @Colleague Tester ")
    tab_to(page, page.get_by_role("button", name="Publish"))
    page.keyboard.press("Enter")
    post = card(page, "Keyboard only")
    expect(post.locator("a.mention")).to_have_text("@Colleague Tester")

    # A comment on it, by keyboard, with a mention from the same suggestions.
    toggle = post.locator(".post-comments__toggle")
    tab_to(page, toggle, limit=40)
    page.keyboard.press("Enter")
    comment_box = post.get_by_label("Your comment")
    expect(comment_box).to_be_focused()
    page.keyboard.type("Agreed @Coll")
    expect(page.get_by_role("option", name="Colleague Tester")).to_be_visible()
    page.keyboard.press("Enter")
    expect(comment_box).to_have_value("Agreed @Colleague Tester ")
    page.keyboard.press("Tab")
    expect(post.locator(".comments__form").get_by_role("button", name="Comment")).to_be_focused()
    page.keyboard.press("Enter")
    comment = post.locator(".comment").filter(has_text="Agreed")
    expect(comment.locator("a.mention")).to_have_text("@Colleague Tester")
    expect(comment).not_to_contain_text("user:")


def test_an_image_post_shows_the_grid_and_the_lightbox(
    page, live_server, employee, colleague, home_page, login
):
    from plugins.feed import services

    services.create_post(
        colleague,
        text="Three pictures",
        files=[png("red.png", "red"), png("green.png", "green"), png("blue.png", "blue")],
    )
    login(page, employee.email, PASSWORD, next_path="/feed/")
    post = card(page, "Three pictures")
    grid = post.locator(".post-card__grid--3")
    expect(grid.locator("img")).to_have_count(3)
    first = grid.locator("a[data-lightbox-item]").first
    first.click()
    dialog = page.get_by_role("dialog", name="Image viewer")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Image 1 of 3")
    page.keyboard.press("ArrowRight")
    expect(dialog).to_contain_text("Image 2 of 3")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(dialog).to_contain_text("Image 3 of 3")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(first).to_be_focused()
    # The buttons too.
    first.click()
    dialog.get_by_role("button", name="Next image").click()
    expect(dialog).to_contain_text("Image 2 of 3")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(first).to_be_focused()


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_home_and_post_pages_are_accessible_light_and_dark(
    page, live_server, employee, colleague, home_page, login, assert_accessible, width, height
):
    from plugins.comments import services as comments
    from plugins.feed import services

    post = services.create_post(
        colleague,
        text="A picture and a file #team",
        files=[png("photo.png", "orange")],
    )
    comment = comments.add_comment(employee, post, "Nice one")
    comments.add_comment(colleague, post, "Thanks!", parent=comment)
    page.set_viewport_size({"width": width, "height": height})
    context = None
    login(page, employee.email, PASSWORD)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(live_server.url + "/")
        expect(page.get_by_role("button", name=PROMPT)).to_be_visible()
        assert_accessible(page, context)
        page.get_by_role("button", name=PROMPT).click()
        assert_accessible(page, context)
        page.goto(live_server.url + post.get_absolute_url())
        expect(page.locator(".comment").first).to_be_visible()
        assert_accessible(page, context)
        if os.environ.get("FEED_SCREENSHOTS"):
            page.screenshot(path=f"/tmp/feed-post-{scheme}-{width}.png", full_page=True)
