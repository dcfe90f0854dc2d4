"""The "new since your last visit" marker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.editorial.news import services
from portal.editorial.news.factories import make_news
from portal.editorial.news.models import NewsVisit

pytestmark = pytest.mark.django_db


def _new_titles(response) -> set[str]:
    return {item.title for item in response.context["items"] if item.is_new}


def test_on_a_first_visit_news_since_joining_are_new(logged_in, employee, news_index):
    make_news(news_index, "Before joining", published_at=employee.date_joined - timedelta(days=1))
    make_news(news_index, "After joining")
    response = logged_in.get(news_index.url)
    assert _new_titles(response) == {"After joining"}
    assert "New" in response.content.decode()
    assert NewsVisit.objects.get(user=employee).previous_seen_at is None


def test_news_are_new_relative_to_the_previous_visit(logged_in, employee, news_index):
    now = timezone.now()
    make_news(news_index, "Seen last time", published_at=now - timedelta(days=2))
    make_news(news_index, "Published since", published_at=now - timedelta(hours=3))
    NewsVisit.objects.create(user=employee, last_seen_at=now - timedelta(days=1))

    response = logged_in.get(news_index.url)
    assert _new_titles(response) == {"Published since"}
    visit = NewsVisit.objects.get(user=employee)
    assert visit.previous_seen_at == now - timedelta(days=1)
    assert visit.last_seen_at >= now

    # Paging or filtering within the same visit keeps the markers.
    assert _new_titles(logged_in.get(news_index.url)) == {"Published since"}


def test_after_a_break_what_was_seen_is_no_longer_new(logged_in, employee, news_index):
    now = timezone.now()
    make_news(news_index, "Old story", published_at=now - timedelta(hours=5))
    NewsVisit.objects.create(
        user=employee,
        last_seen_at=now - timedelta(hours=2),
        previous_seen_at=now - timedelta(days=3),
    )
    assert _new_titles(logged_in.get(news_index.url)) == set()


def test_the_home_panel_marks_new_news_without_recording_a_visit(
    logged_in, employee, home_page, news_index
):
    make_news(news_index, "Fresh story")
    body = logged_in.get(home_page.url).content.decode()
    assert "Fresh story" in body and 'class="news-badge"' in body
    assert not NewsVisit.objects.filter(user=employee).exists()


def test_mark_seen_records_a_visit_through_the_api(employee_client, employee):
    response = employee_client.post("/api/news/mark-seen/")
    assert response.status_code == 200
    assert response.json()["new_since"]
    assert NewsVisit.objects.filter(user=employee).exists()


def test_anonymous_cannot_mark_seen(api_client):
    assert api_client.post("/api/news/mark-seen/").status_code in (401, 403)


def test_record_visit_ignores_anonymous():
    from django.contrib.auth.models import AnonymousUser

    assert services.record_visit(AnonymousUser()) is None
    assert NewsVisit.objects.count() == 0
