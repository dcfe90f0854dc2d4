"""Resources: the watch listing, its tag filter and visibility."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.core.models import PageAudience
from portal.editorial.resources.models import ResourceIndexPage, ResourcePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource_index(home_page):
    index = home_page.add_child(instance=ResourceIndexPage(title="Resources", slug="resources"))
    index.save_revision().publish()
    return index


def make_resource(index, title, tags=(), **fields):
    fields.setdefault("source_url", "https://example.com/report")
    fields.setdefault("summary", f"About {title}")
    resource = ResourcePage(title=title, **fields)
    resource.tags.add(*tags)
    index.add_child(instance=resource)
    resource.save_revision().publish()
    return resource


def test_resources_live_under_their_index():
    assert ResourcePage.allowed_parent_page_models() == [ResourceIndexPage]
    assert ResourceIndexPage.allowed_subpage_models() == [ResourcePage]


def test_the_listing_filters_by_tag_and_hides_restricted_resources(
    logged_in, resource_index, departments
):
    make_resource(resource_index, "Remote work study", tags=("remote-work",))
    make_resource(resource_index, "Security guide", tags=("security",))
    secret = make_resource(resource_index, "Sales benchmark", tags=("security",))
    PageAudience.objects.create(page=secret, department=departments["sales"])

    response = logged_in.get(resource_index.url)
    titles = {r.title for r in response.context["page_obj"].object_list}
    assert titles == {"Remote work study", "Security guide"}
    assert response.context["tags"] == ["remote-work", "security"]
    filtered = logged_in.get(resource_index.url, {"tag": "security"})
    assert [r.title for r in filtered.context["page_obj"].object_list] == ["Security guide"]
    assert "Sales benchmark" not in filtered.content.decode()
    assert logged_in.get(secret.url).status_code == 404


def test_a_resource_shows_its_source_and_editor_note(logged_in, resource_index):
    resource = make_resource(
        resource_index,
        "Security guide",
        source_name="ANSSI",
        editor_note="<p>Read chapter 2.</p>",
    )
    body = logged_in.get(resource.url).content.decode()
    assert "https://example.com/report" in body
    assert "Read it on ANSSI" in body
    assert "Read chapter 2." in body


def test_the_listing_costs_the_same_queries_whatever_the_number(client, employee, resource_index):
    client.force_login(employee)
    make_resource(resource_index, "One", tags=("a",))
    client.get(resource_index.url)  # caches of the site and of the reader's access filled
    with CaptureQueriesContext(connection) as few:
        client.get(resource_index.url)
    for number in range(5):
        make_resource(resource_index, f"More {number}", tags=(f"t{number}",))
    client.get(resource_index.url)  # pages were added: what the policy remembers is refilled
    with CaptureQueriesContext(connection) as many:
        client.get(resource_index.url)
    assert len(many) == len(few)


def test_the_resources_appear_in_the_pages_api(employee_client, resource_index):
    make_resource(resource_index, "Security guide", tags=("security",), source_name="ANSSI")
    response = employee_client.get(
        "/api/v2/pages/",
        {"type": "resources.ResourcePage", "fields": "source_url,source_name,summary,tag_names"},
    )
    [item] = response.json()["items"]
    assert item["source_name"] == "ANSSI"
    assert item["tag_names"] == ["security"]


def test_the_home_page_shows_the_latest_reading(logged_in, home_page, resource_index, departments):
    for number in range(4):
        make_resource(resource_index, f"Reading {number}")
    secret = make_resource(resource_index, "Sales benchmark")
    PageAudience.objects.create(page=secret, department=departments["sales"])
    body = logged_in.get(home_page.url).content.decode()
    assert "Latest reading" in body
    assert "Reading 3" in body and "Reading 0" not in body
    assert "Sales benchmark" not in body
    nav = body.split('aria-label="Main"')[1].split("</nav>")[0]
    assert "Resources" in nav
