"""Poll posts: validation, edits, votes (once, while open, of this poll), hidden results,
anonymous voters, and that none of it reaches someone who may not see the post."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from plugins.feed import polls
from plugins.feed.forms_interactions import PollFields
from plugins.feed.models import Poll, PollOption, PollVote, Post
from plugins.feed.tests.test_events import make_group, make_post, outsider  # noqa: F401
from plugins.groups.models import Group, Membership
from tests.factories import make_user


def make_poll_post(author, group=None, labels=("Tea", "Coffee", "Juice"), **fields):
    post = make_post(author, Post.POLL, group, text="")
    poll = Poll.objects.create(
        post=post, question=fields.pop("question", "What to drink?"), **fields
    )
    for position, label in enumerate(labels):
        PollOption.objects.create(poll=poll, label=label, position=position)
    return post


def option_ids(post) -> list[int]:
    return list(PollOption.objects.filter(poll__post=post).values_list("pk", flat=True))


@pytest.fixture
def private_group(employee, colleague):
    return make_group(members=[employee, colleague])


@pytest.fixture
def poll_post(employee, private_group):
    return make_poll_post(employee, private_group)


@pytest.fixture
def colleague_client(api_client, colleague):
    api_client.force_authenticate(colleague)
    return api_client


# clean_poll ----------------------------------------------------------------------------


def _errors(data, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        polls.clean_poll(data, **kwargs)
    return caught.value.message_dict


def test_clean_poll_accepts_a_list_or_lines():
    from_list = polls.clean_poll({"question": " Lunch? ", "options": ["Pizza", " Salad ", ""]})
    from_text = polls.clean_poll({"question": "Lunch?", "options": "Pizza\n\nSalad\n"})
    assert from_list == from_text
    assert from_list == {
        "question": "Lunch?",
        "options": ["Pizza", "Salad"],
        "multiple": False,
        "anonymous": False,
        "closes_at": None,
    }
    cleaned = polls.clean_poll(
        {"question": "Q", "options": ["A", "B"], "multiple": "on", "anonymous": True}
    )
    assert cleaned["multiple"] is True and cleaned["anonymous"] is True


def test_clean_poll_counts_options():
    assert "options" in _errors({"question": "Q", "options": ["Only one"]})
    assert "options" in _errors({"question": "Q", "options": [str(n) for n in range(11)]})
    assert polls.clean_poll({"question": "Q", "options": [str(n) for n in range(10)]})


def test_clean_poll_refuses_duplicates_whatever_the_case():
    errors = _errors({"question": "Q", "options": ["Yes", "No", "YES"]})
    assert errors["options"] == ["“YES” is there twice."]


def test_clean_poll_says_every_field_that_is_wrong():
    errors = _errors(
        {
            "question": "",
            "options": ["A", "b" * 201],
            "multiple": "perhaps",
            "closes_at": "soon",
        }
    )
    assert set(errors) == {"question", "options", "multiple", "closes_at"}
    assert _errors({"question": "q" * 301, "options": ["A", "B"]})["question"]


def test_clean_poll_wants_a_closing_time_in_the_future():
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    assert _errors({"question": "Q", "options": ["A", "B"], "closes_at": past})["closes_at"] == [
        "The closing time must be in the future."
    ]


def test_an_edit_may_keep_a_closing_time_that_passed(employee):
    post = make_poll_post(employee, closes_at=timezone.now() - timedelta(hours=1))
    poll = post.poll
    cleaned = polls.clean_poll(
        {"question": "Q", "options": ["Tea", "Coffee", "Juice"], "closes_at": poll.closes_at},
        poll=poll,
    )
    assert cleaned["closes_at"] == poll.closes_at


def test_poll_form_uses_the_rules():
    form = PollFields(data={"poll-question": "Lunch?", "poll-options": "Pizza\npizza"})
    assert not form.is_valid()
    assert form.errors == {"options": ["“pizza” is there twice."]}
    form = PollFields(
        data={"poll-question": "Lunch?", "poll-options": "Pizza\nSalad", "poll-multiple": "on"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["options"] == ["Pizza", "Salad"]
    assert form.cleaned_data["multiple"] is True


# save_poll -----------------------------------------------------------------------------


def test_save_poll_creates_options_in_order(employee):
    post = make_post(employee, Post.POLL)
    poll = polls.save_poll(post, polls.clean_poll({"question": "Q", "options": "B\nA\nC"}))
    assert list(poll.options.values_list("label", flat=True)) == ["B", "A", "C"]


def test_options_may_change_until_someone_votes(employee, colleague, poll_post):
    cleaned = polls.clean_poll({"question": "Drinks?", "options": ["Tea", "Coffee"]})
    polls.save_poll(poll_post, cleaned)
    assert list(poll_post.poll.options.values_list("label", flat=True)) == ["Tea", "Coffee"]
    polls.vote(colleague, poll_post, option_ids(poll_post)[:1])
    with pytest.raises(ValidationError) as caught:
        polls.save_poll(poll_post, {**cleaned, "options": ["Tea", "Coffee", "Water"]})
    assert "options" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        polls.save_poll(poll_post, {**cleaned, "anonymous": True})
    assert "anonymous" in caught.value.message_dict
    polls.save_poll(poll_post, {**cleaned, "question": "Hot drinks?"})
    poll_post.poll.refresh_from_db()
    assert poll_post.poll.question == "Hot drinks?"
    assert PollVote.objects.count() == 1


# Votes ---------------------------------------------------------------------------------


def test_vote_once(colleague, poll_post):
    first = option_ids(poll_post)[0]
    polls.vote(colleague, poll_post, [str(first)])
    with pytest.raises(ValidationError) as caught:
        polls.vote(colleague, poll_post, [option_ids(poll_post)[1]])
    assert caught.value.messages == ["You have already voted."]
    assert PollVote.objects.filter(user=colleague).count() == 1


def test_vote_on_a_closed_poll_is_refused(employee, colleague, private_group):
    post = make_poll_post(employee, private_group, closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as caught:
        polls.vote(colleague, post, option_ids(post)[:1])
    assert "closed" in caught.value.messages[0]
    assert not PollVote.objects.exists()


def test_single_choice_takes_one_option(colleague, poll_post):
    with pytest.raises(ValidationError) as caught:
        polls.vote(colleague, poll_post, option_ids(poll_post)[:2])
    assert caught.value.message_dict["options"] == ["This poll takes only one answer."]
    assert not PollVote.objects.exists()


def test_multiple_choice_takes_several(employee, colleague, private_group):
    post = make_poll_post(employee, private_group, multiple=True)
    polls.vote(colleague, post, option_ids(post)[:2])
    assert PollVote.objects.filter(user=colleague).count() == 2
    polls.attach([post], colleague)
    assert post.poll_data["voters"] == 1
    assert [o["percent"] for o in post.poll_data["options"]] == [100, 100, 0]


def test_no_option_or_an_option_of_another_poll_is_refused(employee, colleague, poll_post):
    other = make_poll_post(employee)
    with pytest.raises(ValidationError) as caught:
        polls.vote(colleague, poll_post, [])
    assert caught.value.message_dict["options"] == ["Choose an option to vote."]
    with pytest.raises(ValidationError) as caught:
        polls.vote(colleague, poll_post, option_ids(other)[:1])
    assert "options" in caught.value.message_dict
    with pytest.raises(ValidationError):
        polls.vote(colleague, poll_post, ["first"])
    assert not PollVote.objects.exists()


def test_voting_on_a_status_is_refused(employee, private_group):
    with pytest.raises(ValidationError):
        polls.vote(employee, make_post(employee, group=private_group), [1])


def test_outsiders_cannot_vote_or_see_voters(outsider, poll_post):  # noqa: F811
    with pytest.raises(Http404):
        polls.vote(outsider, poll_post, option_ids(poll_post)[:1])
    with pytest.raises(Http404):
        polls.voters(outsider, poll_post, option_ids(poll_post)[0])
    assert not PollVote.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_votes_at_once_count_once(departments):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    author = make_user("author@example.com")
    voter = make_user("voter@example.com")
    post = make_poll_post(author)
    ids = option_ids(post)
    barrier = threading.Barrier(2)
    outcomes = []

    def cast(option_id):
        try:
            barrier.wait()
            polls.vote(voter, post, [option_id])
            outcomes.append("counted")
        except ValidationError as refusal:
            outcomes.append(refusal.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(pk,)) for pk in ids[:2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["You have already voted.", "counted"]
    assert PollVote.objects.filter(user=voter).count() == 1


# Results -------------------------------------------------------------------------------


def test_results_are_hidden_until_one_votes(employee, colleague, poll_post):
    polls.vote(employee, poll_post, option_ids(poll_post)[:1])
    polls.attach([poll_post], colleague)
    data = poll_post.poll_data
    assert data["results_visible"] is False
    assert data["voters"] == 1
    assert all(o["votes"] is None and o["percent"] is None for o in data["options"])
    with pytest.raises(PermissionDenied):
        polls.voters(colleague, poll_post, option_ids(poll_post)[0])

    polls.vote(colleague, poll_post, option_ids(poll_post)[1:2])
    polls.attach([poll_post], colleague)
    data = poll_post.poll_data
    assert data["results_visible"] is True
    assert data["voted"] is True
    assert data["my_votes"] == option_ids(poll_post)[1:2]
    assert [(o["votes"], o["percent"]) for o in data["options"]] == [(1, 50), (1, 50), (0, 0)]


def test_the_author_and_everyone_after_closing_see_results(employee, colleague, private_group):
    post = make_poll_post(employee, private_group)
    polls.attach([post], employee)
    assert post.poll_data["results_visible"] is True
    Poll.objects.filter(post=post).update(closes_at=timezone.now() - timedelta(seconds=1))
    polls.attach([post], colleague)
    assert post.poll_data["closed"] is True
    assert post.poll_data["results_visible"] is True


def test_anonymous_polls_never_show_voters(employee, colleague, private_group):
    post = make_poll_post(employee, private_group, anonymous=True)
    polls.vote(colleague, post, option_ids(post)[:1])
    with pytest.raises(PermissionDenied):
        polls.voters(employee, post, option_ids(post)[0])
    with pytest.raises(PermissionDenied):
        polls.voters(colleague, post, option_ids(post)[0])


def test_voters_of_a_named_poll(employee, colleague, poll_post):
    first = option_ids(poll_post)[0]
    polls.vote(colleague, poll_post, [first])
    assert [vote.user for vote in polls.voters(employee, poll_post, first)] == [colleague]
    with pytest.raises(Http404):
        polls.voters(employee, poll_post, first + 1000)


def test_attach_costs_the_same_for_3_or_12_posts(
    employee, colleague, private_group, django_assert_num_queries
):
    posts = [make_poll_post(employee, private_group) for _ in range(12)]
    for post in posts:
        polls.vote(colleague, post, option_ids(post)[:1])
    small = list(Post.objects.filter(pk__in=[p.pk for p in posts[:3]]))
    large = list(Post.objects.filter(pk__in=[p.pk for p in posts]))
    with django_assert_num_queries(1):
        polls.attach(small, colleague)
    with django_assert_num_queries(1):
        polls.attach(large, colleague)
    assert all(post.poll_data["voted"] for post in large)
    assert all(post.poll_data["voters"] == 1 for post in large)


# Pages ---------------------------------------------------------------------------------


def test_vote_form_redirects_back_with_a_message(client, colleague, poll_post):
    client.force_login(colleague)
    response = client.post(
        reverse("feed:vote", args=[poll_post.pk]),
        {"options": option_ids(poll_post)[:1], "next": "/groups/"},
        follow=True,
    )
    assert response.redirect_chain[0] == ("/groups/", 302)
    assert "Your vote has been recorded." in response.content.decode()
    assert PollVote.objects.filter(user=colleague).count() == 1


def test_vote_form_answers_scripts_with_the_results(client, colleague, poll_post):
    client.force_login(colleague)
    url = reverse("feed:vote", args=[poll_post.pk])
    headers = {"Accept": "application/json"}
    response = client.post(url, {"options": option_ids(poll_post)[:1]}, headers=headers)
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<meter" in html and "100%" in html
    assert 'name="options"' not in html
    response = client.post(url, {"options": option_ids(poll_post)[:1]}, headers=headers)
    assert response.status_code == 400
    assert response.json()["message"] == "You have already voted."


def test_the_card_hides_results_before_voting(rf, colleague, poll_post):
    from django.template.loader import render_to_string

    polls.vote(poll_post.author, poll_post, option_ids(poll_post)[:1])
    polls.attach([poll_post], colleague)
    request = rf.get("/")
    request.user = colleague
    html = render_to_string("feed/includes/poll.html", {"post": poll_post}, request=request)
    assert "Results are shown after you vote or when the poll closes." in html
    assert "<meter" not in html
    assert 'type="radio"' in html
    assert "1 voter" in html


def test_voters_page(client, employee, colleague, poll_post):
    first = option_ids(poll_post)[0]
    polls.vote(colleague, poll_post, [first])
    client.force_login(employee)
    response = client.get(reverse("feed:voters", args=[poll_post.pk, first]))
    assert response.status_code == 200
    assert str(colleague) in response.content.decode()


def test_voters_page_of_an_anonymous_poll_is_403(client, employee, colleague, private_group):
    post = make_poll_post(employee, private_group, anonymous=True)
    polls.vote(colleague, post, option_ids(post)[:1])
    client.force_login(employee)
    response = client.get(reverse("feed:voters", args=[post.pk, option_ids(post)[0]]))
    assert response.status_code == 403
    assert str(colleague) not in response.content.decode()


def test_outsiders_get_404_on_poll_pages(client, outsider, poll_post):  # noqa: F811
    client.force_login(outsider)
    first = option_ids(poll_post)[0]
    assert (
        client.post(reverse("feed:vote", args=[poll_post.pk]), {"options": [first]}).status_code
        == 404
    )
    assert client.get(reverse("feed:voters", args=[poll_post.pk, first])).status_code == 404
    assert not PollVote.objects.exists()


# API -----------------------------------------------------------------------------------


def test_api_vote_returns_the_results(colleague_client, poll_post):
    ids = option_ids(poll_post)
    response = colleague_client.post(
        f"/api/posts/{poll_post.pk}/vote/", {"options": ids[:1]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["voted"] is True and body["my_votes"] == ids[:1]
    assert body["options"][0] == {"id": ids[0], "label": "Tea", "votes": 1, "percent": 100}


def test_api_vote_refusals_use_the_error_body(colleague_client, employee, poll_post):
    url = f"/api/posts/{poll_post.pk}/vote/"
    ids = option_ids(poll_post)
    response = colleague_client.post(url, {"options": ids[:2]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["options"] == ["This poll takes only one answer."]
    assert colleague_client.post(url, {"options": []}, format="json").status_code == 400
    assert colleague_client.post(url, {}, format="json").status_code == 400
    colleague_client.post(url, {"options": ids[:1]}, format="json")
    response = colleague_client.post(url, {"options": ids[1:2]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == ["You have already voted."]
    status_post = make_post(employee)
    response = colleague_client.post(
        f"/api/posts/{status_post.pk}/vote/", {"options": ids[:1]}, format="json"
    )
    assert response.status_code == 400


def test_api_results_hidden_before_voting(colleague_client, employee, poll_post):
    polls.vote(employee, poll_post, option_ids(poll_post)[:1])
    response = colleague_client.get(f"/api/posts/{poll_post.pk}/")
    assert response.status_code == 200
    poll = response.json()["poll"]
    assert poll["results_visible"] is False
    assert {o["votes"] for o in poll["options"]} == {None}


def test_api_voters(api_client, employee, colleague, private_group):
    named = make_poll_post(employee, private_group)
    anonymous = make_poll_post(employee, private_group, anonymous=True)
    for post in (named, anonymous):
        polls.vote(colleague, post, option_ids(post)[:1])
    api_client.force_authenticate(employee)
    response = api_client.get(f"/api/posts/{named.pk}/voters/?option={option_ids(named)[0]}")
    assert response.status_code == 200
    assert [voter["id"] for voter in response.json()["results"]] == [colleague.pk]
    response = api_client.get(
        f"/api/posts/{anonymous.pk}/voters/?option={option_ids(anonymous)[0]}"
    )
    assert response.status_code == 403
    assert "anonymous" in response.json()["detail"]
    assert api_client.get(f"/api/posts/{named.pk}/voters/").status_code == 400


def test_api_voters_hidden_until_one_votes(employee, colleague, private_group, api_client):
    post = make_poll_post(employee, private_group)
    polls.vote(employee, post, option_ids(post)[:1])
    api_client.force_authenticate(colleague)
    response = api_client.get(f"/api/posts/{post.pk}/voters/?option={option_ids(post)[0]}")
    assert response.status_code == 403


def test_api_outsiders_get_404(api_client, outsider, poll_post):  # noqa: F811
    api_client.force_authenticate(outsider)
    first = option_ids(poll_post)[0]
    url = f"/api/posts/{poll_post.pk}/"
    assert api_client.post(url + "vote/", {"options": [first]}, format="json").status_code == 404
    assert api_client.get(url + f"voters/?option={first}").status_code == 404


def test_a_removed_member_can_no_longer_vote(api_client, colleague, poll_post, private_group):
    Membership.objects.filter(group=private_group, user=colleague).delete()
    api_client.force_authenticate(colleague)
    response = api_client.post(
        f"/api/posts/{poll_post.pk}/vote/", {"options": option_ids(poll_post)[:1]}, format="json"
    )
    assert response.status_code == 404


def test_public_group_polls_are_open_to_everyone(api_client, employee, outsider):  # noqa: F811
    group = make_group("Runners", Group.PUBLIC, members=[employee])
    post = make_poll_post(employee, group)
    api_client.force_authenticate(outsider)
    response = api_client.post(
        f"/api/posts/{post.pk}/vote/", {"options": option_ids(post)[:1]}, format="json"
    )
    assert response.status_code == 200
