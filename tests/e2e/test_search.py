"""Search as an employee uses it: the header's box suggests people first as they type, the
arrows and Enter open a suggestion; then a search, a type filter and highlighted results;
an outsider never finds a secret group's post. Pages checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def index(*objects) -> None:
    """Put these objects in the index as the indexer does (policy tokens included)."""
    from search.backends import get_backend
    from search.documents import build
    from search.registry import types_for_model

    documents = []
    for obj in objects:
        for searchable in types_for_model(type(obj)):
            document = build(searchable, obj)
            if document is not None:
                documents.append(document)
    get_backend().index(documents)


@pytest.fixture
def clean_index(db):
    """A transactional test's flush does not empty the search structures: start afresh."""
    from search.backends import get_backend

    get_backend().clear()
    yield


def search_box(page):
    return page.get_by_role("combobox", name="Search the portal")


def results(page):
    return page.locator("[data-search-results]")


def test_suggestions_then_results_and_type_filter(
    page, live_server, clean_index, employee, colleague, home_page, login, assert_accessible
):
    from plugins.feed import services as feed
    from plugins.groups import services as groups

    person = make_user("zoe.marchand@example.com", first_name="Zoé", last_name="Marchand")
    committee = groups.create_group(colleague, name="Budget committee", privacy="public")
    posts = [
        feed.create_post(colleague, text="Marchand de glaces à la cantine vendredi"),
        feed.create_post(colleague, text="The budget for the offsite is approved"),
        feed.create_post(colleague, text="Questions about the travel budget?"),
    ]
    index(person, committee, *posts)

    login(page, employee.email, PASSWORD)
    box = search_box(page)
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("march")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    # People first, then other titles, then "all results".
    expect(options.first).to_contain_text("Zoé Marchand")
    expect(options.first).to_contain_text("People")
    expect(listbox.get_by_role("option", name=re.compile("Marchand de glaces"))).to_be_visible()
    expect(options.last).to_contain_text("All results for “march”")
    expect(options.first.locator("mark")).to_have_text("Marchand")
    assert_accessible(page)

    # Escape closes the list, the arrows open it again and move the highlighted option.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    expect(options.first).to_have_attribute("aria-selected", "true")
    first_id = options.first.get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", first_id)
    expect(box).to_be_focused()
    box.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Zoé Marchand")).to_be_visible()

    # Enter with no highlighted option searches everything.
    box = search_box(page)
    box.fill("budget")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=budget$"))
    expect(page.get_by_role("heading", level=1, name="Search results")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("3 results for “budget”")
    expect(results(page).get_by_role("listitem")).to_have_count(3)
    expect(results(page).locator("mark").first).to_have_text(re.compile("budget", re.I))
    expect(results(page)).to_contain_text("Colleague Tester")
    expect(page).to_have_title(re.compile("“budget” – Search"))
    assert_accessible(page)

    types = page.get_by_role("navigation", name="Filter by type")
    expect(types.get_by_role("link", name="All (3)")).to_have_attribute("aria-current", "true")
    types.get_by_role("link", name="Groups (1)").click()
    expect(page.get_by_role("status")).to_have_text("1 result for “budget”")
    expect(results(page).get_by_role("listitem")).to_have_count(1)
    link = results(page).get_by_role("link", name="Budget committee")
    expect(link.locator("mark")).to_have_text("Budget")
    expect(types.get_by_role("link", name="Groups (1)")).to_have_attribute("aria-current", "true")
    # The form keeps the type: a new search stays among groups.
    page.get_by_role("searchbox", name="Search for").fill("offsite")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("No results for “offsite”.")).to_be_visible()
    expect(page.get_by_text("1 result of another type matches.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Show every type").click()
    expect(page.get_by_role("status")).to_have_text("1 result for “offsite”")
    link = results(page).get_by_role("link", name=re.compile("offsite is approved"))
    link.click()
    expect(page).to_have_url(re.compile(rf"/feed/posts/{posts[1].pk}/$"))


def test_an_outsider_does_not_find_a_secret_groups_post(
    page, live_server, clean_index, employee, colleague, home_page, login, assert_accessible
):
    from plugins.feed import services as feed
    from plugins.groups import services as groups

    secret = groups.create_group(colleague, name="Project Falcon", privacy="secret")
    hidden = feed.create_post(
        colleague, text="Falcon acquisition: the numbers", audience=f"group:{secret.pk}"
    )
    index(secret, hidden)

    login(page, employee.email, PASSWORD)
    box = search_box(page)
    box.press_sequentially("falc")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(1)  # only "All results for …"
    box.press("Enter")
    expect(page.get_by_text("No results for “falc”.")).to_be_visible()
    expect(page.get_by_text("Check the spelling of the words.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("acquisition")
    assert_accessible(page)

    # The group's member finds it.
    page.context.clear_cookies()
    login(page, colleague.email, PASSWORD, next_path="/search/?q=falcon")
    expect(results(page).get_by_role("link", name=re.compile("Falcon acquisition"))).to_be_visible()
    expect(results(page).get_by_role("link", name="Project Falcon")).to_be_visible()
