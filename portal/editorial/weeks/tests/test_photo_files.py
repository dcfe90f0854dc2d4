"""Initiative photos as files: an HTML polyglot is refused or stored re-encoded under a
safe name, on the private storage, served so that it cannot run, to those who may see the
initiative only (a pending one: its author and the moderators)."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from rest_framework.test import APIClient

from portal.editorial.weeks.models import Initiative
from tests.uploads import (
    ACTIVE_NAMES,
    LONG_NAMES,
    assert_cannot_run,
    assert_same_404,
    browser,
    image_upload,
    polyglot,
)

pytestmark = pytest.mark.django_db


def submit_by_api(user, week, upload):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(
        f"/api/weeks/{week.pk}/initiatives/", {"title": "Act", "photo": upload}, format="multipart"
    )


@pytest.mark.parametrize("name", ACTIVE_NAMES)
@pytest.mark.parametrize("fmt", ["GIF", "PNG"])
def test_a_polyglot_photo_through_the_api_is_refused_or_re_encoded(employee, week, name, fmt):
    response = submit_by_api(employee, week, polyglot(name, fmt))
    if fmt == "GIF":
        assert response.status_code == 400 and "photo" in response.json()["errors"]
        assert not Initiative.objects.exists()
        return
    assert response.status_code == 201, response.json()
    photo = Initiative.objects.get().photo
    assert photo.name.endswith(".png") and storages["private"].exists(photo.name)
    assert_cannot_run(browser(employee).get(response.json()["photo_url"]))
    assert_cannot_run(browser(employee).get(photo.url))


@pytest.mark.parametrize("name", ACTIVE_NAMES)
def test_a_polyglot_photo_through_the_form_is_stored_re_encoded(employee, week, name):
    response = browser(employee).post(
        week.url + "initiatives/submit/", {"title": "Act", "photo": polyglot(name, "PNG")}
    )
    assert response.status_code == 302
    photo = Initiative.objects.get().photo
    assert photo.name.endswith(".png")
    assert_cannot_run(browser(employee).get(photo.url))


@pytest.mark.parametrize("stem", LONG_NAMES)
def test_photo_names_too_long_once_encoded_give_a_clean_result(employee, week, stem):
    response = submit_by_api(employee, week, image_upload(f"{stem}.png"))
    assert response.status_code == 201, response.json()
    assert len(Initiative.objects.get().photo.name.encode("utf-8")) < 80


def test_a_pending_initiatives_photo_is_for_its_author(employee, colleague, week):
    assert submit_by_api(employee, week, image_upload()).status_code == 201
    initiative = Initiative.objects.get()
    missing = f"/files/weeks.initiative.photo/{initiative.pk}/{'0' * 32}.png"
    assert_cannot_run(browser(employee).get(initiative.photo.url))
    for client in (browser(colleague), browser()):
        assert_same_404(client.get(initiative.photo.url), client.get(missing))
        page = week.url + f"initiatives/{initiative.pk}/photo/"
        assert_same_404(client.get(page), client.get(week.url + "initiatives/999999/photo/"))
