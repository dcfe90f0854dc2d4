"""Fixtures of the groups tests: groups of each privacy, people around them, and what the
notification service delivers."""

from __future__ import annotations

import io

import pytest


@pytest.fixture
def owner(db, departments):
    from tests.factories import make_user

    return make_user("owner@example.com", department=departments["sales"])


@pytest.fixture
def outsider(db):
    from tests.factories import make_user

    return make_user("outsider@example.com")


@pytest.fixture
def public_group(owner):
    from plugins.groups import services

    return services.create_group(owner, name="Runners", privacy="public", tags=["sport"])


@pytest.fixture
def private_group(owner):
    from plugins.groups import services

    return services.create_group(owner, name="Board", privacy="private")


@pytest.fixture
def secret_group(owner):
    from plugins.groups import services

    return services.create_group(
        owner, name="Acquisition project", description="Project Falcon", privacy="secret"
    )


@pytest.fixture
def delivered():
    """The notices the notification service hands over, as (kind, recipient emails)."""
    from portal import signals

    notices = []

    def receive(sender, notice, recipients, **kwargs):
        notices.append((notice.kind, sorted(user.email for user in recipients)))

    signals.notification_delivery.connect(receive, dispatch_uid="groups_tests_delivered")
    yield notices
    signals.notification_delivery.disconnect(dispatch_uid="groups_tests_delivered")


def image_upload(name="cover.png", image_format="PNG", size=(40, 20)):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{name[-3:]}")
