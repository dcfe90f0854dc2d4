"""Mode off where people are shown: the avatar's presence dot (from a bulk look-up, no
query per person), the profile and the hover card ("Off until Tuesday 09:00")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template

from portal import modeoff
from portal.accounts.models import WorkingHours
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY_20 = dt.datetime(2026, 12, 7, 20, 0, tzinfo=PARIS)


def off_in_the_evening(user):
    WorkingHours.objects.create(user=user, time_zone="Europe/Paris")


def test_avatars_show_off_from_one_bulk_look_up(django_assert_num_queries):
    people = [make_user(f"a{i}@example.com") for i in range(30)]
    for person in people[:10]:
        off_in_the_evening(person)
    template = Template(
        "{% load ui %}{% for p in people %}{% avatar p 'sm' presence=True %}{% endfor %}"
    )
    with time_machine.travel(MONDAY_20, tick=False):
        with django_assert_num_queries(2):
            modeoff.annotate(people)
        with django_assert_num_queries(0):
            html = template.render(Context({"people": people}))
    assert html.count('data-modeoff="hours"') == 10
    assert html.count("data-presence-for") == 30


def test_avatars_without_presence_or_state_say_nothing(employee):
    html = Template("{% load ui %}{% avatar p presence=True %}{% avatar p %}").render(
        Context({"p": employee})
    )
    assert "data-modeoff" not in html


def test_the_profile_and_the_hover_card_say_until_when(logged_in, colleague):
    off_in_the_evening(colleague)
    with time_machine.travel(MONDAY_20, tick=False):
        card = logged_in.get(f"/people/card/{colleague.pk}/").content.decode()
        profile = logged_in.get(colleague.get_absolute_url(), follow=True).content.decode()
    for html in (card, profile):
        assert "Off until Tuesday 09:00" in html
        assert 'data-modeoff="hours"' in html


def test_someone_on_shows_no_off_status(logged_in, colleague):
    off_in_the_evening(colleague)
    with time_machine.travel(MONDAY_20 - dt.timedelta(hours=5), tick=False):
        card = logged_in.get(f"/people/card/{colleague.pk}/").content.decode()
    assert "Off until" not in card and "data-modeoff=" not in card


def test_until_text_in_french_and_for_later_dates(employee):
    from django.utils import translation

    far = modeoff.State(off=True, until=dt.datetime(2027, 1, 4, 9, 0, tzinfo=PARIS))
    assert modeoff.until_text(far, MONDAY_20) == "Off until 4 Jan 2027, 09:00"
    with translation.override("fr"):
        text = modeoff.until_text(
            modeoff.State(off=True, until=MONDAY_20 + dt.timedelta(hours=13)), MONDAY_20
        )
    assert "09:00" in text
    assert modeoff.until_text(modeoff.ON) == ""
