"""A group's files page: every attachment of the group's posts, for the people who may see
the group's posts, and nothing for anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from plugins.feed.models import Attachment
from plugins.feed.tests.test_events import make_group, make_post, outsider  # noqa: F401
from plugins.groups.models import Group, Membership


def attach_file(post, name="plan.pdf", content=b"%PDF-1.4 plan"):
    return Attachment.objects.create(
        post=post,
        file=ContentFile(content, name=name),
        name=name,
        size=len(content),
        content_type="application/pdf",
    )


@pytest.fixture
def private_group(employee, colleague):
    return make_group(members=[employee, colleague])


def files_url(group) -> str:
    return reverse("feed:group_files", args=[group.slug])


def test_members_see_every_file_newest_first(client, employee, colleague, private_group):
    older = make_post(employee, group=private_group)
    older.created_at = timezone.now() - timedelta(days=2)
    older.save()
    attach_file(older, "budget-2025.pdf")
    attach_file(make_post(colleague, group=private_group), "roadmap.pdf", b"x" * 2048)
    attach_file(make_post(employee), "company-wide.pdf")
    client.force_login(colleague)
    response = client.get(files_url(private_group))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("roadmap.pdf") < content.index("budget-2025.pdf")
    assert "company-wide.pdf" not in content
    assert "2.0\xa0KB" in content
    assert str(employee) in content


def test_the_page_says_when_there_is_nothing(logged_in, private_group):
    response = logged_in.get(files_url(private_group))
    assert response.status_code == 200
    assert "No files have been shared in this group yet." in response.content.decode()


@pytest.mark.parametrize("privacy", [Group.PRIVATE, Group.SECRET])
def test_outsiders_get_404(client, employee, outsider, privacy):  # noqa: F811
    group = make_group("Inner circle", privacy, members=[employee])
    attach_file(make_post(employee, group=group), "secret-plan.pdf")
    client.force_login(outsider)
    response = client.get(files_url(group))
    assert response.status_code == 404
    assert "secret-plan.pdf" not in response.content.decode()


def test_everyone_sees_the_files_of_a_public_group(client, employee, outsider):  # noqa: F811
    group = make_group("Runners", Group.PUBLIC, members=[employee])
    attach_file(make_post(employee, group=group), "race-map.pdf")
    client.force_login(outsider)
    response = client.get(files_url(group))
    assert response.status_code == 200
    assert "race-map.pdf" in response.content.decode()


def test_a_removed_member_loses_the_files_at_once(client, colleague, private_group):
    Membership.objects.filter(group=private_group, user=colleague).delete()
    client.force_login(colleague)
    assert client.get(files_url(private_group)).status_code == 404


def test_an_unknown_group_is_404(logged_in):
    assert logged_in.get(reverse("feed:group_files", args=["nowhere"])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, private_group):
    response = client.get(files_url(private_group))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_files_are_paginated(logged_in, employee, private_group):
    post = make_post(employee, group=private_group)
    for number in range(30):
        attach_file(post, f"file-{number:02d}.pdf")
    first = logged_in.get(files_url(private_group)).content.decode()
    second = logged_in.get(files_url(private_group) + "?page=2").content.decode()
    assert first.count("</tr>") == 25 + 1  # and the heading row
    assert second.count("</tr>") == 5 + 1
    assert "file-29.pdf" in first and "file-00.pdf" in second
