"""The messenger's pages over plain HTTP: the list, a conversation, the chat panel's
fragments, the writes without the socket; outsiders get the 404 of a missing id; the
number of queries does not grow with the list or the history; the shell's fragment slot."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plugins.messaging import services
from plugins.messaging.models import Conversation, Message, Participant, ScheduledMessage
from portal import navigation, signals
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(db):
    return make_user("anna@example.com", first_name="Anna", last_name="Martin")


@pytest.fixture
def outsider(db):
    return make_user("outsider@example.com", first_name="Otto", last_name="Side")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def direct(employee, anna):
    return services.direct_conversation(employee, anna.pk)


def test_the_messenger_lists_conversations_with_unread_counts(employee, anna, direct):
    services.post_message(anna, direct, "Hello from Anna")
    response = client_for(employee).get("/messaging/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Martin" in html
    assert "Hello from Anna" in html
    assert f'data-unread-for="{direct.pk}"' in html
    # The main navigation shows "Messages" with the total unread.
    assert 'data-badge="messages"' in html
    assert 'href="/messaging/"' in html


def test_the_list_and_the_thread_take_a_fixed_number_of_queries(
    employee, anna, direct, django_assert_max_num_queries
):
    people = [make_user(f"p{i}@example.com") for i in range(6)]
    for person in people:
        conversation = services.start_group(employee, [person.pk, anna.pk], "")
        services.post_message(person, conversation, "Hi @all")
    for i in range(30):
        services.post_message(anna if i % 2 else employee, direct, f"message {i}")
    client = client_for(employee)
    client.get("/messaging/")  # warm the caches of the shell
    with django_assert_max_num_queries(30) as few:
        client.get("/messaging/")
    small = len(few.captured_queries)
    for person in people[:3]:
        services.direct_conversation(employee, person.pk)
    with django_assert_max_num_queries(small):
        client.get("/messaging/")
    with django_assert_max_num_queries(40) as thread:
        response = client.get(f"/messaging/{direct.pk}/")
    assert response.status_code == 200
    for i in range(30):
        services.post_message(anna, direct, f"more {i}")
    with django_assert_max_num_queries(len(thread.captured_queries)):
        client.get(f"/messaging/{direct.pk}/")


def test_outsiders_and_guessed_ids_get_the_same_404(employee, anna, outsider, direct):
    message = services.post_message(anna, direct, "Private")
    client = client_for(outsider)
    missing = client.get("/messaging/999999/")
    hidden = client.get(f"/messaging/{direct.pk}/")
    assert missing.status_code == hidden.status_code == 404

    def body(response, path):  # the page's own path and the CSRF token aside
        html = response.content.decode().replace(path, "PATH")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert body(missing, "/messaging/999999/") == body(hidden, f"/messaging/{direct.pk}/")
    for url in (
        f"/messaging/{direct.pk}/?panel=1",
        f"/messaging/{direct.pk}/thread/{message.pk}/",
        "/messaging/99999999999999999999999/",
    ):
        assert client.get(url).status_code == 404
    for url, data in (
        (f"/messaging/{direct.pk}/send/", {"body": "sneaking in"}),
        (f"/messaging/{direct.pk}/settings/", {"action": "mute"}),
        (f"/messaging/{direct.pk}/people/", {"user_ids": [outsider.pk]}),
        (f"/messaging/{direct.pk}/messages/{message.pk}/", {"body": "x"}),
    ):
        assert client.post(url, data).status_code == 404
    assert Message.objects.count() == 1
    assert not Participant.objects.filter(user=outsider).exists()
    assert "Private" not in client.get("/messaging/panel/").content.decode()


def test_someone_removed_loses_the_conversation(employee, anna, outsider):
    group = services.start_group(employee, [anna.pk, outsider.pk], "Project")
    services.post_message(employee, group, "Secret plan")
    response = client_for(employee).post(f"/messaging/{group.pk}/people/", {"remove": outsider.pk})
    assert response.status_code == 302
    assert client_for(outsider).get(f"/messaging/{group.pk}/").status_code == 404
    assert "Project" not in client_for(outsider).get("/messaging/").content.decode()


def test_reading_a_conversation_clears_its_unread(employee, anna, direct):
    message = services.post_message(anna, direct, "Read me")
    client = client_for(employee)
    assert client.get("/messaging/unread/").json() == {"total": 1}
    client.get(f"/messaging/{direct.pk}/")
    assert Participant.objects.get(conversation=direct, user=employee).last_read_id == message.pk
    assert client.get("/messaging/unread/").json() == {"total": 0}


def test_sending_without_the_socket_posts_and_comes_back(employee, anna, direct):
    client = client_for(employee)
    response = client.post(
        f"/messaging/{direct.pk}/send/", {"body": "Over HTTP", "client_id": "abc"}
    )
    assert response.status_code == 302
    again = client.post(f"/messaging/{direct.pk}/send/", {"body": "Over HTTP", "client_id": "abc"})
    assert again.status_code == 302
    assert Message.objects.filter(source="Over HTTP").count() == 1
    empty = client.post(f"/messaging/{direct.pk}/send/", {"body": "  "})
    assert empty.status_code == 400
    assert client.post(f"/messaging/{direct.pk}/send/", {"body": "x" * 10_001}).status_code == 400
    assert (
        client.post(f"/messaging/{direct.pk}/send/", {"body": "x", "parent": "nope"}).status_code
        == 400
    )


def test_a_thread_reply_and_the_thread_page(employee, anna, direct):
    parent = services.post_message(anna, direct, "Question?")
    client = client_for(employee)
    response = client.post(f"/messaging/{direct.pk}/send/", {"body": "Answer", "parent": parent.pk})
    assert response.status_code == 302
    page = client.get(f"/messaging/{direct.pk}/thread/{parent.pk}/")
    assert page.status_code == 200
    assert "Answer" in page.content.decode()
    main = client.get(f"/messaging/{direct.pk}/").content.decode()
    assert "1 reply" in main


def test_starting_conversations_with_the_person_picker(employee, anna, outsider):
    client = client_for(employee)
    response = client.post("/messaging/new/", {"user_ids": [anna.pk]})
    direct = Conversation.objects.get(kind=Conversation.DIRECT)
    assert response["Location"] == f"/messaging/{direct.pk}/"
    response = client.post("/messaging/new/", {"user_ids": [anna.pk, outsider.pk], "title": "Trio"})
    group = Conversation.objects.get(kind=Conversation.GROUP)
    assert group.title == "Trio"
    assert response["Location"] == f"/messaging/{group.pk}/"
    assert client.post("/messaging/new/", {"user_ids": ["x"]}).status_code == 400
    assert client.post("/messaging/new/", {}).status_code == 400
    assert client.post("/messaging/new/", {"emails": "nobody@example.com"}).status_code == 400
    assert client.post("/messaging/new/", {"emails": "anna@example.com"}).status_code == 302


def test_mute_pin_archive_and_leave(employee, anna, outsider):
    group = services.start_group(employee, [anna.pk, outsider.pk], "Team")
    client = client_for(anna)
    for action in ("mute", "pin", "archive"):
        assert (
            client.post(f"/messaging/{group.pk}/settings/", {"action": action}).status_code == 302
        )
    seat = Participant.objects.get(conversation=group, user=anna)
    assert seat.muted and seat.pinned and seat.archived
    assert "Team" in client.get("/messaging/?archived=1").content.decode()
    assert client.post(f"/messaging/{group.pk}/settings/", {"action": "bogus"}).status_code == 400
    assert client.post(f"/messaging/{group.pk}/settings/", {"action": "leave"}).status_code == 302
    assert client.get(f"/messaging/{group.pk}/").status_code == 404


def test_only_admins_change_the_people(employee, anna, outsider):
    group = services.start_group(employee, [anna.pk], "Team")
    assert (
        client_for(anna).post(f"/messaging/{group.pk}/people/", {"user_ids": [outsider.pk]})
    ).status_code == 403
    assert (
        client_for(employee).post(f"/messaging/{group.pk}/people/", {"user_ids": [outsider.pk]})
    ).status_code == 302
    assert client_for(outsider).get(f"/messaging/{group.pk}/").status_code == 200


def test_editing_and_deleting_own_messages(employee, anna, direct):
    mine = services.post_message(employee, direct, "Tpyo")
    theirs = services.post_message(anna, direct, "Theirs")
    client = client_for(employee)
    client.post(f"/messaging/{direct.pk}/messages/{mine.pk}/", {"body": "Typo"})
    mine.refresh_from_db()
    assert mine.source == "Typo" and mine.edited_at is not None
    assert "(edited)" in client.get(f"/messaging/{direct.pk}/").content.decode()
    assert (
        client.post(f"/messaging/{direct.pk}/messages/{theirs.pk}/", {"action": "delete"})
    ).status_code == 404
    client.post(f"/messaging/{direct.pk}/messages/{mine.pk}/", {"action": "delete"})
    mine.refresh_from_db()
    assert mine.deleted_at is not None
    assert "This message was deleted." in client.get(f"/messaging/{direct.pk}/").content.decode()


def test_load_earlier_pages_with_the_cursor(employee, anna, direct):
    ids = [services.post_message(anna, direct, f"m{i}").pk for i in range(services.PAGE_SIZE + 5)]
    client = client_for(employee)
    page = client.get(f"/messaging/{direct.pk}/").content.decode()
    assert f"?before={ids[5]}" in page
    older = client.get(f"/messaging/{direct.pk}/?before={ids[5]}", headers={"HX-Request": "true"})
    html = older.content.decode()
    assert "m0" in html and "m4" in html and "m5<" not in html
    assert "<html" not in html


def test_the_panel_fragments(employee, anna, direct):
    services.post_message(anna, direct, "Panel hello")
    client = client_for(employee)
    listing = client.get("/messaging/panel/")
    assert "Anna Martin" in listing.content.decode()
    assert "<html" not in listing.content.decode()
    one = client.get(f"/messaging/{direct.pk}/?panel=1").content.decode()
    assert "Panel hello" in one and "<html" not in one and "data-composer" in one


def test_schedule_for_the_next_working_hour(employee, anna, direct):
    client = client_for(employee)
    later = timezone.now() + datetime.timedelta(hours=10)
    response = client.post(
        f"/messaging/{direct.pk}/send/",
        {"body": "Tomorrow is fine", "when": "scheduled", "send_at": later.isoformat()},
    )
    assert response.status_code == 302
    assert ScheduledMessage.objects.get().send_at == later
    assert not Message.objects.exists()
    past = client.post(
        f"/messaging/{direct.pk}/send/",
        {"body": "x", "when": "scheduled", "send_at": "yesterday"},
    )
    assert past.status_code == 400


def test_urgent_needs_the_role(employee, anna, direct):
    response = client_for(employee).post(
        f"/messaging/{direct.pk}/send/", {"body": "Now!", "when": "urgent", "reason": "Fire"}
    )
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_the_shell_renders_plugin_fragments_at_the_end_of_the_body(employee, anna):
    client = client_for(employee)
    html = client.get("/messaging/panel/")  # noqa: F841 - loads the URLs (and Wagtail hooks)
    home = client.get("/account/settings/").content.decode()
    assert "data-messaging-live" in home
    assert 'aria-controls="chat-panel"' in home
    assert home.index("data-messaging-live") > home.index("</main>")
    assert "messaging/live.js" in home
    # On the messenger itself, the panel's button is left out (the page is the messenger).
    messenger = client.get("/messaging/").content.decode()
    assert "data-messaging-live" in messenger and 'aria-controls="chat-panel"' not in messenger


def test_a_failing_fragment_does_not_take_the_page_down(employee):
    def broken(sender, request, **kwargs):
        return navigation.ShellFragment(template="no/such/template.html")

    signals.shell_fragments.connect(broken, dispatch_uid="test_broken_fragment")
    try:
        response = client_for(employee).get("/account/settings/")
    finally:
        signals.shell_fragments.disconnect(dispatch_uid="test_broken_fragment")
    assert response.status_code == 200


def test_anonymous_visitors_go_to_the_login_page(direct):
    response = Client().get(reverse("messaging:messenger"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_attachments_are_checked_stored_privately_and_served_to_participants_only(
    employee, anna, outsider, direct, settings, tmp_path
):
    from plugins.messaging.models import MessageAttachment
    from tests.uploads import assert_cannot_run, assert_same_404, image_upload, polyglot

    client = client_for(employee)
    response = client.post(
        f"/messaging/{direct.pk}/send/", {"body": "A photo", "files": [image_upload("p.png")]}
    )
    assert response.status_code == 302
    attachment = MessageAttachment.objects.get()
    assert attachment.is_image and attachment.message.source == "A photo"
    # One download path, permission-checked: the API's, which serialise() names too.
    url = f"/api/conversations/{direct.pk}/attachments/{attachment.pk}/"
    assert services.serialise(attachment.message)["attachments"][0]["url"] == url
    assert url in client.get(f"/messaging/{direct.pk}/").content.decode()
    assert_cannot_run(client_for(anna).get(url))
    assert_same_404(
        client_for(outsider).get(url),
        client_for(outsider).get(f"/api/conversations/{direct.pk}/attachments/999999/"),
    )
    # A page disguised as an image is judged by its content; nothing partial is stored.
    bad = client.post(
        f"/messaging/{direct.pk}/send/",
        {"body": "x", "files": [SimpleUploadedFile("a.html", b"<html><script>1</script>")]},
    )
    assert bad.status_code == 400
    assert Message.objects.count() == 1
    disguised = client.post(f"/messaging/{direct.pk}/send/", {"body": "y", "files": [polyglot()]})
    if disguised.status_code == 302:
        stored = MessageAttachment.objects.latest("pk")
        assert stored.file.name.endswith(".gif")


def test_reactions_use_the_reactions_plugins_widget_once_messages_are_declared(
    employee, anna, direct, django_assert_max_num_queries
):
    """The plugin declares messages to ``portal.interactions`` (with reactions): the page
    shows the reactions widget, in a number of queries that stays flat as messages grow
    (each time with new unread messages, so that reading them costs the same)."""
    from portal import interactions

    assert interactions.declaration_for(Message) is not None
    for i in range(5):
        services.post_message(anna, direct, f"react to {i}")
    client = client_for(employee)
    with django_assert_max_num_queries(55) as counted:
        html = client.get(f"/messaging/{direct.pk}/").content.decode()
    assert "data-reactions" in html
    for i in range(10):
        services.post_message(anna, direct, f"more {i}")
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(f"/messaging/{direct.pk}/")


# --- Read receipts ------------------------------------------------------------------------


def _receipts_line(html: str) -> str:
    found = re.search(r"<p class=\"conversation__receipts[^>]*>(.*?)</p>", html, re.S)
    assert found, "the conversation has its receipts line"
    text = re.search(r"<span data-receipts-text>(.*?)</span>", found.group(1), re.S)
    return text.group(1).strip() if text else ""


def test_seen_shows_under_my_last_message_once_they_read_it(employee, anna, direct):
    last = services.post_message(employee, direct, "Lunch?")
    html = client_for(employee).get(f"/messaging/{direct.pk}/").content.decode()
    assert _receipts_line(html) == ""
    services.mark_read(anna, direct, last.pk)
    html = client_for(employee).get(f"/messaging/{direct.pk}/").content.decode()
    assert _receipts_line(html) == "Seen"
    assert f'data-receipts="{{&quot;{anna.pk}&quot;: {last.pk}}}"' in html
    # The panel's compact conversation says the same.
    panel = client_for(employee).get(f"/messaging/{direct.pk}/?panel=1").content.decode()
    assert _receipts_line(panel) == "Seen"


def test_a_group_names_its_readers_but_the_author(employee, anna):
    others = [
        make_user(f"r{i}@example.com", first_name=f"R{i}", last_name="Reader") for i in range(4)
    ]
    group = services.start_group(employee, [anna.pk, *[p.pk for p in others]], "Team")
    last = services.post_message(anna, group, "Read me")
    for person in [employee, *others]:
        services.mark_read(person, group, last.pk)
    html = client_for(employee).get(f"/messaging/{group.pk}/").content.decode()
    # Anna wrote it; I am not listed; three names, then a count.
    assert _receipts_line(html) == "Seen by R0 Reader, R1 Reader, R2 Reader and 1 more"


def test_an_opted_out_viewer_gets_no_receipts_in_the_page(employee, anna, direct):
    from portal.accounts.models import WorkingHours

    last = services.post_message(employee, direct, "Lunch?")
    services.mark_read(anna, direct, last.pk)
    WorkingHours.objects.create(user=employee, show_read_receipts=False)
    html = client_for(employee).get(f"/messaging/{direct.pk}/").content.decode()
    assert _receipts_line(html) == ""
    assert "data-receipts=" not in html
