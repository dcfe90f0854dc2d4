"""Profiles: completeness, the default photo, photo checks and editing one's own profile."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from plugins.people import avatars, completeness, forms
from plugins.people.models import Profile
from portal import avatars as core_avatars
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def image_file(fmt: str = "PNG", name: str = "photo.png", size=(20, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def complete(profile: Profile) -> Profile:
    profile.job_title = "Engineer"
    profile.phone = "+33 1 23 45 67 89"
    profile.bio = "Builds things."
    profile.photo = image_file()
    profile.save()
    profile.skills.set(["python"])
    profile.languages.set(["French"])
    return profile


# --- completeness ---------------------------------------------------------------------


def test_every_account_has_an_empty_profile_that_lists_everything_missing(employee):
    result = completeness.completeness(employee.profile)
    assert result.score == 0
    assert result.missing == ["photo", "job_title", "phone", "bio", "skills", "languages"]


def test_a_filled_profile_is_complete(employee):
    result = completeness.completeness(complete(employee.profile))
    assert result.score == 100
    assert result.missing == []


def test_score_counts_each_item_once(employee):
    profile = employee.profile
    profile.bio = "Hello"
    profile.save()
    profile.skills.set(["django", "sql"])
    result = completeness.completeness(Profile.objects.get(pk=profile.pk))
    assert result.score == 33
    assert "photo" in result.missing and "bio" not in result.missing
    assert "skills" not in result.missing


def test_blank_text_does_not_count(employee):
    employee.profile.bio = "   "
    employee.profile.save()
    assert "bio" in completeness.completeness(employee.profile).missing


def test_aggregate_per_department(employee, colleague, departments, django_assert_num_queries):
    complete(employee.profile)
    other = make_user("other@example.com", department=departments["platform"])
    make_user("gone@example.com", department=departments["platform"], is_active=False)
    with django_assert_num_queries(1):
        total, rows = completeness.by_department(Profile.objects.filter(user__is_active=True))
    by_name = {row.name: row for row in rows}
    assert total.people == 3
    platform = by_name["Platform"]
    assert (platform.people, platform.complete, platform.average) == (2, 1, 50)
    assert platform.missing["photo"] == 1
    assert by_name["Sales"].missing["bio"] == 1
    assert other.profile.pk


# --- the default photo ----------------------------------------------------------------


def test_initials():
    assert avatars.initials("Ada", "Lovelace") == "AL"
    assert avatars.initials("", "", "zoe@example.com") == "Z"
    assert avatars.initials("", "") == "?"


def test_colour_is_stable_and_from_the_palette():
    # One colour per person everywhere: the core's avatars (portal/avatars.py).
    assert core_avatars.colour(7) == core_avatars.colour(7)
    assert {core_avatars.colour(n) for n in range(50)} <= set(core_avatars.COLOURS)
    assert len({core_avatars.colour(n) for n in range(50)}) > 1


def test_default_photo_is_an_svg_with_initials(logged_in, colleague):
    profile = colleague.profile
    assert avatars.photo_url(profile) == f"/people/{profile.pk}/avatar.svg"
    response = logged_in.get(avatars.photo_url(profile))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith("<svg") and ">CT</text>" in body
    assert core_avatars.colour(colleague) in body


def test_initials_are_escaped_in_the_svg(employee):
    employee.first_name = "<b>"
    employee.save()
    assert "<b>" not in avatars.avatar_svg(employee.profile).split("<text", 1)[1]


def test_an_uploaded_photo_replaces_the_default(employee):
    profile = complete(employee.profile)
    # Served through the policy (portal.files), never from public media.
    assert avatars.photo_url(profile).startswith(f"/files/people.profile.photo/{profile.pk}/")


def test_default_photo_of_a_deactivated_person_is_not_found(logged_in, colleague):
    colleague.is_active = False
    colleague.save()
    assert logged_in.get(f"/people/{colleague.profile.pk}/avatar.svg").status_code == 404


# --- photo checks ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_photo_formats(fmt):
    forms.validate_photo(image_file(fmt, f"photo.{fmt.lower()}"))


def test_gif_is_refused():
    with pytest.raises(ValidationError):
        forms.validate_photo(image_file("GIF", "photo.gif"))


def test_not_an_image_is_refused():
    with pytest.raises(ValidationError):
        forms.validate_photo(SimpleUploadedFile("photo.png", b"not an image at all"))


def test_a_photo_over_5_mb_is_refused(monkeypatch):
    upload = image_file()
    upload.size = forms.MAX_PHOTO_BYTES + 1
    with pytest.raises(ValidationError) as error:
        forms.validate_photo(upload)
    assert error.value.code == "file_too_large"


# --- the edit page --------------------------------------------------------------------


def test_edit_page_shows_self_fields_and_hr_fields_read_only(logged_in, employee):
    employee.profile.job_title = "Platform engineer"
    employee.profile.save()
    response = logged_in.get("/people/me/edit/")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) == set(Profile.SELF_FIELDS)
    html = response.content.decode()
    assert "Platform engineer" in html
    assert 'name="job_title"' not in html


def test_employee_edits_their_profile(logged_in, employee):
    response = logged_in.post(
        "/people/me/edit/",
        {"phone": "0102030405", "bio": "Hello", "skills": "python, sql", "languages": "French"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/people/{employee.profile.pk}/"
    profile = Profile.objects.get(pk=employee.profile.pk)
    assert (profile.phone, profile.bio) == ("0102030405", "Hello")
    assert sorted(profile.skills.names()) == ["python", "sql"]
    assert list(profile.languages.names()) == ["French"]


def test_hr_fields_posted_to_the_edit_page_are_ignored(logged_in, employee, colleague):
    logged_in.post(
        "/people/me/edit/",
        {"bio": "x", "job_title": "CEO", "location": "Moon", "manager": colleague.profile.pk},
    )
    profile = Profile.objects.get(pk=employee.profile.pk)
    assert (profile.job_title, profile.location, profile.manager) == ("", "", None)
    assert profile.bio == "x"


def test_photo_upload_on_the_edit_page(logged_in, employee):
    response = logged_in.post("/people/me/edit/", {"photo": image_file("JPEG", "me.jpg")})
    assert response.status_code == 302
    assert Profile.objects.get(pk=employee.profile.pk).photo


def test_bad_photo_on_the_edit_page_is_refused_and_nothing_is_saved(logged_in, employee):
    response = logged_in.post(
        "/people/me/edit/", {"bio": "new", "photo": image_file("GIF", "me.gif")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    profile = Profile.objects.get(pk=employee.profile.pk)
    assert not profile.photo and profile.bio == ""


def test_edit_page_needs_login(client):
    response = client.get("/people/me/edit/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


# --- adoption figures ------------------------------------------------------------------


def test_the_adoption_dashboard_counts_filled_in_profiles_of_active_people(employee, colleague):
    from portal import metrics

    complete(employee.profile)
    colleague.profile.job_title = "Sales"
    colleague.profile.save()
    gone = make_user("gone@example.com")
    complete(gone.profile)
    gone.is_active = False
    gone.save()

    values = {metric.key: metric.value for metric in metrics.collect_metrics()}
    assert values["people.profiles"] == 2
    assert values["people.complete"] == 1
    assert values["people.with_photo"] == 1
    assert values["people.completeness"] == round((100 + round(100 / 6)) / 2)
