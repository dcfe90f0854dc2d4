"""The write side of the feed: audiences, sanitising, mentions, edits, moderation, follows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from plugins.feed import services
from plugins.feed.models import Attachment, Follow, Post, Report
from plugins.groups.models import Group, Membership
from portal import signals, visibility
from tests.factories import make_user


def make_group(owner, name="Design", privacy=Group.PRIVATE, members=()):
    group = Group.objects.create(name=name, slug=name.lower().replace(" ", "-"), privacy=privacy)
    Membership.objects.create(group=group, user=owner, role=Membership.OWNER)
    for member in members:
        Membership.objects.create(group=group, user=member)
    for user in (owner, *members):
        visibility.forget_tokens(user)
    return group


class Delivered:
    """Records what the notification service hands to the delivery receivers."""

    def __init__(self):
        self.notices = []

    def __call__(self, sender, notice, recipients, **kwargs):
        self.notices.append((notice.kind, sorted(u.email for u in recipients)))

    def of(self, kind):
        return [recipients for found, recipients in self.notices if found == kind]


@pytest.fixture
def delivered():
    receiver = Delivered()
    signals.notification_delivery.connect(receiver, dispatch_uid="test_feed_delivered")
    yield receiver
    signals.notification_delivery.disconnect(dispatch_uid="test_feed_delivered")


@pytest.fixture
def outsider(departments):
    return make_user("outsider@example.com", department=departments["sales"])


def mention(user) -> str:
    return f"@[{user.get_full_name()}](user:{user.pk})"


# --- Audiences ------------------------------------------------------------------------------


def test_audience_choices_are_company_department_lineage_and_groups(employee, departments):
    group = make_group(employee, "Design")
    choices = services.audience_choices(employee)
    tokens = [token for token, _label in choices]
    assert tokens[0] == "all"
    assert tokens[1:4] == [
        f"dept:{departments['platform'].pk}",
        f"dept:{departments['engineering'].pk}",
        f"dept:{departments['company'].pk}",
    ]
    assert f"group:{group.pk}" in tokens
    assert f"dept:{departments['sales'].pk}" not in tokens


def test_a_department_and_its_group_are_told_apart(colleague, departments):
    """Regression: "Sales" was listed twice, the department and the department's group."""
    from django.core.management import call_command

    call_command("sync_department_groups", stdout=open("/dev/null", "w"))  # noqa: SIM115
    choices = dict(services.audience_choices(colleague))
    sales = departments["sales"]
    group = Group.objects.get(memberships__user=colleague, name=sales.name)
    assert choices[f"dept:{sales.pk}"] == "Sales · department"
    assert choices[f"group:{group.pk}"] == "Sales · group"
    assert len(set(choices.values())) == len(choices)  # one entry per audience, each its own


def test_cannot_post_to_a_group_one_is_not_in(employee, colleague):
    group = make_group(colleague, "Sales club")
    with pytest.raises(ValidationError) as error:
        services.create_post(employee, text="Hello", audience=f"group:{group.pk}")
    assert "audience" in error.value.message_dict
    assert not Post.objects.exists()


def test_cannot_post_to_a_department_that_is_not_ones_own(employee, departments):
    with pytest.raises(ValidationError) as error:
        services.create_post(employee, text="Hi", audience=f"dept:{departments['sales'].pk}")
    assert "audience" in error.value.message_dict


def test_department_and_group_posts(employee, departments):
    group = make_group(employee, "Design")
    engineering = departments["engineering"]
    post = services.create_post(employee, text="Team", audience=f"dept:{engineering.pk}")
    assert post.audience == f"dept:{departments['engineering'].pk}" and post.group is None
    in_group = services.create_post(employee, text="Crew", audience=f"group:{group.pk}")
    assert in_group.group == group


def test_unknown_kind_and_empty_status_are_refused(employee):
    with pytest.raises(ValidationError) as error:
        services.create_post(employee, text="x", kind="story")
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_post(employee, text="   ")
    assert "text" in error.value.message_dict


def test_text_is_sanitised_and_hashtags_are_kept(employee):
    post = services.create_post(
        employee,
        text='<p>Hello <script>alert(1)</script><img src=x onerror="alert(2)">'
        '<a href="javascript:alert(3)">click</a> <b onclick="x()">bold</b> #Launch #launch</p>',
    )
    assert "<script" not in post.html and "alert(1)" not in post.html
    assert "onerror" not in post.html and "onclick" not in post.html
    assert "javascript:" not in post.html
    assert "<b>bold</b>" in post.html
    assert list(post.hashtags.names()) == ["launch"]
    assert post.text.startswith("<p>Hello <script>")  # what was typed is kept as typed


# --- Notifications ---------------------------------------------------------------------------


def test_mentions_notify_people_who_can_see_the_post(
    employee, colleague, delivered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(employee, text=f"Thanks {mention(colleague)}!")
    assert delivered.of("mention") == [["colleague@example.com"]]


def test_mention_of_an_outsider_in_a_private_group_notifies_nobody(
    employee, colleague, outsider, delivered, django_capture_on_commit_callbacks
):
    group = make_group(employee, "Secret plans", members=[colleague])
    with django_capture_on_commit_callbacks(execute=True):
        post = services.create_post(
            employee, text=f"Look {mention(outsider)}", audience=f"group:{group.pk}"
        )
    assert delivered.of("mention") == []
    assert 'data-mention="user:' in post.html  # the mention is shown, just not delivered

    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(
            employee,
            text=f"{mention(outsider)} and {mention(colleague)}",
            audience=f"group:{group.pk}",
        )
    assert delivered.of("mention") == [["colleague@example.com"]]


def test_new_posts_notify_members_who_follow_the_group_closely(
    employee, colleague, outsider, delivered, django_capture_on_commit_callbacks
):
    group = make_group(employee, "Design", members=[colleague, outsider])
    Membership.objects.filter(group=group, user__in=[colleague, employee]).update(
        follow_closely=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.create_post(employee, text="News", audience=f"group:{group.pk}")
    assert delivered.of("group_post") == [["colleague@example.com"]]


def test_posting_sends_the_activity_signal(employee, django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, actor, verb, obj, **kwargs):
        seen.append((verb, actor, obj))

    signals.activity.connect(receiver, dispatch_uid="test_feed_activity")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            post = services.create_post(employee, text="Hello")
    finally:
        signals.activity.disconnect(dispatch_uid="test_feed_activity")
    assert ("posted", employee, post) in seen


# --- Edits ------------------------------------------------------------------------------------


def test_only_the_author_edits_and_only_added_mentions_notify(
    employee, colleague, editor, delivered, django_capture_on_commit_callbacks
):
    post = services.create_post(employee, text=f"Hi {mention(colleague)}")
    with pytest.raises(PermissionDenied):
        services.update_post(colleague, post, text="mine now")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_post(employee, post, text=f"Hi {mention(colleague)} {mention(editor)}")
    post.refresh_from_db()
    assert post.edited_at is not None
    assert delivered.of("mention") == [["editor@example.com"]]
    assert post.audience == "all"


def test_edit_adds_and_removes_files(employee, django_capture_on_commit_callbacks):
    first = SimpleUploadedFile("a.txt", b"first", content_type="text/plain")
    post = services.create_post(employee, text="Files", files=[first])
    attachment = post.attachments.get()
    stored = attachment.file.name
    storage = attachment.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.update_post(
            employee,
            post,
            files_to_add=[SimpleUploadedFile("b.csv", b"x,y", content_type="text/csv")],
            files_to_remove=[attachment.pk],
        )
    assert [a.name for a in post.attachments.all()] == ["b.csv"]
    assert not storage.exists(stored)


def test_edit_refuses_files_of_another_post(employee):
    other = services.create_post(employee, text="x", files=[SimpleUploadedFile("a.txt", b"1")])
    post = services.create_post(employee, text="y")
    with pytest.raises(ValidationError) as error:
        services.update_post(employee, post, files_to_remove=[other.attachments.get().pk])
    assert "files_to_remove" in error.value.message_dict


# --- Deleting and moderating ----------------------------------------------------------------


def test_delete_by_author_or_group_moderator_and_files_leave_the_storage(
    employee, colleague, outsider, django_capture_on_commit_callbacks
):
    group = make_group(colleague, "Design", members=[employee, outsider])
    post = services.create_post(
        employee,
        text="Plan",
        audience=f"group:{group.pk}",
        files=[SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan")],
    )
    name = post.attachments.get().file.name
    storage = Attachment._meta.get_field("file").storage
    assert storage.exists(name)
    assert not services.can_delete(outsider, post)
    with pytest.raises(PermissionDenied):
        services.delete_post(outsider, post)
    assert services.can_delete(colleague, post)  # the group's owner
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_post(colleague, post)
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not storage.exists(name)


def test_remove_post_is_for_moderators_and_recorded(
    employee, colleague, administrator, delivered, django_capture_on_commit_callbacks
):
    post = services.create_post(employee, text="Off topic")
    with pytest.raises(PermissionDenied):
        services.remove_post(colleague, post, "spam")
    with pytest.raises(PermissionDenied):
        services.remove_post(employee, post, "spam")  # authors delete, they do not remove
    seen = []

    def receiver(sender, actor, verb, obj, **kwargs):
        seen.append((verb, actor, kwargs.get("reason")))

    signals.activity.connect(receiver, dispatch_uid="test_feed_removed")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.remove_post(administrator, post, "spam")
    finally:
        signals.activity.disconnect(dispatch_uid="test_feed_removed")
    assert ("removed_post", administrator, "spam") in seen
    assert not Post.objects.exists()
    assert delivered.notices == []


# --- Pins and relaunches ----------------------------------------------------------------------


def test_pin_rules(employee, colleague, editor):
    group = make_group(colleague, "Design", members=[employee])
    company = services.create_post(employee, text="Company news")
    in_group = services.create_post(employee, text="Group news", audience=f"group:{group.pk}")
    with pytest.raises(PermissionDenied):
        services.pin_post(employee, company, True)
    with pytest.raises(PermissionDenied):
        services.pin_post(employee, in_group, True)  # a member, not a moderator
    services.pin_post(editor, company, True)
    services.pin_post(colleague, in_group, True)
    company.refresh_from_db()
    assert company.pinned and company.pinned_at is not None
    services.pin_post(editor, company, False)
    company.refresh_from_db()
    assert not company.pinned and company.pinned_at is None


def test_pinning_a_post_deleted_meanwhile_is_not_found(employee, editor):
    post = services.create_post(employee, text="Going away")
    Post.objects.filter(pk=post.pk).delete()  # by someone else, after the post was loaded
    with pytest.raises(Http404):
        services.pin_post(editor, post, True)
    assert not Post.objects.filter(pk=post.pk).exists()


def test_relaunch_once_brings_the_post_back_to_the_top(employee, editor):
    old = services.create_post(employee, text="Missed")
    newer = services.create_post(employee, text="Newer")
    with pytest.raises(PermissionDenied):
        services.relaunch_post(employee, old)
    assert services.can_relaunch(editor, old)
    services.relaunch_post(editor, old)
    old.refresh_from_db()
    assert old.relaunched_by == editor and old.activity_at > newer.activity_at
    assert list(Post.objects.all())[0] == old
    assert not services.can_relaunch(editor, old)
    with pytest.raises(ValidationError) as error:
        services.relaunch_post(editor, old)
    assert "already" in str(error.value)


def test_permissions_for_matches_the_single_checks(employee, colleague, editor):
    group = make_group(colleague, "Design", members=[employee])
    posts = [
        services.create_post(employee, text="a"),
        services.create_post(employee, text="b", audience=f"group:{group.pk}"),
        services.create_post(colleague, text="c", audience=f"group:{group.pk}"),
    ]
    for user in (employee, colleague, editor):
        bulk = services.permissions_for(user, posts)
        for post in posts:
            assert bulk[post.pk] == {
                "edit": services.can_edit(user, post),
                "delete": services.can_delete(user, post),
                "pin": services.can_pin(user, post),
                "relaunch": services.can_relaunch(user, post),
                "moderate": services.can_moderate(user, post),
            }


# --- Reports -----------------------------------------------------------------------------------


def test_one_open_report_per_person_and_resolution(employee, colleague, administrator):
    post = services.create_post(employee, text="Rude")
    with pytest.raises(ValidationError):
        services.report_post(employee, post, "mine")  # not one's own post
    with pytest.raises(ValidationError) as error:
        services.report_post(colleague, post, "  ")
    assert "reason" in error.value.message_dict
    report = services.report_post(colleague, post, "Rude words")
    with pytest.raises(ValidationError):
        services.report_post(colleague, post, "Again")
    assert list(services.reports_to_handle(administrator)) == [report]
    assert list(services.reports_to_handle(colleague)) == []
    with pytest.raises(PermissionDenied):
        services.resolve_report(colleague, report)
    services.resolve_report(administrator, report, remove=False)
    report.refresh_from_db()
    assert report.resolved_by == administrator
    # Once handled, the same person may report the post again.
    again = services.report_post(colleague, post, "Still rude")
    services.resolve_report(administrator, again, remove=True)
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not Report.objects.exists()


def test_reports_of_a_private_group_go_to_its_moderators_only(
    employee, colleague, outsider, administrator
):
    group = make_group(colleague, "Design", members=[employee, outsider])
    post = services.create_post(employee, text="x", audience=f"group:{group.pk}")
    report = services.report_post(outsider, post, "Spam")
    assert list(services.reports_to_handle(colleague)) == [report]
    assert list(services.reports_to_handle(employee)) == []
    # The network's moderator is not in the private group: its posts are not theirs to see.
    assert list(services.reports_to_handle(administrator)) == []


# --- Follows -----------------------------------------------------------------------------------


def test_follow_people_and_visible_groups(employee, colleague, outsider):
    with pytest.raises(ValidationError):
        services.follow(employee, person=employee)
    follow = services.follow(employee, person=colleague)
    assert services.follow(employee, person=colleague) == follow  # once
    secret = make_group(outsider, "Hidden", privacy=Group.SECRET)
    with pytest.raises(ValidationError):
        services.follow(employee, group=secret)
    public = make_group(outsider, "Open", privacy=Group.PUBLIC)
    services.follow(employee, group=public)
    assert Follow.objects.filter(follower=employee).count() == 2
    assert services.unfollow(employee, person=colleague)
    assert not services.unfollow(employee, person=colleague)
    assert Follow.objects.filter(follower=employee).count() == 1
