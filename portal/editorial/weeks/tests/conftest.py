import pytest

from portal.editorial.weeks.tests.factories import grant_moderation, make_index, make_week


@pytest.fixture
def weeks_index(home_page):
    return make_index(home_page)


@pytest.fixture
def week(weeks_index):
    """A week running today."""
    return make_week(weeks_index)


@pytest.fixture
def moderator(editor):
    grant_moderation(editor)
    return editor
