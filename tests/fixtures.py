"""Fixtures shared by every suite (tests/ and each plugin's tests/), loaded as a pytest plugin
(see addopts in pyproject.toml): people in each role, departments, pages, API clients."""

from __future__ import annotations

import pytest

# This module loads before Django is configured: the product's imports happen inside the
# fixtures.

PASSWORD = "correct horse battery staple"

# The one real ASGI server of the session (see its module for why it is defined once).
from tests.asgi_server import asgi_server  # noqa: E402, F401


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: what the visibility policy remembers is keyed
    by primary keys, which the next test's rows reuse."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def home_page(db):
    """The site's home page (rebuilt when a transactional test flushed the tree)."""
    from tests.factories import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def departments(db):
    """A small tree: Company > Engineering > Platform, and Company > Sales."""
    from portal.accounts.models import Department

    company = Department.objects.create(name="Company", code="CO")
    engineering = Department.objects.create(name="Engineering", code="ENG", parent=company)
    platform = Department.objects.create(name="Platform", code="PLT", parent=engineering)
    sales = Department.objects.create(name="Sales", code="SAL", parent=company)
    return {"company": company, "engineering": engineering, "platform": platform, "sales": sales}


@pytest.fixture
def employee(db, departments):
    from tests.factories import make_user

    return make_user("employee@example.com", department=departments["platform"], password=PASSWORD)


@pytest.fixture
def colleague(db, departments):
    from tests.factories import make_user

    return make_user("colleague@example.com", department=departments["sales"], password=PASSWORD)


@pytest.fixture
def editor(db, departments):
    from tests.factories import make_user

    return make_user("editor@example.com", role="editor", password=PASSWORD)


@pytest.fixture
def hr_user(db):
    from tests.factories import make_user

    return make_user("hr@example.com", role="hr", password=PASSWORD)


@pytest.fixture
def administrator(db):
    from tests.factories import make_user

    return make_user("admin@example.com", role="administrator", password=PASSWORD)


@pytest.fixture
def content_page(home_page):
    from tests.factories import make_content_page

    return make_content_page(home_page, "Welcome guide", slug="welcome-guide")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def employee_client(employee):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(employee)
    return client


@pytest.fixture
def logged_in(client, employee):
    client.force_login(employee)
    return client


@pytest.fixture(autouse=True)
def _language_does_not_leak_between_tests():
    """A request in French leaves French active in the test thread; reset it after each
    test so that no test depends on the order the suite runs in."""
    yield
    from django.utils import translation

    translation.deactivate()
