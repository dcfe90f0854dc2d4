"""The directory page, profile pages, the HR completeness page and the navigation."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from plugins.people import orgchart
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def person(email, department=None, **profile_fields):
    first, last = email.split("@")[0].split(".")
    user = make_user(email, department=department, first_name=first.title(), last_name=last.title())
    skills = profile_fields.pop("skills", [])
    for name, value in profile_fields.items():
        setattr(user.profile, name, value)
    user.profile.save()
    if skills:
        user.profile.skills.set(skills)
    return user


@pytest.fixture
def team(departments):
    boss = person("alice.martin@example.com", departments["engineering"], job_title="CTO")
    dev = person(
        "bruno.petit@example.com",
        departments["platform"],
        job_title="Developer",
        location="Lyon",
        skills=["Kubernetes", "Python"],
        start_date=timezone.localdate() - datetime.timedelta(days=10),
    )
    seller = person(
        "chloe.roux@example.com",
        departments["sales"],
        job_title="Account manager",
        location="Paris",
        start_date=timezone.localdate() - datetime.timedelta(days=400),
    )
    orgchart.set_manager(dev.profile, boss.profile)
    return {"boss": boss, "dev": dev, "seller": seller}


def names(response) -> list[str]:
    return [card["profile"].user.last_name for card in response.context["cards"]]


def test_directory_lists_active_people(logged_in, team):
    team["seller"].is_active = False
    team["seller"].save()
    response = logged_in.get("/people/")
    assert response.status_code == 200
    assert "Martin" in names(response) and "Petit" in names(response)
    assert "Roux" not in names(response)
    html = response.content.decode()
    assert 'role="search"' in html and "Engineering › Platform" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=bruno", ["Petit"]),
        ("q=PETIT", ["Petit"]),
        ("q=account", ["Roux"]),
        ("q=kubernetes", ["Petit"]),
        ("q=sales", ["Roux"]),
        ("q=bruno+python", ["Petit"]),
        ("q=bruno+paris", []),
        ("skill=python", ["Petit"]),
        ("location=Paris", ["Roux"]),
        ("new=on", ["Petit"]),
    ],
)
def test_search_and_filters(logged_in, team, query, expected):
    response = logged_in.get(f"/people/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_department_filter_includes_sub_departments(logged_in, team, departments):
    response = logged_in.get(f"/people/?department={departments['engineering'].pk}")
    assert sorted(names(response)) == ["Martin", "Petit", "Tester"]  # Tester: the employee
    response = logged_in.get(f"/people/?department={departments['platform'].pk}")
    assert names(response) == ["Petit", "Tester"]


def test_unknown_department_shows_nobody_and_the_error(logged_in, team):
    response = logged_in.get("/people/?department=999999")
    assert response.status_code == 200
    assert names(response) == []
    assert response.context["form"].errors["department"]


def test_directory_is_paginated_and_keeps_filters(logged_in, departments):
    for number in range(25):
        person(f"p{number:02}.sales@example.com", departments["sales"])
    response = logged_in.get("/people/?q=sales")
    assert len(response.context["cards"]) == 20
    assert 'href="?q=sales&amp;page=2"' in response.content.decode()
    assert len(logged_in.get("/people/?q=sales&page=2").context["cards"]) == 5


def test_directory_query_count_does_not_grow(logged_in, departments):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert logged_in.get("/people/").status_code == 200
        return len(context)

    person("one.person@example.com", departments["sales"], skills=["a"])
    count_queries()  # caches of the site and of the reader's access
    few = count_queries()
    for number in range(10):
        person(f"n{number}.more@example.com", departments["platform"], skills=["b", "c"])
    assert count_queries() == few


def test_directory_needs_login(client):
    response = client.get("/people/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_profile_page_shows_manager_chain_reports_and_unit(logged_in, team, departments):
    top = person("zoe.durand@example.com", departments["company"], job_title="CEO")
    orgchart.set_manager(team["boss"].profile, top.profile)
    dev = team["dev"]
    dev.profile.refresh_from_db()
    response = logged_in.get(f"/people/{dev.profile.pk}/")
    assert response.status_code == 200
    assert response.context["manager"].pk == team["boss"].profile.pk
    assert [p.pk for p in response.context["chain"]] == [top.profile.pk, team["boss"].profile.pk]
    assert response.context["trail"] == ["Company", "Engineering", "Platform"]
    html = response.content.decode()
    assert "Kubernetes" in html and "Edit my profile" not in html
    # The account's permission groups (roles) are not shown to colleagues; the main menu
    # may have a "Groups" entry of its own.
    main = html[html.index('<main id="main"') : html.index("</main>")]
    assert "Groups" not in main
    boss_page = logged_in.get(f"/people/{team['boss'].profile.pk}/")
    assert [r["profile"].pk for r in boss_page.context["reports"]] == [dev.profile.pk]


def test_own_profile_has_the_edit_link_and_completeness(logged_in, employee):
    response = logged_in.get("/people/me/")
    assert response.status_code == 302
    response = logged_in.get(response["Location"])
    html = response.content.decode()
    assert 'href="/people/me/edit/"' in html
    assert response.context["completeness"].score == 0


def test_deactivated_people_have_no_profile_page_and_leave_reports(logged_in, team):
    team["dev"].is_active = False
    team["dev"].save()
    assert logged_in.get(f"/people/{team['dev'].profile.pk}/").status_code == 404
    boss_page = logged_in.get(f"/people/{team['boss'].profile.pk}/")
    assert boss_page.context["reports"] == []


def test_unknown_profile_is_404(logged_in):
    assert logged_in.get("/people/999999/").status_code == 404


def test_completeness_page_is_for_hr(client, employee, hr_user, team):
    client.force_login(employee)
    assert client.get("/people/completeness/").status_code == 403
    assert 'href="/people/completeness/"' not in client.get("/people/").content.decode()
    client.force_login(hr_user)
    assert 'href="/people/completeness/"' in client.get("/people/").content.decode()
    response = client.get("/people/completeness/")
    assert response.status_code == 200
    assert {row.name for row in response.context["rows"]} >= {"Platform", "Sales"}
    assert response.context["total"].people >= 4


def test_people_is_in_the_navigation(logged_in):
    response = logged_in.get("/people/")
    html = response.content.decode()
    assert 'href="/people/"' in html and 'aria-current="page"' in html


def test_directory_cards_show_photos_from_the_loaded_profiles(logged_in, departments):
    """The avatar tag reads the photo from the profile loaded with the card (never a query):
    a person with a photo gets an <img>, one without gets initials."""
    from plugins.people.models import Profile

    pictured = person("pia.photo@example.com", departments["sales"])
    person("ines.initials@example.com", departments["sales"])
    Profile.objects.filter(pk=pictured.profile.pk).update(photo="people/photos/pia.png")
    html = logged_in.get("/people/?q=example").content.decode()
    cards = html.split('class="card card--link people-card"')[1:]
    with_photo = [card for card in cards if "Pia" in card.split("</li>")[0]]
    without = [card for card in cards if "Ines" in card.split("</li>")[0]]
    assert with_photo and "<img" in with_photo[0].split("</span>")[0]
    assert without and "<img" not in without[0].split("</span>")[0]
