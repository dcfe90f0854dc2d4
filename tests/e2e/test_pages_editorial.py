"""The editorial pages on the design system, checked with axe-core in light and dark, on a
desktop (1280 px) and a phone (390 px): the news index and an article, the courses and a
course, wellness, a themed week, resources, search results, the login page and the
password reset page. Serious or critical violations (colour contrast among them) fail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.editorial.learning import services as learning
from portal.editorial.learning.factories import make_course, make_course_index, make_lesson
from portal.editorial.news.factories import make_category, make_image, make_news, make_news_index
from portal.editorial.resources.models import ResourceIndexPage, ResourcePage
from portal.editorial.weeks.tests.factories import make_index, make_initiative, make_week
from portal.editorial.wellness.tests.factories import make_section, make_session
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SCHEMES = ["light", "dark"]


@pytest.fixture(params=[(v, s) for v in VIEWPORTS for s in SCHEMES], ids=lambda p: f"{p[0]}-{p[1]}")
def look(request):
    """(viewport name, colour scheme) of one run."""
    return request.param


@pytest.fixture
def browser_context_args(live_server, look) -> dict:
    return {
        "base_url": live_server.url,
        "locale": "en-US",
        "viewport": VIEWPORTS[look[0]],
        "color_scheme": look[1],
    }


def check(page, assert_accessible, path: str, scheme: str) -> None:
    page.goto(path)
    page.emulate_media(color_scheme=scheme)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


@pytest.fixture
def content(home_page, employee, colleague):
    """One of each editorial page, with enough in it to show cards, badges and chips."""
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:  # a transactional test flushed it
        Collection.add_root(name="Root")
    news_index = make_news_index(home_page)
    category = make_category("IT", "it")
    make_news(
        news_index,
        "The VPN moves to a new provider",
        summary="Nothing to do on your side; expect a short outage.",
        category=category,
        author=colleague,
        hero_image=make_image(),
        hero_alt="A green banner",
        tags=("vpn", "security"),
    )
    article = make_news(
        news_index, "Our Lyon office opens", summary="Forty colleagues move in.", tags=("lyon",)
    )
    make_news(news_index, "Canteen menus", summary="New dishes this month.", category=category)

    catalogue = make_course_index(home_page, "Courses")
    course = make_course(catalogue, "GDPR basics", intro="What every employee must know.")
    make_lesson(course, "What is personal data", module="Basics", text="Names, emails...")
    make_lesson(course, "Who handles a breach", module="Basics", text="The DPO.")
    make_course(catalogue, "Security awareness", intro="Phishing and passwords.")
    learning.enrol(employee, course)

    section = make_section(home_page, "Wellness")
    make_session(section, "Lunchtime yoga", capacity=12, starts_in=timedelta(days=1))
    make_session(section, "Guided meditation", capacity=1, starts_in=timedelta(days=2))

    week = make_week(make_index(home_page), "Green week")
    make_initiative(week, colleague, "Car-sharing from Lyon", status="approved", featured=True)

    resources = home_page.add_child(instance=ResourceIndexPage(title="Resources", slug="resources"))
    resources.save_revision().publish()
    for title, tags in (("Remote work study", ("remote-work",)), ("Security guide", ("security",))):
        resource = ResourcePage(
            title=title, source_url="https://example.com/report", summary=f"About {title}"
        )
        resource.tags.add(*tags)
        resources.add_child(instance=resource)
        resource.save_revision().publish()

    return {
        "news": news_index.url,
        "article": article.url,
        "courses": catalogue.url,
        "course": course.url,
        "wellness": section.url,
        "week": week.url,
        "resources": resources.url,
    }


def test_the_editorial_pages_are_accessible(
    page, look, content, employee, login, assert_accessible
):
    scheme = look[1]
    login(page, employee.email, PASSWORD)
    for name in ("news", "article", "courses", "course", "wellness", "week", "resources"):
        check(page, assert_accessible, content[name], scheme)

    # The news index: the first news is featured, the others are cards in the grid.
    page.goto(content["news"])
    listing = page.locator(".news-list")
    expect(listing.get_by_role("listitem")).to_have_count(3)
    expect(listing.locator(".news-card--featured")).to_have_count(1)

    # The course shows the progress as a bar.
    page.goto(content["course"])
    expect(page.get_by_role("progressbar", name="Progress in GDPR basics")).to_be_visible()

    # Search results, with an empty state when nothing matches.
    check(page, assert_accessible, "/search/?q=vpn", scheme)
    check(page, assert_accessible, "/search/?q=zzzyyyxxx", scheme)
    expect(page.get_by_text("No results for “zzzyyyxxx”.")).to_be_visible()


def test_the_sign_in_pages_are_accessible(page, look, employee, assert_accessible):
    scheme = look[1]
    check(page, assert_accessible, "/account/login/", scheme)
    # A wrong password: the error is shown in place, on the same page.
    page.get_by_label("Email address", exact=True).fill(employee.email)
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("correct email address and password")
    assert_accessible(page)

    check(page, assert_accessible, "/account/password/reset/", scheme)
    expect(page.get_by_role("button", name="Send the link")).to_be_visible()
