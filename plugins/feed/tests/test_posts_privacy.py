"""The feed's privacy export and erasure, its KPIs and its search documents."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plugins.feed import metrics, privacy, services
from plugins.feed.models import Attachment, Follow, Post, Report
from plugins.feed.search import post_document
from plugins.feed.tests.test_services import make_group
from portal import visibility
from search.registry import searchable_types


def test_export_and_erase(employee, colleague, django_capture_on_commit_callbacks):
    post = services.create_post(
        employee, text="Mine #data", files=[SimpleUploadedFile("notes.txt", b"notes")]
    )
    other = services.create_post(colleague, text="Theirs")
    services.follow(employee, person=colleague)
    services.follow(colleague, person=employee)
    services.report_post(employee, other, "Wrong")
    stored = post.attachments.get().file.name

    data = privacy.export_user_data(employee)
    assert data["posts"][0]["text"] == "Mine #data"
    assert data["posts"][0]["attachments"] == ["notes.txt"]
    assert data["posts"][0]["audience"] == "all"
    assert data["follows"][0]["user"] == colleague.pk
    assert data["reports"][0]["reason"] == "Wrong"

    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_user_data(employee)
    assert not Post.objects.filter(author=employee).exists()
    assert Post.objects.filter(pk=other.pk).exists()
    assert not Follow.objects.filter(follower=employee).exists()
    assert not Follow.objects.filter(user=employee).exists()
    assert not Report.objects.exists()
    assert not Attachment._meta.get_field("file").storage.exists(stored)


def test_metrics(employee, colleague):
    services.create_post(employee, text="One")
    services.create_post(colleague, text="Two")
    old = services.create_post(colleague, text="Old")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    values = {metric.key: metric.value for metric in metrics.collect_metrics()}
    assert values["feed.posts_30d.status"] == 2
    assert values["feed.posts_30d.poll"] == 0
    assert values["feed.posters_30d"] == 2


def test_search_documents_and_their_audience(employee, colleague):
    assert "feed.post" in searchable_types()
    group = make_group(employee, "Design", members=[colleague])
    post = services.create_post(employee, text="Roadmap #planning", audience=f"group:{group.pk}")
    document = post_document(post)
    assert document["title"] == "Roadmap #planning"
    assert document["type"] == "post" and document["tags"] == ["planning"]
    assert document["url"] == post.get_absolute_url()
    assert document["author"] == employee.get_full_name()
    # The group's alone: its author finds it as a member, and no more once they leave.
    assert visibility.tokens_for_object(post) == {f"group:{group.pk}"}


def test_a_post_never_goes_to_named_people(employee, colleague):
    """Posts have no named-people audience (their querysets skip that subquery): a post
    forced to it is its author's alone, in can_view and filter_visible alike."""
    post = services.create_post(colleague, text="Hello")
    Post.objects.filter(pk=post.pk).update(audience=visibility.PEOPLE)
    post.refresh_from_db()
    post.audience_people.add(employee)
    assert not visibility.can_view(employee, post)
    assert not visibility.filter_visible(employee, Post.objects.filter(pk=post.pk)).exists()
    assert visibility.can_view(colleague, post)
    assert visibility.filter_visible(colleague, Post.objects.filter(pk=post.pk)).exists()
