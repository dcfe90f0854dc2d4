"""The demo content loads and makes sense."""

import pytest
from wagtail.models import WorkflowPage

from portal.editorial.news import demo
from portal.editorial.news.models import NewsIndexPage, NewsPage
from portal.editorial.resources import demo as resources_demo
from portal.editorial.resources.models import ResourcePage
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_content_loads(home_page):
    people = {
        email: make_user(email)
        for email in (
            "admin@example.com",
            "editor@example.com",
            "hr@example.com",
            "employee@example.com",
            "sales@example.com",
        )
    }
    demo.load_demo(home_page, people)
    resources_demo.load_demo(home_page, people)
    index = NewsIndexPage.objects.get()
    news = NewsPage.objects.live().descendant_of(index)
    assert news.count() == 12
    assert news.values("category").distinct().count() == 3
    welcome = news.get(kind=NewsPage.KIND_WELCOME)
    assert welcome.colleague == people["sales@example.com"]
    assert WorkflowPage.objects.filter(page=index).exists()
    assert ResourcePage.objects.live().count() == 5
