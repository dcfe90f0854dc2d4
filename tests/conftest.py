"""Fixtures shared by every suite: people in each role, departments, pages, API clients."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from portal.accounts import roles
from portal.accounts.models import Department, User
from tests.factories import ensure_home_page, make_content_page, make_user

PASSWORD = "correct horse battery staple"


@pytest.fixture
def home_page(db):
    """The site's home page (rebuilt when a transactional test flushed the tree)."""
    return ensure_home_page()


@pytest.fixture
def departments(db):
    """A small tree: Company > Engineering > Platform, and Company > Sales."""
    company = Department.objects.create(name="Company", code="CO")
    engineering = Department.objects.create(name="Engineering", code="ENG", parent=company)
    platform = Department.objects.create(name="Platform", code="PLT", parent=engineering)
    sales = Department.objects.create(name="Sales", code="SAL", parent=company)
    return {"company": company, "engineering": engineering, "platform": platform, "sales": sales}


@pytest.fixture
def employee(db, departments) -> User:
    return make_user("employee@example.com", department=departments["platform"], password=PASSWORD)


@pytest.fixture
def colleague(db, departments) -> User:
    return make_user("colleague@example.com", department=departments["sales"], password=PASSWORD)


@pytest.fixture
def editor(db, departments) -> User:
    return make_user("editor@example.com", role=roles.EDITOR, password=PASSWORD)


@pytest.fixture
def hr_user(db) -> User:
    return make_user("hr@example.com", role=roles.HR, password=PASSWORD)


@pytest.fixture
def administrator(db) -> User:
    return make_user("admin@example.com", role=roles.ADMINISTRATOR, password=PASSWORD)


@pytest.fixture
def content_page(home_page):
    return make_content_page(home_page, "Welcome guide", slug="welcome-guide")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def employee_client(employee) -> APIClient:
    client = APIClient()
    client.force_authenticate(employee)
    return client


@pytest.fixture
def logged_in(client, employee):
    client.force_login(employee)
    return client
