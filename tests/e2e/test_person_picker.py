"""The person picker in a real browser: an owner chooses a colleague with the keyboard and
invites them to a group; checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board(employee, departments):
    from plugins.groups import services

    ada = make_user("ada@example.com", first_name="Ada", last_name="Lovelace")
    ada.profile.job_title = "Chief executive"
    ada.profile.save()
    make_user("adam@example.com", first_name="Adam", last_name="Smith")
    gone = make_user("adele@example.com", first_name="Adele", last_name="Gone")
    gone.is_active = False
    gone.save()
    group = services.create_group(employee, name="Board", privacy="private")
    return {"ada": ada, "group": group}


def test_choose_a_person_with_the_keyboard_and_invite_them(page, board, login, assert_accessible):
    from plugins.groups import services

    login(page, "employee@example.com", PASSWORD, next_path="/groups/board/members/")
    field = page.get_by_role("combobox", name="Invite people")
    field.click()
    field.press_sequentially("ad", delay=30)
    listbox = page.get_by_role("listbox", name="Invite people")
    expect(listbox).to_be_visible()
    # Visible people only: the deactivated Adele is never suggested.
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(listbox).not_to_contain_text("Adele")
    expect(listbox.get_by_role("option", name="Ada Lovelace")).to_contain_text("Chief executive")
    assert_accessible(page)

    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    page.keyboard.press("Enter")
    chips = page.get_by_role("list", name="Chosen people")
    expect(chips).to_contain_text("Ada Lovelace")
    expect(field).to_have_value("")
    expect(field).to_be_focused()
    expect(listbox).to_be_hidden()
    expect(page.locator('input[type=hidden][name="user_ids"]')).to_have_value(str(board["ada"].pk))

    # Backspace in the empty field removes the last chip; choose again; Escape closes.
    page.keyboard.press("Backspace")
    expect(page.locator('input[type=hidden][name="user_ids"]')).to_have_count(0)
    field.press_sequentially("lovelace", delay=30)
    expect(listbox.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(listbox).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chips.get_by_role("button", name="Remove Ada Lovelace")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Send the invitations").click()
    expect(page.get_by_text("Invitation sent to")).to_be_visible()
    assert services.pending_invitation(board["ada"], board["group"]) is not None
    assert_accessible(page)
