"""The person's mode off settings: the page under /account/mode-off/ and the API at
/api/me/modeoff/. Per-field errors (English and French), nothing partial saved, the
company floor never widened, the off switch and its shortcut, login and 401."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from portal import modeoff
from portal.accounts.models import WorkingHours
from portal.core.models import ModeOffPolicy

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY_10 = dt.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)
URL = "/api/me/modeoff/"


@pytest.fixture
def floor():
    company = ModeOffPolicy.load()
    company.earliest_start = dt.time(8, 0)
    company.latest_end = dt.time(20, 0)
    company.days = "123456"
    company.save()
    return company


def form(**overrides):
    data = {
        "days": ["1", "2", "3", "4", "5"],
        "start": "09:00",
        "end": "17:30",
        "time_zone": "Europe/Paris",
        "off_until": "",
        "show_read_receipts": "on",
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- The page --------------------------------------------------------------------------


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(reverse("account_modeoff"))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.post(reverse("account_modeoff"), form()).status_code == 302
    assert not WorkingHours.objects.exists()


def test_the_page_explains_the_floor_and_saves(logged_in, employee, floor):
    page = logged_in.get(reverse("account_modeoff"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "before 08:00 or after 20:00" in text
    assert "Saturday" in text and 'name="off_until"' in text
    response = logged_in.post(reverse("account_modeoff"), form())
    assert response.status_code == 302
    hours = WorkingHours.objects.get(user=employee)
    assert hours.days == "12345" and hours.end == dt.time(17, 30)
    assert hours.time_zone == "Europe/Paris" and hours.show_read_receipts


def test_the_floor_cannot_be_widened_and_nothing_partial_is_saved(logged_in, employee, floor):
    response = logged_in.post(
        reverse("account_modeoff"), form(start="07:00", end="21:00", days=["1", "7"])
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "08:00" in errors["start"][0]
    assert "20:00" in errors["end"][0]
    assert "Sunday" in errors["days"][0]
    assert not WorkingHours.objects.exists()


def test_errors_in_french(client, employee, floor):
    from django.utils import translation

    with translation.override("fr"):
        folded = translation.gettext("End of the day") != "End of the day"
    if not folded:
        pytest.skip("portal/locale/fr-modeoff.po is folded into the catalogue at merge")
    employee.preferred_language = "fr"
    employee.save()
    client.force_login(employee)
    response = client.post(
        reverse("account_modeoff"),
        form(time_zone="Mars/Base", start="12:00", end="11:00"),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "fuseau" in errors["time_zone"][0]
    assert "fin" in errors["end"][0].lower()


def test_the_off_switch_and_its_shortcut(logged_in, employee):
    with time_machine.travel(MONDAY_10, tick=False):
        response = logged_in.post(reverse("account_modeoff"), {"action": "off_tomorrow"})
        assert response.status_code == 302
        state = modeoff.state(employee)
        assert state.off and state.reason == modeoff.MANUAL
        assert state.until == dt.datetime(2026, 12, 8, 9, 0, tzinfo=PARIS)
        assert state.since == MONDAY_10
        page = logged_in.get(reverse("account_modeoff")).content.decode()
        assert "Off until Tuesday 09:00" in page
        logged_in.post(reverse("account_modeoff"), {"action": "on_now"})
        assert modeoff.state(employee) == modeoff.ON
        # A date in the past is refused.
        past = logged_in.post(reverse("account_modeoff"), form(off_until="2026-12-01T09:00"))
        assert past.status_code == 400 and "off_until" in past.context["form"].errors
        later = logged_in.post(reverse("account_modeoff"), form(off_until="2026-12-24T12:00"))
        assert later.status_code == 302
        assert WorkingHours.objects.get(user=employee).off_until == dt.datetime(
            2026, 12, 24, 12, 0, tzinfo=PARIS
        )


def test_the_account_menu_and_preferences_link_to_it(logged_in):
    page = logged_in.get(reverse("notifications:preferences")).content.decode()
    assert reverse("account_modeoff") in page


# --- The API ---------------------------------------------------------------------------


def test_the_api_needs_a_login(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.patch(URL, {"end": "17:00"}, format="json").status_code == 401


def test_the_api_reads_and_writes(employee_client, employee, floor):
    with time_machine.travel(MONDAY_10, tick=False):
        body = employee_client.get(URL).json()
        assert body["state"] == {"off": False, "since": None, "until": None, "reason": ""}
        assert body["settings"]["days"] == [1, 2, 3, 4, 5]
        assert body["floor"]["latest_end"] == "20:00"
        assert body["floor"]["days"] == [1, 2, 3, 4, 5, 6]
        assert body["read_receipts"] is True
        changed = employee_client.patch(
            URL, {"off_until": "2026-12-09T14:00", "show_read_receipts": False}, format="json"
        )
        assert changed.status_code == 200, changed.content
        body = changed.json()
        assert body["state"]["off"] and body["state"]["reason"] == "manual"
        assert dt.datetime.fromisoformat(body["state"]["until"]) == dt.datetime(
            2026, 12, 9, 14, 0, tzinfo=PARIS
        )
        assert body["read_receipts"] is False
        replaced = employee_client.put(
            URL,
            {
                "time_zone": "America/New_York",
                "days": [1, 2, 3],
                "start": "08:30",
                "end": "16:00",
                "off_until": None,
                "show_read_receipts": True,
            },
            format="json",
        )
        assert replaced.status_code == 200, replaced.content
        hours = WorkingHours.objects.get(user=employee)
        assert hours.time_zone == "America/New_York" and hours.days == "123"
        assert hours.off_until is None


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"end": "21:00"}, "end"),
        ({"start": "07:00"}, "start"),
        ({"days": [7]}, "days"),
        ({"days": "monday"}, "days"),
        ({"days": []}, "days"),
        ({"time_zone": "Nowhere/Land"}, "time_zone"),
        ({"time_zone": 12}, "time_zone"),
        ({"start": "25:99"}, "start"),
        ({"start": "18:00", "end": "09:00"}, "end"),
        ({"off_until": "yesterday"}, "off_until"),
        ({"off_until": "2020-01-01T09:00"}, "off_until"),
        ({"off_until": "2099-01-01T09:00"}, "off_until"),
        ({"show_read_receipts": "maybe"}, "show_read_receipts"),
    ],
)
def test_the_api_names_the_faulty_field(employee_client, employee, floor, payload, field):
    with time_machine.travel(MONDAY_10, tick=False):
        response = employee_client.patch(URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not WorkingHours.objects.exists()


def test_the_api_refuses_a_body_that_is_not_an_object(employee_client):
    response = employee_client.put(URL, [1, 2], format="json")
    assert response.status_code == 400
    assert not WorkingHours.objects.exists()


def test_the_api_is_in_the_schema(employee_client):
    schema = employee_client.get("/api/schema/?format=json").json()
    operations = schema["paths"]["/api/me/modeoff/"]
    assert {"get", "put", "patch"} <= set(operations)
