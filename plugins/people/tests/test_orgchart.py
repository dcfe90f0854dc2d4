"""The org chart: materialised paths kept right, the /api/orgchart/ endpoints (shape,
validation, permissions, deactivated people) and the page; reading a subtree of 1,000
people costs the same few queries as reading three."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plugins.people import orgchart
from plugins.people.models import Profile
from plugins.people.orgchart import ManagerCycleError, compute_paths, rebuild_paths, set_manager
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/api/orgchart/"


def person(email: str, manager: Profile | None = None, **fields) -> Profile:
    """A person (account and profile) reporting to ``manager``."""
    first, _, last = email.split("@")[0].partition(".")
    user = make_user(email, first_name=first.title(), last_name=(last or "Tester").title())
    profile = user.profile
    for name, value in fields.items():
        setattr(profile, name, value)
    if fields:
        profile.save()
    if manager is not None:
        set_manager(profile, manager)
    profile.refresh_from_db()
    return profile


@pytest.fixture
def company(employee):
    """ceo > (cto > (dev1, dev2 > intern), cfo); the employee reports to the cto."""
    ceo = person("ada.ceo@example.com", job_title="CEO")
    cto = person("bob.cto@example.com", ceo, job_title="CTO")
    cfo = person("cleo.cfo@example.com", ceo)
    dev1 = person("dan.dev@example.com", cto)
    dev2 = person("eve.dev@example.com", cto)
    intern = person("finn.intern@example.com", dev2)
    me = employee.profile
    set_manager(me, cto)
    for profile in (ceo, cto, cfo, dev1, dev2, intern, me):
        profile.refresh_from_db()
    return {
        "ceo": ceo, "cto": cto, "cfo": cfo, "dev1": dev1, "dev2": dev2,
        "intern": intern, "me": me,
    }  # fmt: skip


def ids(nodes: list[dict]) -> list[int]:
    return [node["id"] for node in nodes]


def deactivate(profile: Profile) -> None:
    profile.user.is_active = False
    profile.user.save(update_fields=["is_active"])


# --- Materialised paths ---------------------------------------------------------------


def test_compute_paths_gives_paths_and_depths_and_refuses_cycles():
    paths = compute_paths({1: None, 2: 1, 3: 2, 4: 99})
    assert paths == {1: ("/1/", 0), 2: ("/1/2/", 1), 3: ("/1/2/3/", 2), 4: ("/4/", 0)}
    with pytest.raises(ManagerCycleError):
        compute_paths({1: 3, 2: 1, 3: 2})
    with pytest.raises(ManagerCycleError):
        compute_paths({1: 1})


def test_set_manager_moves_the_whole_team_and_refuses_cycles(company):
    cto, cfo, dev2, intern = (company[k] for k in ("cto", "cfo", "dev2", "intern"))
    set_manager(cto, cfo)
    intern.refresh_from_db()
    dev2.refresh_from_db()
    ceo_id = company["ceo"].pk
    assert intern.manager_path == f"/{ceo_id}/{cfo.pk}/{cto.pk}/{dev2.pk}/{intern.pk}/"
    assert (dev2.depth, intern.depth) == (3, 4)

    cto.refresh_from_db()
    for new_manager in (cto, intern):
        with pytest.raises(ManagerCycleError):
            set_manager(cto, new_manager)
    cto.refresh_from_db()
    assert cto.manager_id == cfo.pk  # a refused move changes nothing

    set_manager(cto, None)
    intern.refresh_from_db()
    assert intern.manager_path == f"/{cto.pk}/{dev2.pk}/{intern.pk}/"
    assert intern.depth == 2


def test_rebuild_paths_repairs_bulk_changes(company):
    intern, cfo = company["intern"], company["cfo"]
    Profile.objects.filter(pk=intern.pk).update(manager=cfo)  # as a bulk import would
    assert rebuild_paths() == 1
    intern.refresh_from_db()
    assert intern.manager_path == f"{cfo.manager_path}{intern.pk}/"
    assert intern.depth == 2
    assert rebuild_paths() == 0


# --- /api/orgchart/ -----------------------------------------------------------------


def test_anonymous_people_get_401_everywhere(api_client, company):
    for path in ("", "chain/?person=1", "departments/", "search/?q=ada"):
        response = api_client.get(URL + path)
        assert response.status_code == 401, path
        assert set(response.json()) == {"status", "code", "detail"}


def test_default_chart_starts_at_the_top_two_levels_down(employee_client, company):
    response = employee_client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert (body["root"], body["depth"]) == (None, 2)
    ceo = next(node for node in body["nodes"] if node["id"] == company["ceo"].pk)
    assert ceo["name"] == "Ada Ceo"
    assert ceo["job_title"] == "CEO"
    assert ceo["initials"] == "AC"
    assert ceo["photo_url"] is None
    assert ceo["url"] == reverse("people:profile", args=[company["ceo"].pk])
    assert ceo["reports_count"] == 2
    assert ids(ceo["children"]) == [company["cfo"].pk, company["cto"].pk]  # by last name
    cto = ceo["children"][1]
    assert cto["reports_count"] == 3
    assert {child["children"] == [] for child in cto["children"]} == {True}
    dev2 = next(child for child in cto["children"] if child["id"] == company["dev2"].pk)
    assert dev2["reports_count"] == 1  # the intern, below the depth limit
    me = next(child for child in cto["children"] if child["id"] == company["me"].pk)
    assert me["department"] == "Platform"


def test_subtree_of_a_root_with_a_depth(employee_client, company):
    body = employee_client.get(URL, {"root": company["cto"].pk, "depth": 1}).json()
    assert body["root"] == company["cto"].pk
    [cto] = body["nodes"]
    assert set(ids(cto["children"])) == {company[k].pk for k in ("dev1", "dev2", "me")}

    [cto] = employee_client.get(URL, {"root": company["cto"].pk, "depth": 0}).json()["nodes"]
    assert (cto["children"], cto["reports_count"]) == ([], 3)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"root": "abc"}, "root"),
        ({"root": 0}, "root"),
        ({"depth": -1}, "depth"),
        ({"depth": 11}, "depth"),
        ({"depth": "deep"}, "depth"),
    ],
)
def test_bad_parameters_are_400_with_field_errors(employee_client, company, params, field):
    response = employee_client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert field in body["errors"]


def test_unknown_or_deactivated_root_is_404(employee_client, company):
    assert employee_client.get(URL, {"root": 999999}).status_code == 404
    deactivate(company["cfo"])
    response = employee_client.get(URL, {"root": company["cfo"].pk})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_deactivated_people_are_skipped_and_their_team_goes_up(employee_client, company):
    deactivate(company["dev2"])
    body = employee_client.get(URL, {"root": company["cto"].pk, "depth": 2}).json()
    [cto] = body["nodes"]
    assert set(ids(cto["children"])) == {company[k].pk for k in ("dev1", "me", "intern")}
    assert cto["reports_count"] == 3


def test_deactivated_manager_at_the_depth_limit_still_shows_more_below(employee_client, company):
    deactivate(company["dev2"])
    [cto] = employee_client.get(URL, {"root": company["cto"].pk, "depth": 1}).json()["nodes"]
    assert set(ids(cto["children"])) == {company["dev1"].pk, company["me"].pk}
    assert cto["reports_count"] == 3  # the intern, who now reports to the cto, is below


def test_deactivated_top_person_leaves_their_reports_at_the_top(employee_client, company):
    deactivate(company["ceo"])
    nodes = employee_client.get(URL).json()["nodes"]
    assert set(ids(nodes)) >= {company["cto"].pk, company["cfo"].pk}
    assert company["ceo"].pk not in ids(nodes)


def test_a_root_whose_path_was_never_computed_is_not_the_whole_company(employee_client, company):
    Profile.objects.filter(pk=company["cfo"].pk).update(manager_path="")
    [cfo] = employee_client.get(URL, {"root": company["cfo"].pk}).json()["nodes"]
    assert (cfo["id"], cfo["children"]) == (company["cfo"].pk, [])


def test_chain_of_command_from_the_top_skips_deactivated_managers(employee_client, company):
    response = employee_client.get(URL + "chain/", {"person": company["intern"].pk})
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["id"] == company["intern"].pk
    assert ids(body["chain"]) == [company[k].pk for k in ("ceo", "cto", "dev2")]

    deactivate(company["cto"])
    body = employee_client.get(URL + "chain/", {"person": company["intern"].pk}).json()
    assert ids(body["chain"]) == [company["ceo"].pk, company["dev2"].pk]


def test_chain_validation_and_404(employee_client, company):
    response = employee_client.get(URL + "chain/")
    assert response.status_code == 400
    assert "person" in response.json()["errors"]
    assert employee_client.get(URL + "chain/", {"person": 999999}).status_code == 404
    deactivate(company["dev1"])
    assert employee_client.get(URL + "chain/", {"person": company["dev1"].pk}).status_code == 404


def test_departments_tree_counts_active_members(employee_client, company, departments, colleague):
    deactivated = make_user("gone@example.com", department=departments["sales"])
    deactivated.is_active = False
    deactivated.save()
    body = employee_client.get(URL + "departments/").json()
    [root] = body["departments"]
    assert (root["name"], root["member_count"], root["total_count"]) == ("Company", 0, 2)
    children = {child["name"]: child for child in root["children"]}
    assert children["Sales"]["member_count"] == 1
    assert children["Engineering"]["total_count"] == 1
    assert children["Engineering"]["children"][0]["name"] == "Platform"
    assert (body["department"], body["people"]) == (None, [])


def test_a_department_shows_its_people_and_its_teams(
    employee_client, company, departments, colleague
):
    body = employee_client.get(
        URL + "departments/", {"department": departments["engineering"].pk}
    ).json()
    assert body["department"] == {"id": departments["engineering"].pk, "name": "Engineering"}
    assert ids(body["people"]) == [company["me"].pk]

    body = employee_client.get(URL + "departments/", {"department": departments["company"].pk})
    assert set(ids(body.json()["people"])) == {company["me"].pk, colleague.profile.pk}

    assert employee_client.get(URL + "departments/", {"department": 999999}).status_code == 404
    response = employee_client.get(URL + "departments/", {"department": "x"})
    assert response.status_code == 400
    assert "department" in response.json()["errors"]


def test_search_finds_active_people_by_name_or_title(employee_client, company):
    body = employee_client.get(URL + "search/", {"q": "cto"}).json()
    assert ids(body["results"]) == [company["cto"].pk]
    assert body["results"][0]["reports_count"] == 3
    assert ids(employee_client.get(URL + "search/", {"q": "eve dev"}).json()["results"]) == [
        company["dev2"].pk
    ]
    deactivate(company["cto"])
    assert employee_client.get(URL + "search/", {"q": "cto"}).json()["results"] == []
    response = employee_client.get(URL + "search/", {"q": "a"})
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def _bulk_company(size: int) -> Profile:
    """``size`` people under one boss, ten reports per manager, in a few bulk queries."""
    from portal.accounts.models import User

    users = User.objects.bulk_create(
        User(email=f"p{i}@example.com", first_name=f"P{i}", last_name="Bulk") for i in range(size)
    )
    profiles = Profile.objects.bulk_create(Profile(user=user) for user in users)
    for index, profile in enumerate(profiles[1:], start=1):
        profile.manager = profiles[(index - 1) // 10]
    Profile.objects.bulk_update(profiles[1:], ["manager"], batch_size=500)
    rebuild_paths()
    return Profile.objects.get(pk=profiles[0].pk)


@pytest.mark.parametrize("size", [3, 1000])
def test_subtree_query_count_does_not_grow_with_people(
    employee_client, django_assert_max_num_queries, size
):
    boss = _bulk_company(size)
    with django_assert_max_num_queries(3):
        response = employee_client.get(URL, {"root": boss.pk, "depth": 10})
    assert response.status_code == 200

    def count(nodes):
        return sum(1 + count(node["children"]) for node in nodes)

    assert count(response.json()["nodes"]) == size
    with django_assert_max_num_queries(3):
        employee_client.get(URL, {"root": boss.pk, "depth": 2})
    deepest = Profile.objects.order_by("-depth").first()
    with django_assert_max_num_queries(2):
        assert employee_client.get(URL + "chain/", {"person": deepest.pk}).status_code == 200


def test_subtree_service_reads_one_query(company, django_assert_num_queries):
    with django_assert_num_queries(1):
        people = list(orgchart.subtree(company["cto"]))
    assert people[0] == company["cto"]
    assert len(people) == 5


# --- The page -------------------------------------------------------------------------


def test_the_page_shows_the_first_levels_without_javascript(logged_in, company):
    response = logged_in.get(reverse("people:orgchart"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Ceo" in html and "Bob Cto" in html and "Eve Dev" in html
    assert "Finn Intern" not in html  # third level: a link loads it
    assert f'href="?root={company["dev2"].pk}"' in html
    assert 'aria-expanded="true"' in html


def test_the_page_shows_a_team_a_department_and_search_results(logged_in, company, departments):
    url = reverse("people:orgchart")
    html = logged_in.get(url, {"root": company["dev2"].pk}).content.decode()
    assert "Finn Intern" in html and "Chain of command" in html
    html = logged_in.get(url, {"department": departments["platform"].pk}).content.decode()
    assert "People of Platform" in html
    html = logged_in.get(url, {"q": "intern"}).content.decode()
    assert f'href="?root={company["intern"].pk}#person-{company["intern"].pk}"' in html
    assert logged_in.get(url, {"root": "nope"}).status_code == 404
    deactivate(company["cfo"])
    assert logged_in.get(url, {"root": company["cfo"].pk}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("people:orgchart"))
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
