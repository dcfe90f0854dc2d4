"""The org chart as an employee uses it: open it, expand a team, search a person and jump
to them, zoom and pan, show a department; every state checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from plugins.people.orgchart import set_manager
from tests.factories import make_user
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORGCHART = "/people/orgchart/"


def person(email: str, first: str, last: str, manager=None, title: str = "", department=None):
    user = make_user(email, first_name=first, last_name=last, department=department)
    profile = user.profile
    profile.job_title = title
    profile.save()
    if manager is not None:
        set_manager(profile, manager)
    profile.refresh_from_db()
    return profile


@pytest.fixture
def company(employee, departments, home_page):
    """Ada (CEO) > Bob (CTO) > Eve (lead) > Finn (intern), who is three levels down and
    so not on the page at first; the employee reports to Bob."""
    ceo = person("ada@example.com", "Ada", "Lovelace", title="Chief executive")
    cto = person("bob@example.com", "Bob", "Kahn", ceo, "Chief technology officer")
    lead = person("eve@example.com", "Eve", "Turing", cto, "Team lead", departments["platform"])
    intern = person("finn@example.com", "Finn", "Hopper", lead, "Intern", departments["sales"])
    set_manager(employee.profile, cto)
    return {"ceo": ceo, "cto": cto, "lead": lead, "intern": intern}


def node(page, name: str):
    return page.locator(".orgchart__node", has_text=name)


def test_open_expand_collapse_search_jump_and_zoom(page, company, login, assert_accessible):
    login(page, "employee@example.com", PASSWORD, next_path=ORGCHART)
    expect(page.get_by_role("heading", level=1)).to_have_text("Org chart")
    expect(node(page, "Ada Lovelace")).to_be_visible()
    expect(node(page, "Eve Turing")).to_be_visible()
    expect(node(page, "Finn Hopper")).to_have_count(0)
    assert_accessible(page)

    # Eve's team is below what the server rendered: the button loads it.
    eve_reports = page.get_by_role("button", name="Reports of Eve Turing")
    expect(eve_reports).to_have_attribute("aria-expanded", "false")
    eve_reports.click()
    expect(eve_reports).to_have_attribute("aria-expanded", "true")
    expect(node(page, "Finn Hopper")).to_be_visible()
    assert_accessible(page)

    # Collapsing Bob's team by keyboard hides it, and his button says so.
    bob_reports = page.get_by_role("button", name="Reports of Bob Kahn")
    bob_reports.focus()
    page.keyboard.press("Space")
    expect(bob_reports).to_have_attribute("aria-expanded", "false")
    expect(node(page, "Finn Hopper")).to_be_hidden()

    # Search the intern and jump to them: the chain is expanded, the node focused.
    page.get_by_label("Find a person").fill("hopper")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("region", name="Search results")
    expect(results).to_contain_text("1 person found.")
    results.get_by_role("button", name="Finn Hopper").click()
    finn = node(page, "Finn Hopper")
    expect(finn).to_be_visible()
    expect(finn).to_be_focused()
    expect(finn).to_have_class("orgchart__node orgchart__node--highlight")
    expect(bob_reports).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)

    # Zoom with the buttons, and with the keyboard on the canvas; pan with the arrows.
    canvas = page.get_by_role("region", name="Org chart: arrow keys")
    expect(canvas).to_have_attribute("data-scale", "1.00")
    page.get_by_role("button", name="Zoom in").click()
    expect(canvas).to_have_attribute("data-scale", "1.20")
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom out").click()
    expect(canvas).to_have_attribute("data-scale", "0.83")
    stage = page.locator("[data-orgchart-stage]")
    before = stage.get_attribute("style")
    canvas.focus()
    page.keyboard.press("ArrowLeft")
    expect(stage).not_to_have_attribute("style", before)
    page.get_by_role("button", name="Reset view").click()
    expect(canvas).to_have_attribute("data-scale", "1.00")
    assert_accessible(page)


def test_show_a_department_and_jump_to_one_of_its_people(
    page, company, departments, login, assert_accessible
):
    login(page, "employee@example.com", PASSWORD, next_path=ORGCHART)
    page.get_by_label("Show a department").select_option(label="– Sales (1)", index=None)
    people = page.get_by_role("region", name="People of Sales")
    expect(people.get_by_role("button", name="Finn Hopper")).to_be_visible()
    assert_accessible(page)
    people.get_by_role("button", name="Finn Hopper").click()
    expect(node(page, "Finn Hopper")).to_be_focused()


@pytest.fixture
def deep_company(company, departments):
    """Below Finn, a chain six levels deeper, with colleagues at every level so that the
    chart is wider and taller than the window: the deepest is Zoe."""
    manager = company["intern"]
    for level in range(6):
        for sibling in range(3):
            person(f"p{level}s{sibling}@example.com", f"Peer{level}", f"Side{sibling}", manager)
        manager = person(f"chain{level}@example.com", f"Chain{level}", "Deep", manager, "Engineer")
    zoe = person("zoe@example.com", "Zoe", "Deepest", manager, "Apprentice", departments["sales"])
    return {**company, "zoe": zoe}


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"]
        and box["y"] + box["height"] <= size["height"]
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_jump_to_a_deep_person_centres_and_focuses_their_box(
    page, deep_company, login, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 800 if width > 400 else 844})
    login(page, "employee@example.com", PASSWORD, next_path=ORGCHART)
    expect(node(page, "Zoe Deepest")).to_have_count(0)
    # The page itself never scrolls sideways: the chart moves inside its window.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)

    page.get_by_label("Find a person").fill("deepest")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.get_by_role("region", name="Search results")
    expect(results).to_contain_text("1 person found.")
    results.get_by_role("button", name="Zoe Deepest").click()
    zoe = node(page, "Zoe Deepest")
    expect(zoe).to_be_focused()
    expect(zoe).to_have_class("orgchart__node orgchart__node--highlight")
    expect(zoe).to_have_attribute("aria-current", "true")
    # Within the window of the page (the transition of the chart settles first).
    page.wait_for_function(
        """() => {
            const r = document.activeElement.getBoundingClientRect();
            return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
        }"""
    )
    assert in_viewport(page, zoe)
    # The whole chain above her is open.
    for manager in ["Finn Hopper", "Chain0 Deep", "Chain5 Deep"]:
        expect(node(page, manager)).to_be_visible()
    controls = page.get_by_role("group", name="Zoom")
    for name in ["Zoom in", "Zoom out", "Reset view"]:
        button = controls.get_by_role("button", name=name)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)


def test_keyboard_moves_between_people_and_enter_opens_the_profile(page, company, login):
    login(page, "employee@example.com", PASSWORD, next_path=ORGCHART)
    ada = node(page, "Ada Lovelace")
    expect(ada).to_have_attribute("tabindex", "0")
    ada.focus()
    page.keyboard.press("ArrowDown")
    expect(node(page, "Bob Kahn")).to_be_focused()
    page.keyboard.press("ArrowDown")
    first_report = page.locator(".orgchart__node:focus")
    expect(first_report).to_contain_text("Employee Tester")
    page.keyboard.press("ArrowRight")
    expect(node(page, "Eve Turing")).to_be_focused()
    # Down from Eve loads her team (not rendered by the server) and goes to Finn.
    page.keyboard.press("ArrowDown")
    expect(node(page, "Finn Hopper")).to_be_focused()
    expect(page.get_by_role("button", name="Reports of Eve Turing")).to_have_attribute(
        "aria-expanded", "true"
    )
    page.keyboard.press("ArrowUp")
    expect(node(page, "Eve Turing")).to_be_focused()
    expect(node(page, "Eve Turing")).to_have_attribute("tabindex", "0")
    expect(ada).to_have_attribute("tabindex", "-1")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/people/{company['lead'].pk}/")
