"""Queries compiled once per shape (``portal.prepared``) and links reversed once
(``portal.links``): the same answers as the ORM and ``reverse()``, on either database."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from plugins.feed import services as feed_services
from plugins.feed.models import Post
from portal import links
from portal.accounts.models import User
from portal.prepared import Prepared
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def people(ids):
    return User.objects.filter(pk__in=ids).select_related("department")


@pytest.fixture
def staff(departments):
    return [
        make_user(f"person{i}@example.com", department=departments["sales"] if i % 2 else None)
        for i in range(5)
    ]


def test_objects_are_the_orms_with_their_related_rows_and_one_query(staff):
    prepared = Prepared(people)
    ids = [p.pk for p in staff[:3]]
    with CaptureQueriesContext(connection) as queries:
        found = sorted(prepared.objects(ids), key=lambda u: u.pk)
        names = [u.department.name if u.department_id else None for u in found]
    assert len(queries) == 1  # the departments came with the people
    expected = sorted(people(ids), key=lambda u: u.pk)
    assert [(u.pk, u.email, u.first_name, u.is_active) for u in found] == [
        (u.pk, u.email, u.first_name, u.is_active) for u in expected
    ]
    assert names == [u.department.name if u.department_id else None for u in expected]
    assert all(u._state.db == "default" and not u._state.adding for u in found)


def test_lists_of_nearby_sizes_share_their_sql_and_give_exact_answers(staff):
    prepared = Prepared(people)
    ids = [p.pk for p in staff]
    for size in range(1, 6):
        assert set(prepared.in_bulk(ids[:size])) == set(ids[:size])
    # 1, 2, 3-4 and 5 ids: four shapes compiled, not five.
    assert len(prepared._compiled) == 4
    assert prepared.in_bulk([]) == {}


def test_rows_convert_values_and_take_single_arguments(employee, colleague):
    first = feed_services.create_post(employee, text="One")
    second = feed_services.create_post(colleague, text="Two")

    def build(ids, author_id):
        return (
            Post.objects.filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "activity_at")
            .annotate(mine=Count("pk", filter=Q(author_id=author_id)))
        )

    prepared = Prepared(build)
    rows = prepared.rows([first.pk, second.pk], employee.pk)
    assert rows == list(build([first.pk, second.pk], employee.pk))
    assert isinstance(rows[0][1], datetime) and rows[0][1].tzinfo is not None
    assert [mine for *_rest, mine in rows] == [1, 0]
    assert [mine for *_rest, mine in prepared.rows([first.pk, second.pk], colleague.pk)] == [0, 1]


def test_it_reads_inside_the_current_transaction(staff):
    prepared = Prepared(people)
    with transaction.atomic():
        newcomer = make_user("newcomer@example.com")
        assert newcomer.pk in prepared.in_bulk([newcomer.pk])


def test_queries_it_cannot_prepare_are_refused(staff):
    with pytest.raises(ValueError, match="prefetch"):
        Prepared(lambda ids: people(ids).prefetch_related("groups")).in_bulk([staff[0].pk])
    with pytest.raises(ValueError, match="empty list"):
        Prepared(people).objects([])
    with pytest.raises(ValueError, match="parameter"):
        Prepared(lambda ids: User.objects.all()).in_bulk([staff[0].pk])


def test_links_are_djangos_reverse_and_follow_the_urlconf(employee):
    assert links.reverse("people:by_user", args=[employee.pk]) == reverse(
        "people:by_user", args=[employee.pk]
    )
    with pytest.raises(NoReverseMatch):
        links.reverse("people:nowhere", args=[1])
    with override_settings(ROOT_URLCONF="tests.urls_elsewhere"):
        assert links.reverse("people:by_user", args=[employee.pk]) == (
            f"/elsewhere/someone/{employee.pk}/"
        )
    assert links.reverse("people:by_user", args=[employee.pk]) == reverse(
        "people:by_user", args=[employee.pk]
    )
    with override_settings(FORCE_SCRIPT_NAME="/intranet/"):
        from django.urls import set_script_prefix

        set_script_prefix("/intranet/")
        try:
            assert links.reverse("people:by_user", args=[employee.pk]).startswith("/intranet/")
        finally:
            set_script_prefix("/")
