"""Comments on any declared object: the registry, what stays closed, reports, and the
migration that moved post comments onto a generic target without losing anything."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from plugins.comments import services
from plugins.comments.models import Comment, CommentReport
from plugins.feed.models import Post
from plugins.groups.models import Group, Membership
from plugins.reactions import services as reactions
from plugins.reactions.models import Reaction
from portal import interactions, visibility
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def make_post(author, group=None, text="Hello"):
    audience = visibility.group_token(group.pk) if group else "all"
    return Post.objects.create(
        author=author, text=text, html=f"<p>{text}</p>", audience=audience, group=group
    )


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


class TestRegistry:
    def test_posts_and_comments_are_declared(self):
        post = interactions.declaration_for(Post)
        assert post.commentable and post.reactions and post.api_prefix == "posts"
        comment = interactions.declaration_for(Comment)
        assert not comment.commentable and comment.reactions

    def test_an_undeclared_model_stays_closed(self, employee):
        group = Group.objects.create(name="Open", slug="open", privacy=Group.PUBLIC)
        assert interactions.declaration_for(Group) is None
        assert visibility.can_view(employee, group)
        with pytest.raises(Http404):
            services.add_comment(employee, group, "Hello group")
        with pytest.raises(Http404):
            reactions.react(employee, group, "like")
        assert not Comment.objects.exists() and not Reaction.objects.exists()

    def test_a_comment_on_a_comment_is_refused(self, employee, colleague):
        comment = services.add_comment(employee, make_post(colleague), "First")
        with pytest.raises(Http404):
            services.add_comment(colleague, comment, "On a comment")

    def test_declaring_needs_a_known_model_and_a_real_rule(self):
        class Unknown:  # not a model the policy knows
            __mro__ = ()

        with pytest.raises(ValueError):
            interactions.declare(Post, comments="anyone")
        with pytest.raises(ValueError):
            interactions.declare(Post, comments=interactions.MEMBERS)

    def test_members_only_and_closed_threads(self, employee, colleague, monkeypatch):
        group = Group.objects.create(name="Club", slug="club", privacy=Group.PUBLIC)
        Membership.objects.create(group=group, user=colleague, role=Membership.OWNER)
        post = make_post(colleague, group=group)
        declared = interactions.declaration_for(Post)
        members_only = interactions.Interactive(
            **{
                **declared.__dict__,
                "comments": interactions.MEMBERS,
                "is_member": lambda user, obj: obj.group.memberships.filter(user=user).exists(),
            }
        )
        monkeypatch.setitem(interactions._registry, Post, members_only)
        assert visibility.can_view(employee, post)
        with pytest.raises(PermissionDenied):
            services.add_comment(employee, post, "Outsider's word")
        services.add_comment(colleague, post, "Member's word")
        closed = interactions.Interactive(**{**declared.__dict__, "is_open": lambda obj: False})
        monkeypatch.setitem(interactions._registry, Post, closed)
        with pytest.raises(PermissionDenied):
            services.add_comment(colleague, post, "Too late")
        response = api(colleague).post(f"/api/posts/{post.pk}/comments/", {"text": "Late"})
        assert response.status_code == 403 and "closed" in response.json()["detail"]
        assert [c.text for c in services.thread(employee, post)] == ["Member's word"]
        page = Client()
        page.force_login(colleague)
        html = page.get(reverse("comments:thread", args=[post.pk])).content.decode()
        assert "Comments are closed." in html and 'name="text"' not in html
        assert Comment.objects.count() == 1


class TestReports:
    def test_report_then_moderator_removes(self, employee, colleague, admin_user):
        post = make_post(colleague)
        comment = services.add_comment(colleague, post, "Rude words")
        with pytest.raises(ValidationError):
            services.report_comment(employee, comment, "   ")
        with pytest.raises(ValidationError):
            services.report_comment(colleague, comment, "My own")
        services.report_comment(employee, comment, "Rude")
        with pytest.raises(ValidationError):
            services.report_comment(employee, comment, "Again")
        assert [r.comment for r in services.open_reports(admin_user)] == [comment]
        assert services.open_reports(employee) == []
        with pytest.raises(PermissionDenied):
            services.resolve_reports(employee, comment, remove=True)
        services.resolve_reports(admin_user, comment, remove=True)
        assert not Comment.objects.exists()
        assert Post.objects.get(pk=post.pk).comment_count == 0

    def test_report_api_and_page(self, employee, colleague):
        post = make_post(colleague)
        comment = services.add_comment(colleague, post, "Hmm")
        client = api(employee)
        response = client.post(f"/api/comments/{comment.pk}/report/", {"reason": ""})
        assert response.status_code == 400 and "reason" in response.json()["errors"]
        response = client.post(f"/api/comments/{comment.pk}/report/", {"reason": "Off topic"})
        assert response.status_code == 201 and response.json()["comment"] == comment.pk
        other = services.add_comment(colleague, post, "More")
        browser = Client()
        browser.force_login(employee)
        assert browser.get(reverse("comments:report", args=[other.pk])).status_code == 200
        response = browser.post(reverse("comments:report", args=[other.pk]), {"reason": "Spam"})
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert CommentReport.objects.filter(reporter=employee).count() == 2

    def test_a_hidden_comment_cannot_be_reported(self, employee, colleague):
        secret = Group.objects.create(name="Secret", slug="secret", privacy=Group.SECRET)
        Membership.objects.create(group=secret, user=colleague, role=Membership.OWNER)
        comment = services.add_comment(colleague, make_post(colleague, group=secret), "Psst")
        hidden = api(employee).post(f"/api/comments/{comment.pk}/report/", {"reason": "x"})
        missing = api(employee).post("/api/comments/999999/report/", {"reason": "x"})
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()
        assert not CommentReport.objects.exists()


class TestApiTarget:
    def test_comment_output_names_its_target(self, employee, colleague):
        post = make_post(colleague, text="Quarterly")
        response = api(employee).post(f"/api/posts/{post.pk}/comments/", {"text": "Bravo"})
        assert response.status_code == 201
        body = response.json()
        assert body["post"] == post.pk
        assert body["target"]["kind"] == "feed.post" and body["target"]["id"] == post.pk


@pytest.mark.django_db(transaction=True)
def test_post_comments_survive_the_migration_to_generic_targets():
    """Comments written when they had a post foreign key come through the migration with
    their replies, reactions and mentions."""
    executor = MigrationExecutor(connection)
    before = [("comments", "0002_initial")]
    after = executor.loader.graph.leaf_nodes("comments")
    executor.migrate(before)
    try:
        # Every other app as it is, the comments as they were.
        old = MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps
        User = old.get_model("accounts", "User")
        OldPost = old.get_model("feed", "Post")
        OldComment = old.get_model("comments", "Comment")
        OldReaction = old.get_model("reactions", "Reaction")
        OldContentType = old.get_model("contenttypes", "ContentType")
        author = User.objects.create(email="old@example.com", first_name="Old", last_name="Timer")
        friend = User.objects.create(email="friend@example.com", first_name="Friend")
        post = OldPost.objects.create(author=author, text="Then", html="<p>Then</p>")
        mention_html = f'<p>Hi <a href="/people/{friend.pk}/">@Friend</a></p>'
        top = OldComment.objects.create(
            post=post, author=friend, text=f"Hi @[Friend](user:{friend.pk})", html=mention_html
        )
        reply = OldComment.objects.create(
            post=post, parent=top, author=author, text="Reply", html="<p>Reply</p>"
        )
        comment_type, _created = OldContentType.objects.get_or_create(
            app_label="comments", model="comment"
        )
        OldReaction.objects.create(
            user=author, kind="love", content_type=comment_type, object_id=top.pk
        )
        ids = (post.pk, top.pk, reply.pk, author.pk, friend.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    post_pk, top_pk, reply_pk, author_pk, friend_pk = ids
    post_type = ContentType.objects.get_for_model(Post)
    migrated = {c.pk: c for c in Comment.objects.all()}
    assert set(migrated) == {top_pk, reply_pk}
    top, reply = migrated[top_pk], migrated[reply_pk]
    assert (top.content_type_id, top.object_id) == (post_type.pk, post_pk)
    assert (reply.content_type_id, reply.object_id, reply.parent_id) == (
        post_type.pk,
        post_pk,
        top_pk,
    )
    assert top.text == f"Hi @[Friend](user:{friend_pk})" and "@Friend" in top.html
    assert top.target.pk == post_pk and top.post_id == post_pk
    reaction = Reaction.objects.get()
    assert (reaction.object_id, reaction.kind, reaction.user_id) == (top_pk, "love", author_pk)
    viewer = make_user("viewer@example.com")
    assert [c.pk for c in services.thread(viewer, Post.objects.get(pk=post_pk))] == [top_pk]
