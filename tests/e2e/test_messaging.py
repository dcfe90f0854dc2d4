"""The messenger and the chat panel in a real browser, served by daphne (the socket needs
the ASGI server): two people chatting live, one going off and the other seeing it before
sending, axe-core on the messenger and the panel in both schemes, the panel by keyboard.

The live parts use the real messaging socket (``plugins/messaging/consumers.py``) and the
real mode off storage (the manual switch of ``WorkingHours``): no mock."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from plugins.messaging import services
from plugins.messaging.models import Message
from tests.e2e.conftest import TIMEOUT_MS, assert_accessible
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def off_the_loop(function, *args):
    """Run ``function(*args)`` in a thread of its own: Playwright keeps an event loop
    running in the test's thread, where the services' broadcasts (``async_to_sync``)
    cannot run."""
    import threading

    result, errors = [], []

    def run():
        try:
            result.append(function(*args))
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            from django.db import connection

            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if errors:
        raise errors[0]
    return result[0] if result else None


def switch_off(user, until: datetime.datetime) -> None:
    """Switch ``user`` off by hand until ``until``, in mode off's own storage (the manual
    switch of :class:`portal.accounts.models.WorkingHours`, as the account settings form
    stores it), then tell mode off it changed (held notifications, open sockets)."""
    from django.db import transaction

    from portal import modeoff
    from portal.accounts.models import WorkingHours

    now = timezone.now()
    with transaction.atomic():
        hours, _created = WorkingHours.objects.select_for_update().get_or_create(user=user)
        hours.off_until = until
        hours.off_since = now
        hours.save(update_fields=["off_until", "off_since", "updated_at"])
        modeoff.changed(user, now)
    assert modeoff.state(user).off


@pytest.fixture
def anna(db):
    return make_user("anna@example.com", first_name="Anna", last_name="Martin")


@pytest.fixture
def ben(db):
    return make_user("ben@example.com", first_name="Ben", last_name="Dupont")


def signed_in(browser, server, user, colour_scheme="light"):
    client = Client()
    client.force_login(user)
    base_url = f"http://{server.host}:{server.port}"
    context = browser.new_context(
        base_url=base_url,
        locale="en-US",
        viewport={"width": 1280, "height": 900},
        color_scheme=colour_scheme,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def wait_for_socket(page) -> None:
    page.wait_for_function("window.portalMessagingLoaded === true")
    page.wait_for_timeout(600)  # the socket opens after the page's scripts run


def test_two_people_chat_live_then_one_is_off(browser, asgi_server, anna, ben):
    from playwright.sync_api import expect

    from plugins.messaging.routing import websocket_urlpatterns

    assert websocket_urlpatterns, "the messaging socket is routed (the real consumer)"
    conversation = off_the_loop(services.direct_conversation, anna, ben.pk)
    off_the_loop(services.post_message, anna, conversation, "Hi Ben, got a minute?")

    ben_page, ben_errors = signed_in(browser, asgi_server, ben)
    ben_page.goto("/account/settings/")
    wait_for_socket(ben_page)
    badge = ben_page.locator(
        '.topbar [data-badge="messages"], .sidenav [data-badge="messages"]'
    ).first
    expect(badge).to_have_text("(1)")

    anna_page, anna_errors = signed_in(browser, asgi_server, anna)
    anna_page.goto(f"/messaging/{conversation.pk}/")
    wait_for_socket(anna_page)
    composer = anna_page.get_by_label("Message to Ben Dupont")
    composer.fill("Second message")
    composer.press("Enter")
    # Anna's bubble is there at once (pending, then acknowledged), nothing reloaded.
    expect(anna_page.locator(".message-bubble", has_text="Second message")).to_have_count(1)
    expect(anna_page.locator(".message-bubble--pending")).to_have_count(0)
    # Ben's badge moves live.
    expect(badge).to_have_text("(2)")

    ben_page.goto(f"/messaging/{conversation.pk}/")
    wait_for_socket(ben_page)
    expect(ben_page.locator(".message-bubble", has_text="Second message")).to_be_visible()
    # Read on view: the badge is gone.
    expect(ben_page.locator('.sidenav [data-badge="messages"]')).to_be_hidden()

    # Typing shows on the other side, and the message arrives without a reload.
    anna_page.get_by_label("Message to Ben Dupont").press_sequentially("Are you")
    expect(ben_page.get_by_text("Anna Martin is typing…")).to_be_visible()
    anna_page.get_by_label("Message to Ben Dupont").press_sequentially(" there?")
    anna_page.get_by_label("Message to Ben Dupont").press("Enter")
    expect(ben_page.locator(".message-bubble", has_text="Are you there?")).to_have_count(1)
    expect(anna_page.locator(".message-bubble", has_text="Are you there?")).to_have_count(1)
    ids = Message.objects.filter(source="Are you there?").values_list("pk", flat=True)
    assert len(ids) == 1
    # Ben's open page read it: Anna sees "Seen" under her last message, live.
    receipts = anna_page.locator("[data-receipts-line]")
    expect(receipts).to_have_text("Seen")

    # Shift+Enter is a new line, not a send.
    ben_composer = ben_page.get_by_label("Message to Anna Martin")
    ben_composer.fill("Yes")
    ben_composer.press("Shift+Enter")
    ben_composer.press_sequentially("one second")
    assert ben_composer.input_value() == "Yes\none second"
    ben_composer.press("Enter")
    expect(anna_page.locator(".message-bubble", has_text="one second")).to_be_visible()
    expect(receipts).to_be_hidden()  # the last message is Ben's now

    # A reply in a thread: in Anna's pane once, and Ben's count moves live.
    anna_page.locator(".message-bubble", has_text="Second message").get_by_role(
        "link", name="Reply in thread"
    ).click()
    pane = anna_page.locator("[data-thread-pane]")
    pane.get_by_label("Reply in the thread").fill("In the thread")
    pane.get_by_label("Reply in the thread").press("Enter")
    expect(pane.locator(".message-bubble", has_text="In the thread")).to_have_count(1)
    expect(pane.locator(".message-bubble--pending")).to_have_count(0)
    second = ben_page.locator(".message-bubble", has_text="Second message")
    expect(second.get_by_role("link", name="1 reply", exact=True)).to_be_visible()
    expect(ben_page.locator(".message-bubble", has_text="In the thread")).to_have_count(0)

    # Ben goes off until Monday; Anna sees it before sending, and may schedule.
    monday = timezone.now() + datetime.timedelta(days=3)
    off_the_loop(switch_off, ben, monday)
    # Live: Ben's socket hears mode off changed, Anna's (watching Ben) hears him go off.
    expect(anna_page.get_by_text(re.compile(r"Ben Dupont is off until"))).to_be_visible()
    # And on the page as served, with the schedule chosen for his return.
    anna_page.reload()
    expect(anna_page.get_by_text(re.compile(r"Ben Dupont is off until"))).to_be_visible()
    scheduled = anna_page.get_by_label(re.compile("Send at their next working hour"))
    expect(scheduled).to_be_checked()
    anna_page.get_by_label("Message to Ben Dupont").fill("See you Monday")
    anna_page.get_by_role("button", name="Send").click()
    expect(anna_page.get_by_text(re.compile("Scheduled for .*See you Monday"))).to_be_visible()
    assert not Message.objects.filter(source="See you Monday").exists()
    assert anna_errors == [] and ben_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_messenger_and_the_panel_pass_axe(browser, asgi_server, anna, ben, scheme):
    from playwright.sync_api import expect

    group = services.start_group(anna, [ben.pk], "Launch team")
    first = services.post_message(
        ben, group, f"Hello @[Anna Martin](user:{anna.pk}), see https://example.com"
    )
    services.post_message(anna, group, "Thanks!", parent=first)
    services.post_message(anna, group, "Another one")
    services.direct_conversation(anna, ben.pk)

    page, errors = signed_in(browser, asgi_server, anna, scheme)
    page.goto("/messaging/")
    expect(page.get_by_role("heading", name="Conversations")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/messaging/{group.pk}/")
    expect(page.get_by_role("heading", name="Launch team")).to_be_visible()
    expect(page.get_by_role("link", name="1 reply", exact=True)).to_be_visible()
    assert_accessible(page)

    # The thread opens in a pane beside the conversation.
    page.get_by_role("link", name="1 reply", exact=True).click()
    pane = page.locator("[data-thread-pane]")
    expect(pane.get_by_role("heading", name="Thread")).to_be_focused()
    expect(pane.locator(".message-bubble__body", has_text="Thanks!")).to_be_visible()
    assert_accessible(page)

    # The conversation menu.
    page.get_by_label("Conversation actions").click()
    expect(page.get_by_role("button", name="Mute")).to_be_visible()
    assert_accessible(page)

    # The chat panel on another page.
    page.goto("/account/settings/")
    wait_for_socket(page)
    page.locator("[data-chat-toggle]").click()
    expect(page.get_by_role("dialog", name="Chat")).to_be_visible()
    panel = page.locator("#chat-panel")
    expect(panel.get_by_role("link", name=re.compile("Launch team"))).to_be_visible()
    assert_accessible(page)
    panel.get_by_role("link", name=re.compile("Launch team")).click()
    expect(panel.locator(".message-bubble__body", has_text="Another one")).to_be_visible()
    assert_accessible(page)
    assert errors == []


def test_the_panel_by_keyboard(browser, asgi_server, anna, ben):
    from playwright.sync_api import expect

    conversation = services.direct_conversation(anna, ben.pk)
    services.post_message(ben, conversation, "Ping from Ben")

    page, errors = signed_in(browser, asgi_server, anna)
    page.goto("/account/settings/")
    wait_for_socket(page)
    toggle = page.locator("[data-chat-toggle]")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name="Chat")).to_be_visible()
    panel = page.locator("#chat-panel")
    first = panel.get_by_role("link", name=re.compile("Ben Dupont"))
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    composer = panel.get_by_label("Message to Ben Dupont")
    expect(composer).to_be_focused()
    expect(panel.locator(".message-bubble__body", has_text="Ping from Ben")).to_be_visible()
    page.keyboard.type("Typed in the panel")
    page.keyboard.press("Enter")
    expect(panel.locator(".message-bubble", has_text="Typed in the panel")).to_have_count(1)
    expect(panel.locator(".message-bubble--pending")).to_have_count(0)
    assert Message.objects.filter(source="Typed in the panel").count() == 1
    page.keyboard.press("Escape")
    expect(page.locator("[data-chat-panel]")).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert errors == []


def test_starting_a_conversation_with_the_person_picker(browser, asgi_server, anna, ben):
    from playwright.sync_api import expect

    # Ben has the messenger open, with no conversation yet.
    ben_page, ben_errors = signed_in(browser, asgi_server, ben)
    ben_page.goto("/messaging/")
    wait_for_socket(ben_page)
    expect(ben_page.get_by_text("No conversations yet.")).to_be_visible()

    page, errors = signed_in(browser, asgi_server, anna)
    page.goto("/messaging/")
    page.get_by_text("New conversation", exact=True).click()
    page.get_by_role("combobox", name="People").fill("Ben")
    page.get_by_role("option", name=re.compile("Ben Dupont")).click()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Ben Dupont")).to_be_visible()
    # The new conversation joins Ben's list live.
    ben_list = ben_page.locator(".messenger__list [data-conversation-list]")
    expect(ben_list.get_by_role("link", name=re.compile("Anna Martin"))).to_be_visible()
    assert ben_errors == []
    page.get_by_label("Message to Ben Dupont").fill("First words")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message-bubble", has_text="First words")).to_be_visible()

    # Mentions: the feed's suggestions in the composer; Enter chooses, then Enter sends.
    box = page.get_by_label("Message to Ben Dupont")
    box.press_sequentially("Thanks @Be")
    expect(page.get_by_role("option", name="Ben Dupont")).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("Thanks @Ben Dupont ")
    box.press("Enter")
    bubble = page.locator(".message-bubble").filter(has_text="Thanks")
    expect(bubble.locator("a.mention")).to_have_text("@Ben Dupont")
    assert_accessible(page)
    assert errors == []
