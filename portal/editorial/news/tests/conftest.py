import pytest


@pytest.fixture
def news_index(home_page):
    from portal.editorial.news.factories import make_news_index

    return make_news_index(home_page)


@pytest.fixture
def categories(db):
    from portal.editorial.news.factories import make_category

    return {name.lower(): make_category(name) for name in ("Company", "HR", "IT")}
