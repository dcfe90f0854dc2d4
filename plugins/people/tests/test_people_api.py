"""/api/people/: the directory, profiles, one's own profile and HR's completeness."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from plugins.people import orgchart
from plugins.people.models import Profile
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def person(email, department=None, skills=(), **profile_fields):
    first, last = email.split("@")[0].split(".")
    user = make_user(email, department=department, first_name=first.title(), last_name=last.title())
    Profile.objects.filter(pk=user.profile.pk).update(**profile_fields)
    if skills:
        user.profile.skills.set(list(skills))
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def last_names(response) -> list[str]:
    return [row["last_name"] for row in response.json()["results"]]


@pytest.fixture
def team(departments):
    boss = person("alice.martin@example.com", departments["engineering"], job_title="CTO")
    dev = person(
        "bruno.petit@example.com",
        departments["platform"],
        skills=["Python", "Kubernetes"],
        job_title="Developer",
        location="Lyon",
        start_date=timezone.localdate() - datetime.timedelta(days=5),
    )
    seller = person(
        "chloe.roux@example.com",
        departments["sales"],
        job_title="Account manager",
        location="Paris",
    )
    orgchart.set_manager(dev.profile, boss.profile)
    return {"boss": boss, "dev": dev, "seller": seller}


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/people/", "/api/people/1/", "/api/people/me/", "/api/people/completeness/"]
)
def test_anonymous_gets_401(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_completeness_is_for_hr(employee_client, hr_user, team):
    assert employee_client.get("/api/people/completeness/").status_code == 403
    response = client_for(hr_user).get("/api/people/completeness/")
    assert response.status_code == 200
    body = response.json()
    platform = next(row for row in body["departments"] if row["name"] == "Platform")
    assert platform["people"] == 2  # the employee and Bruno
    assert set(platform["missing"]) == {"photo", "job_title", "phone", "bio", "skills", "languages"}
    assert body["total"]["people"] >= 4


def test_the_list_is_read_only(employee_client, team):
    assert employee_client.post("/api/people/", {}).status_code == 405
    url = f"/api/people/{team['dev'].profile.pk}/"
    assert employee_client.patch(url, {"bio": "hacked"}).status_code == 405
    assert employee_client.delete(url).status_code == 405
    assert Profile.objects.get(pk=team["dev"].profile.pk).bio == ""


# --- list, search, filters ------------------------------------------------------------


def test_list_is_paginated_and_shaped(employee_client, team):
    response = employee_client.get("/api/people/?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    dev = employee_client.get("/api/people/?q=bruno").json()["results"][0]
    assert dev["unit"] == "Engineering › Platform"
    assert dev["department"]["name"] == "Platform"
    assert sorted(dev["skills"]) == ["Kubernetes", "Python"]
    assert dev["photo_url"].endswith("/avatar.svg")
    assert dev["url"] == f"/people/{team['dev'].profile.pk}/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=alice", ["Martin"]),
        ("q=roux@example", ["Roux"]),
        ("q=developer", ["Petit"]),
        ("q=python", ["Petit"]),
        ("q=sales", ["Roux"]),
        ("q=nobody", []),
        ("location=lyon", ["Petit"]),
        ("skill=kubernetes", ["Petit"]),
        ("skill=kube", []),
        ("new=true", ["Petit"]),
        ("new=false&q=roux", ["Roux"]),
    ],
)
def test_search_and_filters(employee_client, team, query, expected):
    response = employee_client.get(f"/api/people/?{query}")
    assert response.status_code == 200
    assert last_names(response) == expected


def test_department_filter_includes_sub_departments(employee_client, team, departments):
    response = employee_client.get(f"/api/people/?department={departments['engineering'].pk}")
    assert sorted(last_names(response)) == ["Martin", "Petit", "Tester"]
    response = employee_client.get(f"/api/people/?department={departments['sales'].pk}")
    assert last_names(response) == ["Roux"]


@pytest.mark.parametrize("query", ["department=999999", "department=abc", "new=maybe"])
def test_bad_filters_are_400_with_the_field(employee_client, team, query):
    response = employee_client.get(f"/api/people/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert query.split("=")[0] in body["errors"]


def test_deactivated_people_are_invisible(employee_client, team):
    dev = team["dev"]
    dev.is_active = False
    dev.save()
    assert "Petit" not in last_names(employee_client.get("/api/people/"))
    assert last_names(employee_client.get("/api/people/?q=python")) == []
    assert employee_client.get(f"/api/people/{dev.profile.pk}/").status_code == 404
    boss = employee_client.get(f"/api/people/{team['boss'].profile.pk}/").json()
    assert boss["reports"] == []


def test_a_deactivated_account_cannot_use_the_api(employee, team):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=employee).key}")
    assert client.get("/api/people/").status_code == 200
    employee.is_active = False
    employee.save()
    assert client.get("/api/people/").status_code in (401, 403)


def test_list_query_count_is_constant(employee_client, departments):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert employee_client.get("/api/people/").status_code == 200
        return len(context)

    person("first.one@example.com", departments["sales"], skills=["a"])
    few = queries()
    for number in range(12):
        person(f"p{number}.many@example.com", departments["platform"], skills=["b", "c"])
        Profile.objects.get(user__email=f"p{number}.many@example.com").languages.set(["French"])
    assert queries() == few


# --- detail ---------------------------------------------------------------------------


def test_detail_has_manager_reports_and_chain(employee_client, team, departments):
    top = person("zoe.durand@example.com", departments["company"], job_title="CEO")
    orgchart.set_manager(team["boss"].profile, top.profile)
    dev_id = team["dev"].profile.pk
    body = employee_client.get(f"/api/people/{dev_id}/").json()
    assert body["manager"]["id"] == team["boss"].profile.pk
    assert [p["id"] for p in body["chain"]] == [top.profile.pk, team["boss"].profile.pk]
    assert body["units"] == ["Company", "Engineering", "Platform"]
    assert body["reports"] == []
    boss = employee_client.get(f"/api/people/{team['boss'].profile.pk}/").json()
    assert [p["id"] for p in boss["reports"]] == [dev_id]
    assert "groups" not in body


def test_unknown_person_is_404(employee_client):
    response = employee_client.get("/api/people/999999/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


# --- me -------------------------------------------------------------------------------


def test_me_shows_own_profile_and_completeness(employee_client, employee):
    body = employee_client.get("/api/people/me/").json()
    assert body["id"] == employee.profile.pk
    assert body["completeness"] == {
        "score": 0,
        "missing": ["photo", "job_title", "phone", "bio", "skills", "languages"],
    }


def test_patch_me_changes_self_fields(employee_client, employee):
    response = employee_client.patch(
        "/api/people/me/",
        {
            "bio": "I like graphs.",
            "phone": "0600000000",
            "skills": ["Go", "SQL"],
            "languages": ["English"],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["bio"] == "I like graphs." and sorted(body["skills"]) == ["Go", "SQL"]
    assert body["completeness"]["score"] == 67
    profile = Profile.objects.get(pk=employee.profile.pk)
    assert list(profile.languages.names()) == ["English"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("job_title", "CEO"),
        ("manager", 1),
        ("location", "Moon"),
        ("start_date", "2020-01-01"),
        ("employee_id", "X1"),
    ],
)
def test_patch_of_an_hr_field_is_400_naming_it(employee_client, employee, field, value):
    response = employee_client.patch("/api/people/me/", {field: value, "bio": "x"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert "HR" in body["errors"][field][0]
    profile = Profile.objects.get(pk=employee.profile.pk)
    assert profile.bio == "" and profile.job_title == ""


def test_patch_too_long_bio_is_400(employee_client, employee):
    response = employee_client.patch("/api/people/me/", {"bio": "x" * 1001}, format="json")
    assert response.status_code == 400
    assert "bio" in response.json()["errors"]


def image(fmt: str, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 100, 200)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_patch_me_photo_upload(employee_client, employee, client):
    response = employee_client.patch(
        "/api/people/me/", {"photo": image("WEBP", "me.webp")}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    # Served through the policy, under a generated name of the detected format.
    url = response.json()["photo_url"]
    assert "/files/people.profile.photo/" in url and url.endswith(".webp")
    assert "photo" not in response.json()["completeness"]["missing"]
    client.force_login(employee)
    served = client.get(url.removeprefix("http://testserver"))
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"


@pytest.mark.parametrize(
    "upload",
    [
        lambda: image("GIF", "me.gif"),
        lambda: SimpleUploadedFile("me.png", b"this is not a picture"),
    ],
)
def test_patch_me_bad_photo_is_400(employee_client, employee, upload):
    response = employee_client.patch("/api/people/me/", {"photo": upload()}, format="multipart")
    assert response.status_code == 400
    assert "photo" in response.json()["errors"]
    assert not Profile.objects.get(pk=employee.profile.pk).photo


def test_patch_me_too_big_photo_is_400(employee_client, employee, monkeypatch):
    from plugins.people import forms

    monkeypatch.setattr(forms, "MAX_PHOTO_BYTES", 10)
    response = employee_client.patch(
        "/api/people/me/", {"photo": image("PNG", "me.png")}, format="multipart"
    )
    assert response.status_code == 400
    assert "5 MB" in response.json()["errors"]["photo"][0]


def test_schema_lists_the_people_endpoints(employee_client):
    response = employee_client.get("/api/schema/?format=json")
    paths = response.json()["paths"]
    assert {
        "/api/people/",
        "/api/people/{id}/",
        "/api/people/me/",
        "/api/people/completeness/",
    } <= set(paths)
