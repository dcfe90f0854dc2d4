"""Themed week pages: page rules, validation, the current week, the page as employees
see it, the home panel and the navigation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.core.models import ContentPage, HomePage
from portal.editorial.weeks import services
from portal.editorial.weeks.models import (
    Initiative,
    ThemedWeekIndexPage,
    ThemedWeekItem,
    ThemedWeekPage,
)
from portal.editorial.weeks.tests.factories import (
    make_initiative,
    make_week,
    restrict_to_department,
)
from tests.factories import make_content_page

pytestmark = pytest.mark.django_db

#: Set when the page is added to the tree.
TREE_FIELDS = ["path", "depth"]


class TestPageRules:
    def test_where_weeks_live(self):
        assert ThemedWeekIndexPage.parent_page_types == ["core.HomePage"]
        assert ThemedWeekPage.parent_page_types == ["weeks.ThemedWeekIndexPage"]
        assert ThemedWeekPage.subpage_types == []
        assert ThemedWeekIndexPage.can_create_at(HomePage())
        assert not ThemedWeekPage.can_create_at(HomePage())
        assert not ThemedWeekPage.can_create_at(ContentPage())

    def test_one_index_per_home(self, weeks_index, home_page):
        assert not ThemedWeekIndexPage.can_create_at(home_page)

    def test_editors_can_restrict_weeks_to_departments(self):
        panel_names = [getattr(p, "relation_name", "") for p in ThemedWeekPage.settings_panels]
        assert "portal_audiences" in panel_names


class TestValidation:
    def make(self, **fields):
        today = timezone.localdate()
        values = {
            "title": "Green week",
            "slug": "green-week",
            "start_date": today,
            "end_date": today,
            "colour": "#2E7D32",
            **fields,
        }
        return ThemedWeekPage(**values)

    def test_a_one_day_week_is_fine_and_the_colour_is_normalised(self):
        week = self.make()
        week.full_clean(exclude=TREE_FIELDS)
        assert week.colour == "#2e7d32"

    def test_the_end_cannot_come_before_the_start(self):
        today = timezone.localdate()
        week = self.make(end_date=today - datetime.timedelta(days=1))
        with pytest.raises(ValidationError) as error:
            week.full_clean(exclude=TREE_FIELDS)
        assert "end_date" in error.value.message_dict

    @pytest.mark.parametrize("colour", ["green", "#12345", "#1234567", "2e7d32", "#gggggg"])
    def test_the_colour_must_be_a_hex_code(self, colour):
        with pytest.raises(ValidationError) as error:
            self.make(colour=colour).full_clean(exclude=TREE_FIELDS)
        assert "colour" in error.value.message_dict


class TestCurrentWeek:
    def test_the_week_running_today(self, weeks_index, employee):
        make_week(weeks_index, "Past week", starts_in=-30)
        make_week(weeks_index, "Next week", starts_in=7)
        running = make_week(weeks_index, "Safety week", starts_in=-2)
        assert services.current_week(employee) == running

    def test_none_when_nothing_runs(self, weeks_index, employee):
        make_week(weeks_index, "Past week", starts_in=-30)
        assert services.current_week(employee) is None

    def test_first_and_last_days_count(self, weeks_index, employee):
        week = make_week(weeks_index, starts_in=0, days=1)
        assert services.current_week(employee) == week
        assert services.current_week(employee, today=week.end_date) == week
        assert services.current_week(employee, today=week.end_date + datetime.timedelta(1)) is None

    def test_a_restricted_or_draft_week_is_not_current_for_outsiders(
        self, weeks_index, employee, colleague, departments
    ):
        week = make_week(weeks_index)
        restrict_to_department(week, departments["sales"])
        assert services.current_week(employee) is None
        assert services.current_week(colleague) == week
        week.unpublish()
        assert services.current_week(colleague) is None

    def test_the_running_week_comes_first_in_listings(self, weeks_index, employee):
        make_week(weeks_index, "Next week", starts_in=7)
        running = make_week(weeks_index, "Green week", starts_in=-1)
        make_week(weeks_index, "Past week", starts_in=-30)
        titles = [w.title for w in services.visible_weeks(employee)]
        assert titles[0] == running.title
        assert titles == ["Green week", "Next week", "Past week"]


class TestWeekPage:
    def test_employees_see_the_week_its_programme_and_approved_initiatives(
        self, logged_in, week, employee, colleague, home_page, departments
    ):
        guide = make_content_page(home_page, "Cycling to work")
        hidden = make_content_page(home_page, "Sales kick-off")
        restrict_to_department(hidden, departments["sales"])
        ThemedWeekItem.objects.create(week=week, page=guide)
        ThemedWeekItem.objects.create(week=week, page=hidden)
        make_initiative(week, colleague, "Bike workshop", status=Initiative.Status.APPROVED)
        make_initiative(week, colleague, "Colleague's idea, pending")
        make_initiative(week, employee, "My idea, pending")

        response = logged_in.get(week.url)

        assert response.status_code == 200
        html = response.content.decode()
        assert "Green week" in html
        assert "Cycling to work" in html and "content page" in html
        assert "Sales kick-off" not in html
        assert "Bike workshop" in html
        assert "My idea, pending" in html and "Pending approval" in html
        assert "Colleague&#x27;s idea" not in html and "Colleague's idea" not in html
        assert f'data-week-colour="{week.colour}"' in html

    def test_a_restricted_week_is_a_404_for_outsiders(self, logged_in, week, departments):
        restrict_to_department(week, departments["sales"])
        assert logged_in.get(week.url).status_code == 404
        assert logged_in.get(week.url + "initiatives/submit/").status_code == 404

    def test_the_index_lists_visible_weeks(self, logged_in, weeks_index, departments):
        make_week(weeks_index, "Green week")
        secret = make_week(weeks_index, "Sales week", starts_in=10)
        restrict_to_department(secret, departments["sales"])
        html = logged_in.get(weeks_index.url).content.decode()
        assert "Green week" in html
        assert "Sales week" not in html


class TestHomePanelAndNavigation:
    def test_the_home_page_shows_the_current_week(self, logged_in, week, colleague, moderator):
        featured = make_initiative(week, colleague, "Bike workshop")
        services.moderate_initiative(moderator, featured, services.FEATURE)
        make_initiative(week, colleague, "Plain approved", status=Initiative.Status.APPROVED)
        html = logged_in.get("/").content.decode()
        assert "This week: Green week" in html
        assert week.intro in html
        assert "Bike workshop" in html
        assert "Plain approved" not in html
        assert f'href="{week.url}"' in html
        assert "Themed weeks" in html  # the navigation entry

    def test_nothing_on_the_home_page_without_a_current_week(self, logged_in, weeks_index):
        make_week(weeks_index, starts_in=10)
        html = logged_in.get("/").content.decode()
        assert "This week:" not in html

    def test_no_navigation_entry_without_an_index(self, logged_in, home_page):
        assert "Themed weeks" not in logged_in.get("/").content.decode()

    def test_a_restricted_current_week_is_not_on_an_outsiders_home(
        self, logged_in, week, departments
    ):
        restrict_to_department(week, departments["sales"])
        assert "This week:" not in logged_in.get("/").content.decode()
