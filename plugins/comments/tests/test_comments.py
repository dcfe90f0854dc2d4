"""Comments: services, counts, notifications, visibility, API, pages, feed, privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from plugins.comments import metrics, privacy, services
from plugins.comments.models import Comment
from plugins.feed import extensions
from plugins.feed.models import Post
from plugins.groups.models import Group, Membership
from plugins.reactions import services as reactions
from plugins.reactions.models import Reaction
from portal import signals, visibility
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered():
    notices = []

    def receiver(sender, notice, recipients, **kwargs):
        notices.append((notice.kind, notice.actor.pk, sorted(u.pk for u in recipients)))

    signals.notification_delivery.connect(receiver, dispatch_uid="test_comments_delivered")
    yield notices
    signals.notification_delivery.disconnect(dispatch_uid="test_comments_delivered")


def make_post(author, group=None, text="Hello"):
    audience = visibility.group_token(group.pk) if group else "all"
    return Post.objects.create(
        author=author, text=text, html=f"<p>{text}</p>", audience=audience, group=group
    )


def mention(user):
    return f"@[{user.get_full_name()}](user:{user.pk})"


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


@pytest.fixture
def post(colleague):
    return make_post(colleague)


def count_of(post):
    return Post.objects.get(pk=post.pk).comment_count


class TestWriting:
    def test_comment_and_reply_keep_the_count(self, employee, colleague, post):
        first = services.add_comment(employee, post, "Nice work")
        reply = services.add_comment(colleague, post, "Thanks!", parent=first)
        assert first.html == "<p>Nice work</p>"
        assert reply.parent == first
        assert count_of(post) == 2

    def test_a_reply_to_a_reply_attaches_to_the_top_level(self, employee, colleague, post):
        first = services.add_comment(employee, post, "Top")
        reply = services.add_comment(colleague, post, "Reply", parent=first)
        deeper = services.add_comment(employee, post, "Reply to reply", parent=reply)
        assert deeper.parent == first

    def test_the_parent_must_belong_to_the_post(self, employee, colleague, post):
        other = services.add_comment(employee, make_post(colleague, text="other"), "Elsewhere")
        with pytest.raises(ValidationError) as error:
            services.add_comment(employee, post, "Hi", parent=other)
        assert "parent" in error.value.message_dict
        assert count_of(post) == 0

    @pytest.mark.parametrize("text", ["", "   ", "<p><script>alert(1)</script></p>", "<p> </p>"])
    def test_empty_comments_are_refused(self, employee, post, text):
        with pytest.raises(ValidationError) as error:
            services.add_comment(employee, post, text)
        assert "text" in error.value.message_dict
        assert not Comment.objects.exists()
        assert count_of(post) == 0

    def test_too_long_is_refused(self, employee, post):
        with pytest.raises(ValidationError):
            services.add_comment(employee, post, "x" * 10_001)

    def test_script_and_event_handlers_are_stripped(self, employee, post):
        comment = services.add_comment(
            employee,
            post,
            '<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:x()">x</a>'
            '<img src=x onerror="alert(1)"></p>',
        )
        assert "script" not in comment.html
        assert "onclick" not in comment.html and "onerror" not in comment.html
        assert "javascript:" not in comment.html
        assert "Hi" in comment.html

    def test_edit_by_the_author_only(self, employee, colleague, post):
        comment = services.add_comment(employee, post, "Frist")
        services.edit_comment(employee, comment, "First")
        comment.refresh_from_db()
        assert comment.html == "<p>First</p>" and comment.edited_at is not None
        with pytest.raises(PermissionDenied):
            services.edit_comment(colleague, comment, "Hacked")
        with pytest.raises(ValidationError):
            services.edit_comment(employee, comment, "  ")
        comment.refresh_from_db()
        assert comment.text == "First"

    def test_delete_top_level_takes_replies_and_keeps_count(self, employee, colleague, post):
        first = services.add_comment(employee, post, "Top")
        services.add_comment(colleague, post, "Reply", parent=first)
        services.add_comment(colleague, post, "Reply 2", parent=first)
        other = services.add_comment(colleague, post, "Other")
        reactions.react(colleague, first, "like")
        assert count_of(post) == 4
        assert services.delete_comment(employee, first) == 3
        assert list(Comment.objects.all()) == [other]
        assert count_of(post) == 1
        assert not Reaction.objects.exists()

    def test_who_may_delete(self, employee, colleague, administrator, private_group):
        moderator = make_user("mod@example.com")
        member = make_user("member@example.com")
        Membership.objects.create(group=private_group, user=moderator, role=Membership.MODERATOR)
        Membership.objects.create(group=private_group, user=member)
        Membership.objects.create(group=private_group, user=employee)
        post = make_post(colleague, private_group)
        comment = services.add_comment(employee, post, "Mine")
        with pytest.raises(PermissionDenied):
            services.delete_comment(member, comment)
        services.delete_comment(moderator, comment)
        comment = services.add_comment(employee, post, "Again")
        assert services.can_delete(administrator, comment)
        services.delete_comment(employee, comment)
        assert count_of(post) == 0

    def test_nothing_on_posts_one_may_not_see(self, employee, colleague, private_group):
        post = make_post(colleague, private_group)
        comment = services.add_comment(colleague, post, "Members only")
        with pytest.raises(Http404):
            services.add_comment(employee, post, "Let me in")
        with pytest.raises(Http404):
            services.thread(employee, post)
        with pytest.raises(Http404):
            services.get_comment(employee, comment.pk)
        with pytest.raises(Http404):
            services.delete_comment(employee, comment)
        assert list(services.visible_comments(employee)) == []


class TestNotifications:
    def test_comment_reply_and_mention_one_each_in_priority(
        self, employee, colleague, post, delivered, django_capture_on_commit_callbacks
    ):
        third = make_user("third@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            first = services.add_comment(third, post, "Top")
        # The post's author (colleague) is mentioned too: one notification, "comment".
        with django_capture_on_commit_callbacks(execute=True):
            services.add_comment(
                employee, post, f"Agree {mention(colleague)} {mention(third)}", parent=first
            )
        assert delivered == [
            ("comment", third.pk, [colleague.pk]),
            ("comment", employee.pk, [colleague.pk]),
            ("reply", employee.pk, [third.pk]),
        ]

    def test_mention_of_someone_who_cannot_see_notifies_nobody(
        self, employee, colleague, private_group, delivered, django_capture_on_commit_callbacks
    ):
        post = make_post(colleague, private_group)
        with django_capture_on_commit_callbacks(execute=True):
            services.add_comment(colleague, post, f"What do you think {mention(employee)}?")
        assert delivered == []

    def test_an_edit_notifies_only_new_mentions(
        self, employee, colleague, post, delivered, django_capture_on_commit_callbacks
    ):
        third = make_user("third@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            comment = services.add_comment(colleague, post, f"cc {mention(employee)}")
        with django_capture_on_commit_callbacks(execute=True):
            services.edit_comment(colleague, comment, f"cc {mention(employee)} {mention(third)}")
        assert delivered == [
            ("mention", colleague.pk, [employee.pk]),
            ("mention", colleague.pk, [third.pk]),
        ]


class TestThread:
    def test_thread_is_nested_with_summaries_and_permissions(self, employee, colleague, post):
        first = services.add_comment(employee, post, "Top")
        reply = services.add_comment(colleague, post, "Reply", parent=first)
        reactions.react(colleague, first, "love")
        [top] = services.thread(employee, post)
        assert top == first and top.reply_list == [reply]
        assert top.summary["counts"] == {"love": 1}
        assert top.can_edit and top.can_delete
        assert not top.reply_list[0].can_edit and not top.reply_list[0].can_delete

    def test_thread_costs_the_same_whatever_its_size(
        self, employee, colleague, post, django_assert_num_queries
    ):
        ContentType.objects.get_for_model(Comment)
        employee.has_perm("comments.delete_comment")  # the permission cache

        def grow(n):
            for i in range(n):
                top = services.add_comment(colleague, post, f"top {i}")
                services.add_comment(employee, post, f"reply {i}", parent=top)
                reactions.react(employee, top, "like")

        grow(1)
        services.thread(employee, post)  # what the policy remembers of the reader
        with django_assert_num_queries(2):
            services.thread(employee, post)
        grow(6)
        with django_assert_num_queries(2):
            assert len(services.thread(employee, post)) == 7


class TestFeedExtension:
    def test_count_and_latest_in_one_query_whatever_the_page_size(
        self, employee, colleague, django_assert_num_queries
    ):
        posts = [make_post(colleague, text=f"post {i}") for i in range(10)]
        for i, post in enumerate(posts):
            for j in range(i % 3):
                services.add_comment(employee, post, f"comment {j}")
        extension = next(e for e in extensions.extensions() if e.key == "comments")
        for size in (3, 10):
            page = list(Post.objects.filter(pk__in=[p.pk for p in posts[:size]]))
            for post in page:
                post.extras = {}
            with django_assert_num_queries(1):
                extension.annotate(page, employee)
            by_pk = {p.pk: p.extras["comments"] for p in page}
            assert by_pk[posts[0].pk] == {"count": 0, "latest": None}
            assert by_pk[posts[2].pk]["count"] == 2
            assert by_pk[posts[2].pk]["latest"]["html"] == "<p>comment 1</p>"

    def test_activity(self, employee, post):
        services.add_comment(employee, post, "one")
        services.add_comment(employee, post, "two")
        extension = next(e for e in extensions.extensions() if e.key == "comments")
        assert extension.activity(timezone.now() - timedelta(hours=24)) == {post.pk: 2}


class TestAPI:
    def url(self, post):
        return f"/api/posts/{post.pk}/comments/"

    def test_anonymous_gets_401(self, api_client, employee, post):
        comment = services.add_comment(employee, post, "hi")
        assert api_client.get(self.url(post)).status_code == 401
        assert api_client.post(self.url(post), {"text": "x"}).status_code == 401
        assert api_client.get(f"/api/comments/{comment.pk}/").status_code == 401
        assert api_client.patch(f"/api/comments/{comment.pk}/", {"text": "x"}).status_code == 401
        assert api_client.delete(f"/api/comments/{comment.pk}/").status_code == 401

    def test_thread_paginated_over_top_level(self, employee_client, employee, colleague, post):
        tops = [services.add_comment(colleague, post, f"top {i}") for i in range(3)]
        services.add_comment(employee, post, "reply", parent=tops[0])
        body = employee_client.get(self.url(post), {"page_size": 2}).json()
        assert body["count"] == 3
        first = body["results"][0]
        assert [c["id"] for c in body["results"]] == [tops[0].pk, tops[1].pk]
        assert first["replies"][0]["text"] == "reply"
        assert first["replies"][0]["permissions"] == {"edit": True, "delete": True}
        assert first["permissions"] == {"edit": False, "delete": False}
        assert first["author"]["name"] == colleague.get_full_name()
        assert first["reactions"]["total"] == 0
        assert set(first) >= {"id", "post", "parent", "html", "created_at", "edited_at"}

    def test_create_reply_edit_delete(self, employee_client, employee, colleague, post):
        response = employee_client.post(self.url(post), {"text": "Hello **all**"})
        assert response.status_code == 201
        top = response.json()
        response = employee_client.post(self.url(post), {"text": "Me", "parent": top["id"]})
        reply = response.json()
        assert reply["parent"] == top["id"]
        response = employee_client.post(self.url(post), {"text": "Deep", "parent": reply["id"]})
        assert response.json()["parent"] == top["id"]
        url = f"/api/comments/{top['id']}/"
        assert len(employee_client.get(url).json()["replies"]) == 2
        response = employee_client.patch(url, {"text": "Edited"})
        assert response.status_code == 200 and response.json()["edited_at"]
        assert employee_client.put(url, {"text": "x"}).status_code == 405
        assert count_of(post) == 3
        assert employee_client.delete(url).status_code == 204
        assert count_of(post) == 0

    def test_bad_input(self, employee_client, colleague, post):
        response = employee_client.post(self.url(post), {"text": "<p><script>x</script></p>"})
        assert response.status_code == 400 and "text" in response.json()["errors"]
        response = employee_client.post(self.url(post), {"text": "hi", "parent": 999999})
        assert response.status_code == 400 and "parent" in response.json()["errors"]
        assert not Comment.objects.exists()

    def test_others_may_not_edit_or_delete(self, employee_client, colleague, post):
        comment = services.add_comment(colleague, post, "mine")
        url = f"/api/comments/{comment.pk}/"
        assert employee_client.patch(url, {"text": "x"}).status_code == 403
        assert employee_client.delete(url).status_code == 403

    @pytest.mark.parametrize("group_fixture", ["private_group", "secret_group"])
    def test_non_members_get_404_everywhere(
        self, request, group_fixture, employee_client, colleague
    ):
        post = make_post(colleague, request.getfixturevalue(group_fixture))
        comment = services.add_comment(colleague, post, "members only")
        url = f"/api/comments/{comment.pk}/"
        assert employee_client.get(self.url(post)).status_code == 404
        assert employee_client.post(self.url(post), {"text": "x"}).status_code == 404
        assert employee_client.get(url).status_code == 404
        assert employee_client.patch(url, {"text": "x"}).status_code == 404
        assert employee_client.delete(url).status_code == 404
        reactions_url = f"/api/comments/{comment.pk}/reactions/"
        assert employee_client.get(reactions_url).status_code == 404
        assert employee_client.post(reactions_url, {"kind": "like"}).status_code == 404
        assert Comment.objects.count() == 1

    def test_comment_reactions_endpoint(self, employee_client, employee, colleague, post):
        comment = services.add_comment(colleague, post, "react to me")
        url = f"/api/comments/{comment.pk}/reactions/"
        assert employee_client.post(url, {"kind": "funny"}).status_code == 201
        assert Comment.objects.get(pk=comment.pk).reaction_count == 1
        assert employee_client.get(url).json()["results"][0]["id"] == employee.pk
        assert employee_client.delete(url).status_code == 204
        assert Comment.objects.get(pk=comment.pk).reaction_count == 0

    def test_a_removed_member_loses_access_at_once(
        self, employee, colleague, private_group, api_client
    ):
        membership = Membership.objects.create(group=private_group, user=employee)
        post = make_post(colleague, private_group)
        api_client.force_login(employee)
        response = api_client.post(self.url(post), {"text": "in"})
        assert response.status_code == 201
        url = f"/api/comments/{response.json()['id']}/"
        membership.delete()
        assert api_client.get(self.url(post)).status_code == 404
        assert api_client.get(url).status_code == 404
        assert api_client.patch(url, {"text": "still here?"}).status_code == 404


class TestPages:
    def test_anonymous_is_sent_to_login(self, client, employee, post):
        comment = services.add_comment(employee, post, "hi")
        for method, url in [
            ("get", reverse("comments:thread", args=[post.pk])),
            ("post", reverse("comments:add", args=[post.pk])),
            ("get", reverse("comments:edit", args=[comment.pk])),
            ("post", reverse("comments:delete", args=[comment.pk])),
            ("post", reverse("comments:reply", args=[comment.pk])),
        ]:
            response = getattr(client, method)(url)
            assert response.status_code == 302 and "login" in response["Location"]

    def test_add_without_javascript_redirects_to_the_comment(self, logged_in, post):
        response = logged_in.post(reverse("comments:add", args=[post.pk]), {"text": "Hi"})
        comment = Comment.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"

    def test_add_with_fetch_returns_the_thread(self, logged_in, post):
        response = logged_in.post(
            reverse("comments:add", args=[post.pk]),
            {"text": "Hi <b onmouseover=x()>there</b>"},
            headers={"X-Requested-With": "fetch"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "data-comments-thread" in html and "<b>there</b>" in html
        assert "onmouseover" not in html
        assert 'data-count-label="1 comment"' in html

    def test_empty_comment_shows_the_error(self, logged_in, post):
        response = logged_in.post(reverse("comments:add", args=[post.pk]), {"text": " "})
        assert response.status_code == 400
        assert "Write something" in response.content.decode()
        response = logged_in.post(
            reverse("comments:add", args=[post.pk]),
            {"text": ""},
            headers={"X-Requested-With": "fetch"},
        )
        assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()

    def test_an_unknown_parent_is_refused(self, logged_in, post):
        url = reverse("comments:add", args=[post.pk])
        response = logged_in.post(url, {"text": "Hi", "parent": "999"})
        assert response.status_code == 400
        assert "no such comment" in response.content.decode()
        assert not Comment.objects.exists()

    def test_reply_edit_delete(self, logged_in, employee, colleague, post):
        top = services.add_comment(colleague, post, "Top")
        assert logged_in.get(reverse("comments:reply", args=[top.pk])).status_code == 200
        logged_in.post(reverse("comments:reply", args=[top.pk]), {"text": "Reply"})
        reply = Comment.objects.get(author=employee)
        assert reply.parent == top
        response = logged_in.get(reverse("comments:edit", args=[reply.pk]))
        assert response.status_code == 200 and "Reply" in response.content.decode()
        logged_in.post(reverse("comments:edit", args=[reply.pk]), {"text": "Edited"})
        reply.refresh_from_db()
        assert reply.text == "Edited" and reply.edited_at
        assert logged_in.get(reverse("comments:edit", args=[top.pk])).status_code == 403
        assert logged_in.post(reverse("comments:delete", args=[top.pk])).status_code == 403
        assert logged_in.get(reverse("comments:delete", args=[reply.pk])).status_code == 405
        response = logged_in.post(reverse("comments:delete", args=[reply.pk]))
        assert response.status_code == 302
        assert count_of(post) == 1

    def test_thread_fragment_shows_everything(self, logged_in, employee, colleague, post):
        top = services.add_comment(colleague, post, "Top")
        services.add_comment(employee, post, "Reply", parent=top)
        services.edit_comment(colleague, top, "Top (fixed)")
        html = logged_in.get(reverse("comments:thread", args=[post.pk])).content.decode()
        assert f'id="comment-{top.pk}"' in html
        assert "(edited)" in html
        assert "data-mention-input" in html
        assert "data-reactions" in html
        assert html.count('class="comment__edit"') == 1

    @pytest.mark.parametrize("group_fixture", ["private_group", "secret_group"])
    def test_non_members_get_404(self, request, group_fixture, logged_in, colleague):
        post = make_post(colleague, request.getfixturevalue(group_fixture))
        comment = services.add_comment(colleague, post, "members only")
        assert logged_in.get(reverse("comments:thread", args=[post.pk])).status_code == 404
        assert (
            logged_in.post(reverse("comments:add", args=[post.pk]), {"text": "x"}).status_code
            == 404
        )
        for name in ("reply", "edit", "delete"):
            assert logged_in.post(reverse(f"comments:{name}", args=[comment.pk])).status_code == 404
        assert logged_in.get(reverse("comments:edit", args=[comment.pk])).status_code == 404
        assert Comment.objects.count() == 1

    def test_a_removed_member_loses_the_pages_at_once(
        self, logged_in, employee, colleague, private_group
    ):
        membership = Membership.objects.create(group=private_group, user=employee)
        post = make_post(colleague, private_group)
        thread_url = reverse("comments:thread", args=[post.pk])
        assert logged_in.get(thread_url).status_code == 200
        membership.delete()
        assert logged_in.get(thread_url).status_code == 404

    def test_the_feed_card_shows_the_count_and_latest_comment(
        self, logged_in, employee, colleague, post
    ):
        services.add_comment(colleague, post, "Latest words")
        reactions.react(colleague, post, "celebrate")
        html = logged_in.get(reverse("feed:home")).content.decode()
        assert "1 comment" in html and "Latest words" in html
        assert reverse("comments:thread", args=[post.pk]) in html
        assert "1 reaction" in html and "data-reaction-form" in html

    def test_post_page_has_the_comments_section(self, logged_in, employee, post):
        services.add_comment(employee, post, "On the page")
        response = logged_in.get(post.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="comments"' in html and "On the page" in html


class TestSearchPrivacyMetrics:
    def test_search_document(self, employee, post):
        from search import registry

        comment = services.add_comment(employee, post, "Findable words")
        searchable = registry.searchable_types()["comments.comment"]
        document = searchable.to_document(comment)
        assert document["title"] == post.title
        assert document["body"] == "Findable words"
        assert document["type"] == "comment"
        assert document["url"].endswith(f"#comment-{comment.pk}")

    def test_a_comment_is_found_by_its_own_words_only(self, employee, colleague):
        """Regression: a comment was found by its post's title (the database backend
        matched the title it shows), so "budget" listed "I agree completely"."""
        from search import query
        from search.tests.test_api import index

        budget = make_post(colleague, text="Quarterly budget review")
        comment = services.add_comment(employee, budget, "I agree completely")
        index(budget, comment)
        found = query.search(employee, "budget")
        assert [(hit.key, hit.object_id) for hit in found.hits] == [("feed.post", str(budget.pk))]
        assert found.counts.get("comments.comment", 0) == 0
        # Its own words find it, shown under the post's title.
        (hit,) = query.search(employee, "agree").hits
        assert (hit.key, hit.object_id) == ("comments.comment", str(comment.pk))
        assert hit.title == budget.title
        assert "<mark>agree</mark>" in hit.snippet_html

    def test_export_and_erase_keep_counts(self, employee, colleague, post):
        mine = services.add_comment(employee, post, "Mine")
        services.add_comment(colleague, post, "Reply to mine", parent=mine)
        services.add_comment(colleague, post, "Theirs")
        exported = privacy.export_user_data(employee)
        assert [e["text"] for e in exported["comments"]] == ["Mine"]
        assert exported["comments"][0]["on"] == "feed.post"
        privacy.erase_user_data(employee)
        assert list(Comment.objects.values_list("text", flat=True)) == ["Theirs"]
        assert count_of(post) == 1

    def test_metrics(self, employee, post):
        services.add_comment(employee, post, "one")
        values = {m.key: m.value for m in metrics.collect_metrics()}
        assert values["comments.last_30_days"] == 1
        assert values["comments.people_30_days"] == 1
