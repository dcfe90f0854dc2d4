"""The demo company that `make run` loads: complete, and never loaded twice."""

import pytest
from django.core.management import call_command

from portal.accounts.models import Department, User
from portal.core.models import ContentPage

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent(home_page, capsys):
    call_command("load_demo")
    counts = (User.objects.count(), Department.objects.count(), ContentPage.objects.count())
    assert counts[0] >= 5 and counts[1] >= 5 and counts[2] >= 3
    call_command("load_demo")
    assert (User.objects.count(), Department.objects.count(), ContentPage.objects.count()) == counts
    output = capsys.readouterr().out
    assert "Demo data already loaded" in output
    assert "employee@example.com" in output and "portal-demo" in output


def test_demo_people_hold_their_roles(home_page, client):
    call_command("load_demo")
    assert User.objects.get(email="editor@example.com").has_perm("wagtailadmin.access_admin")
    assert not User.objects.get(email="employee@example.com").has_perm("wagtailadmin.access_admin")
    assert client.login(email="employee@example.com", password="portal-demo")
    html = client.get("/").content.decode()
    assert "Usage charter" in html


def test_the_demo_content_is_in_english_and_in_french(home_page, client):
    from wagtail.models import Locale, Page

    from portal.editorial.learning.models import CoursePage, LessonPage
    from portal.editorial.news.models import NewsPage
    from portal.editorial.resources.models import ResourcePage
    from portal.editorial.weeks.models import ThemedWeekPage
    from portal.editorial.wellness.models import WellnessSessionPage

    call_command("load_demo")
    english, french = (Locale.objects.get(language_code=code) for code in ("en", "fr"))
    for model in (NewsPage, CoursePage, LessonPage, WellnessSessionPage, ThemedWeekPage):
        originals = model.objects.live().filter(locale=english)
        assert originals.exists(), model
        for page in originals:
            translation = page.get_translation(french)
            assert translation.live and translation.title != page.title, page
    assert ResourcePage.objects.live().filter(locale=french).count() == 5
    # The plain content pages are not translated: French readers get the English ones.
    assert not Page.objects.filter(locale=french, slug="usage-charter").exists()

    assert client.login(email="employee@example.com", password="portal-demo")  # reads French
    html = client.get("/news/").content.decode()
    assert "Notre nouveau bureau de Lyon ouvre lundi" in html
    assert "Our new office in Lyon opens on Monday" not in html
    assert "Usage charter" in client.get("/").content.decode()
