"""Event posts: validation, answers, the card's data, attendees, iCalendar, and that none
of it reaches someone who may not see the post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from plugins.feed import events
from plugins.feed.forms_interactions import EventFields
from plugins.feed.models import Event, EventResponse, Post
from plugins.groups.models import Group, Membership
from tests.factories import make_user

# Helpers shared with the other test modules of this part -------------------------------


def make_group(name="Skunkworks", privacy=Group.PRIVATE, members=()):
    group = Group.objects.create(name=name, slug=name.lower().replace(" ", "-"), privacy=privacy)
    for user in members:
        Membership.objects.create(group=group, user=user)
    return group


def make_post(author, kind=Post.STATUS, group=None, text="Hello"):
    audience = f"group:{group.pk}" if group else "all"
    return Post.objects.create(
        author=author, kind=kind, group=group, audience=audience, text=text, html=f"<p>{text}</p>"
    )


def make_event_post(author, group=None, starts_in=timedelta(days=2), **fields):
    post = make_post(author, Post.EVENT, group, text=fields.pop("text", "Bring a mug"))
    starts_at = timezone.now() + starts_in
    Event.objects.create(
        post=post,
        title=fields.pop("title", "Coffee with the team"),
        starts_at=starts_at,
        ends_at=fields.pop("ends_at", starts_at + timedelta(hours=1)),
        **fields,
    )
    return post


@pytest.fixture
def outsider(db, departments):
    return make_user("outsider@example.com", department=departments["sales"])


@pytest.fixture
def private_group(employee, colleague):
    return make_group(members=[employee, colleague])


@pytest.fixture
def event_post(employee, private_group):
    return make_event_post(employee, private_group, location="Room 4")


# clean_event ---------------------------------------------------------------------------


def _errors(data) -> dict:
    with pytest.raises(ValidationError) as caught:
        events.clean_event(data)
    return caught.value.message_dict


def test_clean_event_accepts_iso_strings_in_the_current_time_zone():
    cleaned = events.clean_event(
        {
            "title": "  Town hall ",
            "starts_at": "2030-03-14T09:30",
            "ends_at": "2030-03-14T11:00:00+00:00",
            "online_url": "https://meet.example.com/town-hall",
        }
    )
    assert cleaned["title"] == "Town hall"
    assert timezone.is_aware(cleaned["starts_at"])
    # Europe/Paris in March is UTC+1.
    assert cleaned["starts_at"].astimezone(UTC) == datetime(2030, 3, 14, 8, 30, tzinfo=UTC)
    assert cleaned["location"] == ""


def test_clean_event_says_every_field_that_is_wrong():
    errors = _errors(
        {
            "title": "x" * 201,
            "starts_at": "next tuesday",
            "location": "y" * 301,
            "online_url": "javascript:alert(1)",
        }
    )
    assert set(errors) == {"title", "starts_at", "location", "online_url"}
    assert "ISO 8601" in errors["starts_at"][0]


def test_clean_event_requires_a_title_and_a_start():
    errors = _errors({"title": " ", "starts_at": ""})
    assert errors["title"] == ["Give the event a title."]
    assert errors["starts_at"] == ["Say when the event starts."]


def test_clean_event_refuses_an_end_before_the_start_and_other_schemes():
    errors = _errors(
        {
            "title": "Retro",
            "starts_at": "2030-01-02T10:00",
            "ends_at": "2030-01-02T09:00",
            "online_url": "ftp://files.example.com/",
        }
    )
    assert errors["ends_at"] == ["The event cannot end before it starts."]
    assert "https://" in errors["online_url"][0]


def test_clean_event_refuses_what_is_not_an_object():
    with pytest.raises(ValidationError):
        events.clean_event(["title"])


def test_event_form_puts_the_rules_errors_on_its_fields():
    form = EventFields(
        data={
            "event-title": "Retro",
            "event-starts_at": "2030-01-02T10:00",
            "event-ends_at": "2030-01-02T09:00",
        }
    )
    assert not form.is_valid()
    assert form.errors == {"ends_at": ["The event cannot end before it starts."]}
    form = EventFields(data={"event-title": "Retro", "event-starts_at": "2030-01-02T10:00"})
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data) == {"title", "starts_at", "ends_at", "location", "online_url"}


def test_event_form_does_not_repeat_a_required_error():
    form = EventFields(data={"event-title": "", "event-starts_at": ""})
    assert not form.is_valid()
    assert len(form.errors["title"]) == 1
    assert len(form.errors["starts_at"]) == 1


def test_save_event_creates_then_updates(employee, db):
    post = make_post(employee, Post.EVENT)
    cleaned = events.clean_event({"title": "Kick-off", "starts_at": "2030-01-02T10:00"})
    event = events.save_event(post, cleaned)
    events.save_event(post, {**cleaned, "title": "Kick-off (moved)"})
    event.refresh_from_db()
    assert event.title == "Kick-off (moved)"
    assert Event.objects.filter(post=post).count() == 1


# Answers -------------------------------------------------------------------------------


def test_answers_are_counted_changed_and_withdrawn(event_post, employee, colleague):
    events.respond(employee, event_post, EventResponse.GOING)
    events.respond(colleague, event_post, EventResponse.MAYBE)
    events.respond(colleague, event_post, EventResponse.GOING)
    events.attach([event_post], employee)
    data = event_post.event_data
    assert data["counts"] == {"going": 2, "maybe": 0, "not_going": 0}
    assert data["mine"] == "going"
    assert [person["id"] for person in data["going_preview"]] == [employee.pk, colleague.pk]

    assert events.respond(employee, event_post, None) is None
    events.attach([event_post], employee)
    assert event_post.event_data["counts"]["going"] == 1
    assert event_post.event_data["mine"] is None


def test_an_unknown_answer_is_refused(event_post, employee):
    with pytest.raises(ValidationError) as caught:
        events.respond(employee, event_post, "perhaps")
    assert "answer" in caught.value.message_dict


def test_a_past_event_takes_no_answer(employee, private_group):
    post = make_event_post(employee, private_group, starts_in=-timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        events.respond(employee, post, EventResponse.GOING)
    assert caught.value.message_dict["answer"] == ["This event is over: answers are closed."]
    events.attach([post], employee)
    assert post.event_data["past"] is True


def test_answering_a_status_is_refused(employee, private_group):
    post = make_post(employee, group=private_group)
    with pytest.raises(ValidationError):
        events.respond(employee, post, EventResponse.GOING)


def test_outsiders_cannot_answer_or_list(event_post, outsider):
    with pytest.raises(Http404):
        events.respond(outsider, event_post, EventResponse.GOING)
    with pytest.raises(Http404):
        events.attendees(outsider, event_post)
    assert not EventResponse.objects.exists()


def test_attendees_can_be_filtered_by_answer(event_post, employee, colleague):
    events.respond(employee, event_post, EventResponse.GOING)
    events.respond(colleague, event_post, EventResponse.NOT_GOING)
    assert [r.user for r in events.attendees(employee, event_post)] == [employee, colleague]
    assert [r.user for r in events.attendees(employee, event_post, "not_going")] == [colleague]


def test_the_preview_shows_five_people(employee, private_group):
    post = make_event_post(employee, private_group)
    for number in range(7):
        person = make_user(f"fan{number}@example.com")
        Membership.objects.create(group=private_group, user=person)
        events.respond(person, post, EventResponse.GOING)
    events.attach([post], employee)
    assert len(post.event_data["going_preview"]) == 5
    assert post.event_data["counts"]["going"] == 7


def test_attach_costs_the_same_for_3_or_12_posts(
    employee, colleague, private_group, django_assert_num_queries
):
    posts = [make_event_post(employee, private_group) for _ in range(12)]
    for post in posts:
        events.respond(colleague, post, EventResponse.GOING)
    small = list(Post.objects.filter(pk__in=[p.pk for p in posts[:3]]))
    large = list(Post.objects.filter(pk__in=[p.pk for p in posts]))
    with django_assert_num_queries(2):
        events.attach(small, employee)
    with django_assert_num_queries(2):
        events.attach(large, employee)
    assert all(post.event_data["counts"]["going"] == 1 for post in large)
    status_post = make_post(employee)
    with django_assert_num_queries(0):
        events.attach([status_post], employee)


# iCalendar -----------------------------------------------------------------------------


def test_ics_is_a_valid_calendar(employee, private_group):
    post = make_event_post(
        employee,
        private_group,
        title="Retro; sprint 12, part 2",
        text="Bring post-its\nand ideas",
        location="Room 4",
    )
    post.html = "<p>Bring post-its</p><p>and ideas</p>"
    post.save()
    text = events.ics(post, "https://intranet.example.com")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    event = post.event
    assert f"UID:feed-event-{post.pk}@intranet.example.com" in lines
    assert f"DTSTART:{event.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in lines
    assert f"DTEND:{event.ends_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in lines
    assert "SUMMARY:Retro\\; sprint 12\\, part 2" in lines
    assert "LOCATION:Room 4" in lines
    assert any(line.startswith("DESCRIPTION:Bring post-its") for line in lines)
    assert any(line.startswith("URL:https://intranet.example.com/") for line in lines)
    assert "BEGIN:VEVENT" in lines and "END:VEVENT" in lines


def test_ics_folds_long_lines(employee):
    post = make_event_post(employee, title="Été " * 45)
    text = events.ics(post)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:" + "Été " * 44 + "Été" in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


# Pages and the API ---------------------------------------------------------------------


def test_answer_form_redirects_back_with_a_message(logged_in, event_post):
    response = logged_in.post(
        reverse("feed:rsvp", args=[event_post.pk]), {"answer": "maybe", "next": "/somewhere/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/somewhere/"
    assert EventResponse.objects.get().answer == "maybe"


def test_answer_form_refuses_an_unsafe_next(logged_in, event_post):
    response = logged_in.post(
        reverse("feed:rsvp", args=[event_post.pk]),
        {"answer": "going", "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]


def test_answer_form_answers_scripts_with_the_new_card(logged_in, event_post):
    response = logged_in.post(
        reverse("feed:rsvp", args=[event_post.pk]),
        {"answer": "going"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert 'aria-pressed="true"' in body["html"]
    assert "1 going" in body["html"]
    # Pressing the pressed answer again withdraws it.
    assert 'name="answer" value=""' in body["html"]
    response = logged_in.post(
        reverse("feed:rsvp", args=[event_post.pk]),
        {"answer": ""},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert "0 going" in response.content.decode()
    assert not EventResponse.objects.exists()


def test_answering_a_past_event_from_a_script_is_400(logged_in, employee, private_group):
    post = make_event_post(employee, private_group, starts_in=-timedelta(days=3))
    response = logged_in.post(
        reverse("feed:rsvp", args=[post.pk]),
        {"answer": "going"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["message"] == "This event is over: answers are closed."


def test_attendees_page(logged_in, event_post, employee, colleague):
    events.respond(colleague, event_post, EventResponse.NOT_GOING)
    response = logged_in.get(reverse("feed:attendees", args=[event_post.pk]) + "?answer=not_going")
    assert response.status_code == 200
    content = response.content.decode()
    assert str(colleague) in content
    assert "Not going" in content


def test_ics_page(logged_in, event_post):
    response = logged_in.get(reverse("feed:event_ics", args=[event_post.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Coffee with the team" in response.content.decode()


def test_outsiders_get_404_on_every_event_page(client, outsider, event_post):
    client.force_login(outsider)
    assert (
        client.post(reverse("feed:rsvp", args=[event_post.pk]), {"answer": "going"}).status_code
        == 404
    )
    assert client.get(reverse("feed:attendees", args=[event_post.pk])).status_code == 404
    assert client.get(reverse("feed:event_ics", args=[event_post.pk])).status_code == 404
    assert not EventResponse.objects.exists()


def test_a_removed_member_loses_access_at_once(client, colleague, event_post, private_group):
    Membership.objects.filter(group=private_group, user=colleague).delete()
    client.force_login(colleague)
    assert client.get(reverse("feed:event_ics", args=[event_post.pk])).status_code == 404


def test_api_rsvp_and_attendees(employee_client, event_post, employee):
    url = f"/api/posts/{event_post.pk}/"
    response = employee_client.post(url + "rsvp/", {"answer": "going"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["going"] == 1
    assert response.json()["mine"] == "going"
    response = employee_client.get(url + "attendees/?answer=going")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == employee.pk
    assert body["results"][0]["answer"] == "going"
    response = employee_client.post(url + "rsvp/", {"answer": None}, format="json")
    assert response.json()["mine"] is None


def test_api_refusals(employee_client, employee, private_group):
    past = make_event_post(employee, private_group, starts_in=-timedelta(days=1))
    response = employee_client.post(
        f"/api/posts/{past.pk}/rsvp/", {"answer": "going"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["answer"] == ["This event is over: answers are closed."]
    status_post = make_post(employee, group=private_group)
    response = employee_client.post(
        f"/api/posts/{status_post.pk}/rsvp/", {"answer": "going"}, format="json"
    )
    assert response.status_code == 400
    response = employee_client.post(
        f"/api/posts/{past.pk}/rsvp/", {"answer": "sometimes"}, format="json"
    )
    assert response.status_code == 400
    assert "answer" in response.json()["errors"]


def test_api_outsiders_get_404(api_client, outsider, event_post):
    api_client.force_authenticate(outsider)
    url = f"/api/posts/{event_post.pk}/"
    assert api_client.post(url + "rsvp/", {"answer": "going"}, format="json").status_code == 404
    assert api_client.get(url + "attendees/").status_code == 404


def test_secret_group_events_are_invisible_to_outsiders(api_client, employee, outsider):
    group = make_group("Board", Group.SECRET, members=[employee])
    post = make_event_post(employee, group)
    api_client.force_authenticate(outsider)
    assert api_client.get(f"/api/posts/{post.pk}/attendees/").status_code == 404
