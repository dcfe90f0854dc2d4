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


def test_the_demo_shows_mode_off(home_page, client):
    from portal import modeoff

    call_command("load_demo")
    emma = User.objects.get(email="sales@example.com")
    state = modeoff.state(emma)
    assert state.off and state.reason == modeoff.MANUAL  # on holiday for a week
    assert User.objects.get(email="editor@example.com").working_hours.days == "12345"


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


def test_the_first_load_prints_a_few_labelled_lines_and_no_progress_bar(home_page):
    """`make run`'s first start: labelled lines, no bare progress bar, no logins (printed
    by portal_ready once the server answers)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    call_command("load_demo", "--no-logins", stdout=out, stderr=err)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Loading the demo company..."
    assert any(line.startswith("  Org chart: ") and "new" in line for line in lines)
    assert lines[-1].endswith("Demo data loaded.")
    assert len(lines) <= 6
    assert "[" not in err.getvalue() and "\r" not in out.getvalue() + err.getvalue()
    assert "portal-demo" not in out.getvalue()


def test_portal_ready_waits_for_the_server_then_prints_the_address_and_logins(monkeypatch):
    import io

    from portal.core.management.commands import portal_ready

    attempts = []

    def answers(host, port, timeout=2.0):
        attempts.append((host, port))
        return len(attempts) >= 3  # the server answers on the third try

    monkeypatch.setattr(portal_ready, "answers", answers)
    out = io.StringIO()
    anywhere = "0.0.0.0"  # noqa: S104 (the address a server may be given, not bound here)
    call_command(
        "portal_ready", "--host", anywhere, "--port", "8123", "--interval", "0", stdout=out
    )
    assert attempts == [("127.0.0.1", 8123)] * 3
    (line,) = out.getvalue().splitlines()
    assert line.startswith("The portal is at http://0.0.0.0:8123/ — demo logins: ")
    assert "employee@example.com (employee)" in line and "portal-demo" in line
