"""Reactions: services, counts, notifications, visibility, API, pages, privacy, feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from plugins.feed import extensions
from plugins.feed.models import Post
from plugins.groups.models import Group, Membership
from plugins.reactions import metrics, privacy, services
from plugins.reactions.models import Reaction
from portal import signals, visibility
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered():
    """What the notification service delivers (it runs on commit)."""
    notices = []

    def receiver(sender, notice, recipients, **kwargs):
        notices.append((notice, [user.pk for user in recipients]))

    signals.notification_delivery.connect(receiver, dispatch_uid="test_reactions_delivered")
    yield notices
    signals.notification_delivery.disconnect(dispatch_uid="test_reactions_delivered")


def make_post(author, group=None, text="Hello"):
    audience = visibility.group_token(group.pk) if group else "all"
    return Post.objects.create(
        author=author, text=text, html=f"<p>{text}</p>", audience=audience, group=group
    )


@pytest.fixture
def private_group(colleague):
    group = Group.objects.create(name="Board", slug="board", privacy=Group.PRIVATE)
    Membership.objects.create(group=group, user=colleague, role=Membership.OWNER)
    return group


@pytest.fixture
def secret_group(colleague):
    group = Group.objects.create(name="Merger", slug="merger", privacy=Group.SECRET)
    Membership.objects.create(group=group, user=colleague, role=Membership.OWNER)
    return group


def url_for(post):
    return f"/api/posts/{post.pk}/reactions/"


def page_url(name, obj):
    return reverse(f"reactions:{name}", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


class TestServices:
    def test_react_change_and_take_back_keep_the_count(self, employee, colleague):
        post = make_post(colleague)
        reaction, created = services.react(employee, post, "love")
        assert created and reaction.kind == "love"
        post.refresh_from_db()
        assert post.reaction_count == 1
        reaction, created = services.react(employee, post, "funny")
        assert not created and reaction.kind == "funny"
        post.refresh_from_db()
        assert post.reaction_count == 1
        assert Reaction.objects.get().kind == "funny"
        assert services.unreact(employee, post) is True
        assert services.unreact(employee, post) is False
        post.refresh_from_db()
        assert post.reaction_count == 0

    def test_unknown_kind_is_refused_with_the_list_of_kinds(self, employee, colleague):
        from django.core.exceptions import ValidationError

        post = make_post(colleague)
        with pytest.raises(ValidationError) as error:
            services.react(employee, post, "angry")
        message = error.value.message_dict["kind"][0]
        for kind in services.KINDS:
            assert kind in message
        assert not Reaction.objects.exists()

    def test_no_reaction_on_what_one_may_not_see(self, employee, colleague, private_group):
        from django.http import Http404

        post = make_post(colleague, private_group)
        with pytest.raises(Http404):
            services.react(employee, post, "like")
        with pytest.raises(Http404):
            services.reactors(employee, post)
        assert not Reaction.objects.exists()

    def test_summaries_in_one_query(self, employee, colleague, django_assert_num_queries):
        posts = [make_post(colleague, text=f"post {i}") for i in range(5)]
        other = make_user("other@example.com")
        services.react(employee, posts[0], "like")
        services.react(colleague, posts[0], "like")
        services.react(other, posts[0], "love")
        services.react(other, posts[1], "funny")
        ContentType.objects.get_for_model(Post)
        with django_assert_num_queries(1):
            found = services.summaries(employee, posts)
        assert found[posts[0].pk] == {
            "counts": {"like": 2, "love": 1},
            "total": 3,
            "mine": "like",
            "top": ["like", "love"],
        }
        assert found[posts[1].pk]["mine"] is None
        assert found[posts[2].pk] == services.empty_summary()

    def test_reactors_by_kind(self, employee, colleague):
        post = make_post(colleague)
        services.react(employee, post, "like")
        services.react(colleague, post, "celebrate")
        assert [r.user for r in services.reactors(employee, post)] == [colleague, employee]
        assert [r.user for r in services.reactors(employee, post, "like")] == [employee]

    def test_deleting_the_target_deletes_its_reactions(self, employee, colleague):
        post = make_post(colleague)
        services.react(employee, post, "like")
        post.delete()
        assert not Reaction.objects.exists()


class TestVisibility:
    def test_a_reaction_is_visible_when_its_target_is(self, employee, colleague, private_group):
        hidden = make_post(colleague, private_group)
        public = make_post(colleague)
        services.react(colleague, hidden, "like")
        services.react(colleague, public, "like")
        seen = visibility.filter_visible(employee, Reaction.objects.all())
        assert [r.object_id for r in seen] == [public.pk]
        assert not visibility.can_view(employee, Reaction.objects.get(object_id=hidden.pk))
        assert visibility.tokens_for_object(Reaction.objects.get(object_id=hidden.pk)) == {
            f"group:{private_group.pk}"  # the group's alone, its author's only as a member
        }


class TestNotifications:
    def test_the_author_is_notified_once_grouped_per_target(
        self, employee, colleague, delivered, django_capture_on_commit_callbacks
    ):
        post = make_post(colleague)
        other = make_user("other@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            services.react(employee, post, "like")
            services.react(employee, post, "love")  # a change notifies nobody again
            services.react(other, post, "funny")
            services.react(colleague, post, "like")  # nobody is told of their own
        assert [(n.kind, n.actor, recipients) for n, recipients in delivered] == [
            ("reaction", employee, [colleague.pk]),
            ("reaction", other, [colleague.pk]),
        ]
        assert delivered[0][0].group_key == delivered[1][0].group_key
        assert delivered[0][0].url == post.get_absolute_url()
        assert delivered[0][0].data == {"reaction": "like"}


class TestFeedExtension:
    def test_annotate_costs_the_same_whatever_the_page_size(
        self, employee, colleague, django_assert_num_queries
    ):
        posts = [make_post(colleague, text=f"post {i}") for i in range(12)]
        for post in posts[:6]:
            services.react(employee, post, "insightful")
        extension = next(e for e in extensions.extensions() if e.key == "reactions")
        ContentType.objects.get_for_model(Post)
        for size in (2, 12):
            page = [Post.objects.get(pk=p.pk) for p in posts[:size]]
            for post in page:
                post.extras = {}
            with django_assert_num_queries(1):
                extension.annotate(page, employee)
            assert page[0].extras["reactions"]["mine"] == "insightful"

    def test_a_page_without_reactions_asks_nothing(
        self, employee, colleague, django_assert_num_queries
    ):
        """Just loaded, the posts' counters say they have no reaction: no query."""
        posts = [make_post(colleague, text=f"post {i}") for i in range(3)]
        extension = next(e for e in extensions.extensions() if e.key == "reactions")
        page = [Post.objects.get(pk=p.pk) for p in posts]
        for post in page:
            post.extras = {}
        with django_assert_num_queries(0):
            extension.annotate(page, employee)
        assert page[0].extras["reactions"] == services.empty_summary()
        # Objects that may be stale (the counter not trusted) are always asked about.
        services.react(employee, posts[0], "like")
        assert services.summaries(employee, posts)[posts[0].pk]["mine"] == "like"

    def test_activity_counts_reactions_since(self, employee, colleague):
        post = make_post(colleague)
        services.react(employee, post, "like")
        services.react(colleague, post, "like")
        extension = next(e for e in extensions.extensions() if e.key == "reactions")
        assert extension.activity(timezone.now() - timedelta(hours=24)) == {post.pk: 2}
        assert extension.activity(timezone.now() + timedelta(hours=1)) == {}


class TestAPI:
    def test_anonymous_gets_401(self, api_client, colleague):
        post = make_post(colleague)
        assert api_client.get(url_for(post)).status_code == 401
        assert api_client.post(url_for(post), {"kind": "like"}).status_code == 401
        assert api_client.delete(url_for(post)).status_code == 401

    def test_react_change_list_and_take_back(self, employee_client, employee, colleague):
        post = make_post(colleague)
        response = employee_client.post(url_for(post), {"kind": "like"})
        assert response.status_code == 201
        assert response.json()["summary"]["mine"] == "like"
        response = employee_client.post(url_for(post), {"kind": "celebrate"})
        assert response.status_code == 200
        assert response.json()["summary"] == {
            "counts": {"celebrate": 1},
            "total": 1,
            "mine": "celebrate",
            "top": ["celebrate"],
        }
        body = employee_client.get(url_for(post)).json()
        assert body["count"] == 1
        assert body["summary"]["total"] == 1
        assert body["results"][0]["id"] == employee.pk
        assert body["results"][0]["kind"] == "celebrate"
        assert body["results"][0]["name"] == employee.get_full_name()
        assert employee_client.get(url_for(post), {"kind": "like"}).json()["count"] == 0
        assert employee_client.delete(url_for(post)).status_code == 204
        post.refresh_from_db()
        assert post.reaction_count == 0

    def test_unknown_kind_answers_400_with_the_kinds(self, employee_client, colleague):
        post = make_post(colleague)
        response = employee_client.post(url_for(post), {"kind": "<script>"})
        assert response.status_code == 400
        body = response.json()
        assert "kind" in body["errors"]
        assert "insightful" in body["errors"]["kind"][0]
        assert employee_client.get(url_for(post), {"kind": "nope"}).status_code == 400

    @pytest.mark.parametrize("group_fixture", ["private_group", "secret_group"])
    def test_non_members_get_404_everywhere(
        self, request, group_fixture, employee_client, colleague
    ):
        group = request.getfixturevalue(group_fixture)
        post = make_post(colleague, group)
        services.react(colleague, post, "like")
        assert employee_client.get(url_for(post)).status_code == 404
        assert employee_client.post(url_for(post), {"kind": "like"}).status_code == 404
        assert employee_client.delete(url_for(post)).status_code == 404
        assert employee_client.get("/api/posts/999999/reactions/").status_code == 404
        assert Reaction.objects.count() == 1

    def test_a_removed_member_loses_access_at_once(
        self, employee, colleague, private_group, api_client
    ):
        membership = Membership.objects.create(group=private_group, user=employee)
        post = make_post(colleague, private_group)
        api_client.force_login(employee)
        assert api_client.post(url_for(post), {"kind": "like"}).status_code == 201
        membership.delete()
        assert api_client.get(url_for(post)).status_code == 404
        assert api_client.delete(url_for(post)).status_code == 404


class TestPages:
    def test_anonymous_is_sent_to_login(self, client, colleague):
        post = make_post(colleague)
        response = client.post(page_url("react", post), {"kind": "like"})
        assert response.status_code == 302 and "login" in response["Location"]
        response = client.get(page_url("people", post))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_form_reacts_and_toggles_without_javascript(self, logged_in, employee, colleague):
        post = make_post(colleague)
        url = page_url("react", post)
        response = logged_in.post(url, {"kind": "love", "next": "/feed/"})
        assert response.status_code == 302 and response["Location"] == "/feed/"
        assert Reaction.objects.get(user=employee).kind == "love"
        response = logged_in.post(url, {"kind": "love", "next": "https://evil.example/"})
        assert response["Location"] == post.get_absolute_url()
        assert not Reaction.objects.exists()

    def test_fetch_gets_the_widget_back(self, logged_in, employee, colleague):
        post = make_post(colleague)
        response = logged_in.post(
            page_url("react", post), {"kind": "funny"}, headers={"X-Requested-With": "fetch"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "data-reactions" in html
        assert 'value="funny" class="reactions__kind" aria-pressed="true"' in html
        assert "1 reaction" in html

    def test_unknown_kind_is_a_bad_request(self, logged_in, colleague):
        post = make_post(colleague)
        assert logged_in.post(page_url("react", post), {"kind": "meh"}).status_code == 400

    def test_who_reacted_with_tabs(self, logged_in, employee, colleague):
        post = make_post(colleague)
        services.react(employee, post, "like")
        services.react(colleague, post, "celebrate")
        response = logged_in.get(page_url("people", post))
        assert response.status_code == 200
        html = response.content.decode()
        assert colleague.get_full_name() in html and employee.get_full_name() in html
        assert "?kind=celebrate" in html
        html = logged_in.get(page_url("people", post), {"kind": "like"}).content.decode()
        assert employee.get_full_name() in html and colleague.get_full_name() not in html

    @pytest.mark.parametrize("group_fixture", ["private_group", "secret_group"])
    def test_non_members_get_404(self, request, group_fixture, logged_in, colleague):
        post = make_post(colleague, request.getfixturevalue(group_fixture))
        assert logged_in.post(page_url("react", post), {"kind": "like"}).status_code == 404
        assert logged_in.get(page_url("people", post)).status_code == 404
        assert not Reaction.objects.exists()

    def test_unregistered_or_missing_targets_are_404(self, logged_in, colleague):
        group_type = ContentType.objects.get_for_model(Group).pk
        assert logged_in.post(f"/reactions/{group_type}/1/", {"kind": "like"}).status_code == 404
        post_type = ContentType.objects.get_for_model(Post).pk
        assert logged_in.get(f"/reactions/{post_type}/4242/people/").status_code == 404
        assert logged_in.get("/reactions/999999/1/people/").status_code == 404


class TestPrivacyAndMetrics:
    def test_export_and_erase_keep_counts(self, employee, colleague):
        post = make_post(colleague)
        other = make_post(colleague, text="other")
        services.react(employee, post, "like")
        services.react(employee, other, "love")
        services.react(colleague, post, "funny")
        exported = privacy.export_user_data(employee)
        assert {(e["type"], e["reaction"]) for e in exported} == {
            ("feed.post", "like"),
            ("feed.post", "love"),
        }
        privacy.erase_user_data(employee)
        assert list(Reaction.objects.values_list("user", flat=True)) == [colleague.pk]
        assert Post.objects.get(pk=post.pk).reaction_count == 1
        assert Post.objects.get(pk=other.pk).reaction_count == 0

    def test_metrics_per_kind(self, employee, colleague):
        post = make_post(colleague)
        services.react(employee, post, "like")
        services.react(colleague, post, "like")
        values = {m.key: m.value for m in metrics.collect_metrics()}
        assert values["reactions.last_30_days"] == 2
        assert values["reactions.like.last_30_days"] == 2
        assert values["reactions.funny.last_30_days"] == 0
