import pytest

from portal.editorial.wellness.tests.factories import make_section, make_session


@pytest.fixture
def section(home_page):
    return make_section(home_page)


@pytest.fixture
def session(section):
    return make_session(section)


@pytest.fixture
def restricted_session(section, departments):
    """A session for Engineering (and its sub-departments) only."""
    from portal.core.models import PageAudience

    session = make_session(section, "Back care for developers")
    PageAudience.objects.create(page=session, department=departments["engineering"])
    return session
