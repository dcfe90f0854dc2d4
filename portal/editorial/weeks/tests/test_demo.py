"""The demo: a current green week with initiatives, loaded without any download."""

from __future__ import annotations

import pytest

from portal.editorial.weeks import demo, services
from portal.editorial.weeks.models import Initiative
from tests.factories import make_content_page, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_current_green_week_with_initiatives(home_page, departments):
    people = {
        email: make_user(email, role=role, department=departments["company"])
        for email, role in [
            ("admin@example.com", "administrator"),
            ("editor@example.com", "editor"),
            ("hr@example.com", "hr"),
            ("employee@example.com", None),
            ("sales@example.com", None),
        ]
    }
    guides = make_content_page(home_page, "Guides")
    make_content_page(guides, "Cycling to work")

    demo.load_demo(home_page, people)

    week = services.current_week(people["employee@example.com"])
    assert week.title == "Green week"
    assert week.items.count() == 1
    initiatives = Initiative.objects.filter(week=week)
    assert initiatives.count() == 4
    assert initiatives.filter(status=Initiative.Status.APPROVED).count() == 3
    assert initiatives.filter(featured=True).count() == 1
    assert initiatives.filter(status=Initiative.Status.SUBMITTED).count() == 1
    assert all(initiative.photo for initiative in initiatives)
