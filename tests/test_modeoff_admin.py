"""The company's side of mode off in the Wagtail admin: administrators edit the floor,
the days, the override roles and the switches; people without the permission cannot."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.accounts import roles
from portal.core.models import ModeOffPolicy, UrgentOverride
from tests.factories import make_user

pytestmark = pytest.mark.django_db

URL = "/admin/settings/core/modeoffpolicy/"


@pytest.fixture
def admin_with_permissions(db):
    roles.sync_roles()
    user = make_user("admin@example.com", role=roles.ADMINISTRATOR)
    return user


def test_administrators_edit_the_floor(client, admin_with_permissions):
    client.force_login(admin_with_permissions)
    page = client.get(URL, follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "The company&#x27;s floor" in html or "The company's floor" in html
    on_call = roles.role_group(roles.HR)
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else URL,
        {
            "enabled": "on",
            "time_zone": "Europe/Paris",
            "earliest_start": "08:00",
            "latest_end": "20:00",
            "days": ["1", "2", "3", "4", "5", "6"],
            "override_groups": [on_call.pk],
            "read_receipts": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    company = ModeOffPolicy.objects.get()
    assert company.days == "123456" and company.latest_end == dt.time(20, 0)
    assert list(company.override_groups.all()) == [on_call]
    assert company.read_receipts is False


def test_a_bad_floor_is_refused(client, admin_with_permissions):
    client.force_login(admin_with_permissions)
    page = client.get(URL, follow=True)
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else URL,
        {
            "enabled": "on",
            "time_zone": "Atlantis/Capital",
            "earliest_start": "20:00",
            "latest_end": "08:00",
            "days": ["1"],
        },
    )
    assert response.status_code == 200
    assert not ModeOffPolicy.objects.filter(latest_end=dt.time(8, 0)).exists()


def test_employees_cannot_edit_it(client, employee):
    client.force_login(employee)
    assert client.get(URL, follow=False).status_code in (302, 403)


def test_the_override_log_is_read_only_in_the_admin(client, admin_with_permissions, employee):
    from django.contrib.auth.models import Group

    from portal import modeoff

    on_call = Group.objects.create(name="On call")
    company = ModeOffPolicy.objects.create()
    company.override_groups.add(on_call)
    admin_with_permissions.groups.add(on_call)
    logged = modeoff.record_override(admin_with_permissions, [employee], "Plant outage")
    client.force_login(admin_with_permissions)
    listing = client.get("/admin/snippets/core/urgentoverride/")
    assert listing.status_code == 200
    assert "Plant outage" in listing.content.decode()
    assert (
        client.get(f"/admin/snippets/core/urgentoverride/inspect/{logged.pk}/").status_code == 200
    )
    assert client.get("/admin/snippets/core/urgentoverride/add/").status_code in (302, 403)
    edit = client.get(f"/admin/snippets/core/urgentoverride/edit/{logged.pk}/")
    assert edit.status_code in (302, 403)
    delete = client.post(f"/admin/snippets/core/urgentoverride/delete/{logged.pk}/")
    assert delete.status_code in (302, 403)
    assert UrgentOverride.objects.filter(pk=logged.pk).exists()
