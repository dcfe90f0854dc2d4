"""Initiatives are shared while a week runs: a week that is over shows what people
shared and takes no more; a week to come says when sharing opens. The page, the API and
the service agree."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from portal.editorial.weeks import services
from portal.editorial.weeks.models import Initiative
from portal.editorial.weeks.tests.factories import make_initiative, make_week, png_upload

pytestmark = pytest.mark.django_db

INVITATION = "Be the first to share yours!"


@pytest.fixture
def past_week(weeks_index):
    return make_week(weeks_index, "Safety week", starts_in=-30)


@pytest.fixture
def next_week(weeks_index):
    return make_week(weeks_index, "Mobility week", starts_in=7)


def api_url(week) -> str:
    return f"/api/weeks/{week.pk}/initiatives/"


class TestThePage:
    def test_a_running_week_invites_to_share(self, logged_in, week):
        html = logged_in.get(week.url).content.decode()
        assert INVITATION in html and "Submit my initiative" in html

    def test_a_week_that_is_over_shows_what_people_shared_and_no_form(
        self, logged_in, past_week, colleague
    ):
        make_initiative(past_week, colleague, "Bike check", status=Initiative.Status.APPROVED)
        html = logged_in.get(past_week.url).content.decode()
        assert "This week is over; here is what people shared." in html
        assert "Bike check" in html
        assert INVITATION not in html
        assert "Submit my initiative" not in html and "initiatives/submit/" not in html

    def test_a_week_that_is_over_with_nothing_shared_says_so(self, logged_in, past_week):
        html = logged_in.get(past_week.url).content.decode()
        assert "This week is over; nobody shared an initiative." in html
        assert INVITATION not in html and "Submit my initiative" not in html

    def test_a_week_to_come_says_when_sharing_opens(self, logged_in, next_week):
        html = logged_in.get(next_week.url).content.decode()
        opens = date_format(next_week.start_date, "DATE_FORMAT")
        assert f"Sharing initiatives opens on {opens}." in html
        assert INVITATION not in html and "Submit my initiative" not in html

    def test_a_form_posted_after_the_week_ended_is_refused_and_stores_nothing(
        self, logged_in, past_week
    ):
        response = logged_in.post(
            past_week.url + "initiatives/submit/", {"title": "Late", "photo": png_upload()}
        )
        assert response.status_code == 400
        assert "This week is over: it no longer takes initiatives." in response.content.decode()
        assert not Initiative.objects.exists()

    def test_the_last_day_still_counts(self, logged_in, weeks_index):
        week = make_week(weeks_index, "Last day", starts_in=-4, days=5)
        assert week.end_date == timezone.localdate()
        assert "Submit my initiative" in logged_in.get(week.url).content.decode()
        response = logged_in.post(week.url + "initiatives/submit/", {"title": "Just in time"})
        assert response.status_code == 302 and Initiative.objects.count() == 1


class TestTheApi:
    def test_an_ended_week_refuses_a_new_initiative_naming_the_week(
        self, employee_client, past_week
    ):
        response = employee_client.post(api_url(past_week), {"title": "Late"}, format="multipart")
        assert response.status_code == 400
        body = response.json()
        assert body["errors"] == {"week": ["This week is over: it no longer takes initiatives."]}
        assert not Initiative.objects.exists()

    def test_even_an_invalid_body_gets_the_week_answer_first(self, employee_client, past_week):
        response = employee_client.post(api_url(past_week), {}, format="multipart")
        assert response.status_code == 400 and list(response.json()["errors"]) == ["week"]

    def test_a_week_to_come_refuses_saying_when_it_opens(self, employee_client, next_week):
        response = employee_client.post(api_url(next_week), {"title": "Early"}, format="multipart")
        assert response.status_code == 400
        [message] = response.json()["errors"]["week"]
        assert date_format(next_week.start_date, "DATE_FORMAT") in message
        assert not Initiative.objects.exists()

    def test_weeks_say_whether_they_take_initiatives(
        self, employee_client, week, past_week, next_week
    ):
        weeks = {w["title"]: w for w in employee_client.get("/api/weeks/").json()["results"]}
        assert weeks[week.title]["accepts_initiatives"] is True
        assert weeks[past_week.title]["accepts_initiatives"] is False
        assert weeks[next_week.title]["accepts_initiatives"] is False

    def test_what_was_shared_stays_readable(self, employee_client, past_week, colleague):
        make_initiative(past_week, colleague, "Bike check", status=Initiative.Status.APPROVED)
        response = employee_client.get(api_url(past_week))
        assert [i["title"] for i in response.json()["results"]] == ["Bike check"]


class TestTheService:
    def test_the_service_refuses_outside_the_week(self, employee, past_week, next_week):
        for closed in (past_week, next_week):
            with pytest.raises(ValidationError) as error:
                services.submit_initiative(employee, closed, title="Anything")
            assert list(error.value.message_dict) == ["week"]
        assert not Initiative.objects.exists()

    def test_closed_reason_by_day(self, week):
        assert services.closed_reason(week) == ""
        assert services.closed_reason(week, today=week.end_date) == ""
        after = week.end_date + datetime.timedelta(days=1)
        assert "over" in services.closed_reason(week, today=after)
        before = week.start_date - datetime.timedelta(days=1)
        assert "not started" in services.closed_reason(week, today=before)
