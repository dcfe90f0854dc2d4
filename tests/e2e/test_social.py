"""The social network in a real browser: a conversation in a private group.

Anna posts a status mentioning Ben, a poll and an event in the private group "Project
Falcon". Ben, a member, gets the mention, votes, answers the event, comments and reacts;
Anna is notified of his comment and reaction. Carl, who is not a member, sees none of it:
not in the group's page, the feed, a guessed address, the API or his notifications.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import make_user
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def falcon(home_page, departments):
    from plugins.groups import services
    from plugins.groups.models import Membership

    anna = make_user(
        "anna.martin@example.com",
        first_name="Anna",
        last_name="Martin",
        department=departments["platform"],
        password=PASSWORD,
    )
    ben = make_user(
        "ben.durand@example.com",
        first_name="Ben",
        last_name="Durand",
        department=departments["sales"],
        password=PASSWORD,
    )
    carl = make_user(
        "carl.petit@example.com",
        first_name="Carl",
        last_name="Petit",
        department=departments["platform"],
        password=PASSWORD,
    )
    group = services.create_group(
        anna, name="Project Falcon", description="Launching Falcon.", privacy="private"
    )
    Membership.objects.create(group=group, user=ben)
    return {"anna": anna, "ben": ben, "carl": carl, "group": group}


def new_page(browser, browser_context_args):
    context = browser.new_context(**browser_context_args)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def card(page, text: str):
    return page.locator("article.post-card", has_text=text)


def test_a_conversation_in_a_private_group(
    page, browser, browser_context_args, live_server, falcon, login, assert_accessible
):
    from plugins.feed.models import Post

    group_url = f"/groups/{falcon['group'].slug}/"

    # --- Anna posts a status with a mention, a poll and an event in the group ---------
    login(page, "anna.martin@example.com", PASSWORD, next_path=group_url)
    page.get_by_role("button", name=re.compile("What's new")).click()
    message = page.get_by_role("textbox", name="Message")
    message.click()
    message.press_sequentially("Kick-off tomorrow, @Ben")
    option = page.get_by_role("option", name=re.compile("Ben Durand"))
    expect(option).to_be_visible()
    option.click()
    message.press_sequentially("see you there #falcon")
    page.get_by_role("button", name="Publish").click()
    status = card(page, "Kick-off tomorrow")
    expect(status.locator("a.mention")).to_have_text("@Ben Durand")
    expect(status.locator("a.hashtag")).to_have_text("#falcon")

    page.get_by_role("button", name=re.compile("What's new")).click()
    page.get_by_role("tab", name="Poll", exact=True).click()
    page.get_by_label("Question").fill("Which day for the demo?")
    page.get_by_label("Options").fill("Monday\nTuesday\nFriday")
    page.get_by_role("button", name="Publish").click()
    expect(card(page, "Which day for the demo?")).to_be_visible()

    starts = timezone.localtime() + datetime.timedelta(days=3)
    page.get_by_role("button", name=re.compile("What's new")).click()
    page.get_by_role("tab", name="Event", exact=True).click()
    page.get_by_label("Event title").fill("Falcon launch party")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT18:00"))
    page.get_by_label("Place").fill("Rooftop")
    page.get_by_role("button", name="Publish").click()
    expect(card(page, "Falcon launch party")).to_be_visible()
    assert_accessible(page)
    status_post = Post.objects.get(text__startswith="Kick-off tomorrow")

    # --- Ben, a member: notified of the mention; votes, answers, comments, reacts -------
    ben_page, ben_errors = new_page(browser, browser_context_args)
    login(ben_page, "ben.durand@example.com", PASSWORD)
    badge = ben_page.locator('[data-badge="notifications"]').first
    expect(badge).to_contain_text("1")
    ben_page.goto("/notifications/")
    mention = ben_page.get_by_role("link", name=re.compile("Anna Martin mentioned you"))
    expect(mention).to_be_visible()
    assert_accessible(ben_page)
    mention.click()
    ben_page.wait_for_url(re.compile(rf"/feed/posts/{status_post.pk}/"))
    expect(badge).to_be_hidden()

    ben_page.goto(group_url)
    poll = card(ben_page, "Which day for the demo?")
    expect(poll).to_contain_text("Results are shown after you vote")
    poll.get_by_label("Tuesday").check()
    poll.get_by_role("button", name="Vote").click()
    expect(poll).to_contain_text("your vote")
    expect(poll).to_contain_text("100%")

    event = card(ben_page, "Falcon launch party")
    event.get_by_role("button", name="Going", exact=True).click()
    expect(event.get_by_role("button", name="Going", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(event).to_contain_text("1 going")

    status = card(ben_page, "Kick-off tomorrow")
    status.locator(".post-comments__toggle").click()
    status.get_by_label("Your comment").fill("Count me in! <script>alert(1)</script>")
    status.locator(".comments__form").get_by_role("button", name="Comment", exact=True).click()
    expect(status.locator(".comment")).to_contain_text("Count me in!")
    picker = status.locator("details.reactions__picker").first  # the post's, not a comment's
    picker.locator("summary").click()
    picker.get_by_role("button", name="Celebrate").click()
    expect(status.locator(".reactions__total").first).to_contain_text("1 reaction")
    assert_accessible(ben_page)
    assert ben_errors == []

    # --- Anna is notified of the comment and the reaction -------------------------------
    page.goto("/notifications/")
    expect(
        page.get_by_role("link", name=re.compile("Ben Durand commented on your post"))
    ).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Ben Durand reacted to"))).to_be_visible()

    # --- Carl, not a member, sees none of it --------------------------------------------
    carl_page, carl_errors = new_page(browser, browser_context_args)
    login(carl_page, "carl.petit@example.com", PASSWORD)
    secrets = ["Kick-off tomorrow", "Which day for the demo?", "Falcon launch party", "Count me"]
    for path in ["/", "/feed/", group_url, "/feed/tags/falcon/", "/notifications/"]:
        carl_page.goto(path)
        body = carl_page.locator("body")
        for secret in secrets:
            expect(body).not_to_contain_text(secret)
    carl_page.goto(group_url)
    expect(carl_page.get_by_role("button", name="Ask to join")).to_be_visible()
    assert_accessible(carl_page)
    response = carl_page.goto(f"/feed/posts/{status_post.pk}/")
    assert response.status == 404
    api = carl_page.request.get(f"/api/posts/{status_post.pk}/comments/")
    assert api.status == 404
    api = carl_page.request.get(f"/api/groups/{falcon['group'].pk}/members/")
    assert api.status in (403, 404)
    feed = carl_page.request.get("/api/feed/").json()
    assert "Kick-off" not in str(feed) and "Falcon launch" not in str(feed)
    assert carl_page.request.get("/api/notifications/unread-count/").json()["unread"] == 0
    assert carl_errors == []
