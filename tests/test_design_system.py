"""The design system's server side: the ``ui`` template tags (relative time, avatars), the
person's colour scheme (the account's theme, by form and by API), the style guide's
access, the icon sprite, and the shell's navigation when a plugin is switched off."""

from __future__ import annotations

import datetime
import json
import textwrap
import xml.dom.minidom
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from portal import avatars
from portal.core.templatetags.ui import relative_time

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "themes" / "default" / "static" / "portal"


def render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


# ---- {% reltime %} ------------------------------------------------------------------------


class TestRelativeTime:
    NOW = timezone.make_aware(datetime.datetime(2026, 12, 4, 18, 0))

    @pytest.mark.parametrize(
        ("delta", "english", "french"),
        [
            (datetime.timedelta(seconds=20), "just now", "à l'instant"),
            (datetime.timedelta(minutes=5), "5 min ago", "il y a 5 min"),
            (datetime.timedelta(hours=2), "2 h ago", "il y a 2 h"),
            (datetime.timedelta(days=3), "3 d ago", "il y a 3 j"),
        ],
    )
    def test_recent_times_in_both_languages(self, delta, english, french):
        with translation.override("en"):
            assert relative_time(self.NOW - delta, now=self.NOW) == english
        with translation.override("fr"):
            assert relative_time(self.NOW - delta, now=self.NOW) == french

    def test_older_and_future_times_are_dates(self):
        old = timezone.make_aware(datetime.datetime(2026, 10, 25, 9, 30))
        future = timezone.make_aware(datetime.datetime(2026, 12, 24, 9, 30))
        with translation.override("en"):
            assert relative_time(old, now=self.NOW) == "25 Oct 2026"
            assert relative_time(future, now=self.NOW) == "24 Dec 2026"
        with translation.override("fr"):
            assert relative_time(old, now=self.NOW) == "25 oct. 2026"

    def test_the_tag_says_2_h_ago_with_the_exact_date_on_hover(self):
        value = timezone.now() - datetime.timedelta(hours=2, minutes=1)
        with translation.override("en"):
            html = render("{% reltime value %}", value=value)
        assert html.startswith('<time class="reltime" datetime="')
        assert ">2 h ago</time>" in html
        with translation.override("fr"):
            assert ">il y a 2 h</time>" in render("{% reltime value %}", value=value)

    def test_the_exact_date_is_european_in_both_languages(self):
        value = timezone.make_aware(datetime.datetime(2026, 12, 2, 14, 5))
        with translation.override("en"):
            html = render("{% reltime value %}", value=value)
        assert 'title="2 Dec 2026, 14:05"' in html
        assert f'datetime="{value.isoformat()}"' in html
        with translation.override("fr"):
            assert 'title="2 déc. 2026, 14:05"' in render("{% reltime value %}", value=value)

    def test_a_date_without_a_time_and_nothing_at_all(self):
        with translation.override("en"):
            html = render("{% reltime value %}", value=datetime.date(2026, 12, 2))
        assert ">2 Dec 2026</time>" in html
        assert render("{% reltime value %}", value=None).strip() == ""


# ---- {% avatar %} ---------------------------------------------------------------------------


@pytest.mark.django_db
class TestAvatar:
    def make(self, first="Ada", last="Lovelace", email="ada@example.com"):
        from tests.factories import make_user

        return make_user(email, first_name=first, last_name=last)

    def test_initials(self):
        from portal.accounts.models import User

        assert avatars.initials(User(first_name="ada", last_name="lovelace")) == "AL"
        assert avatars.initials(User(first_name="Chloé", last_name="")) == "C"
        assert avatars.initials(User(email="zoe@example.com")) == "Z"
        assert avatars.initials(None) == "?"

    def test_the_hue_is_stable_for_a_person(self):
        from portal.accounts.models import User

        person = self.make()
        again = User.objects.get(pk=person.pk)
        assert avatars.hue(person) == avatars.hue(again)
        assert 0 <= avatars.hue(person) < avatars.HUES
        hues = {avatars.hue(User(pk=pk)) for pk in range(1, 60)}
        assert len(hues) > avatars.HUES // 2  # people get different colours
        html = render("{% avatar person 'sm' %}", person=again)
        assert f"avatar--hue-{avatars.hue(person)}" in html
        assert "avatar--sm" in html
        assert ">AL</span>" in html

    def test_an_unknown_size_falls_back_to_md(self):
        html = render("{% avatar person 'huge' %}", person=self.make())
        assert "avatar--md" in html

    def test_decorative_or_labelled(self):
        person = self.make()
        assert 'aria-hidden="true"' in render("{% avatar person %}", person=person)
        labelled = render("{% avatar person 'md' decorative=False %}", person=person)
        assert 'role="img" aria-label="Ada Lovelace"' in labelled

    def test_the_photo_only_when_loaded_and_never_a_query(self, django_assert_num_queries):
        from portal.accounts.models import User

        person = self.make()
        person.profile.photo.name = "people/photos/ada.jpg"
        person.profile.save()
        with_photo = User.objects.select_related(*avatars.related()).get(pk=person.pk)
        without = User.objects.get(pk=person.pk)
        with django_assert_num_queries(0):
            shown = render("{% avatar person 'lg' %}", person=with_photo)
            initials = render("{% avatar person 'lg' %}", person=without)
            chip = render("{% person_chip person meta='Engineer' %}", person=without)
        assert "<img " in shown and "ada.jpg" in shown
        assert ">AL</span>" not in shown
        assert "<img " not in initials and ">AL</span>" in initials
        assert "Ada Lovelace" in chip and "Engineer" in chip

    def test_a_person_without_a_profile_photo_shows_initials(self):
        from portal.accounts.models import User

        person = self.make()
        loaded = User.objects.select_related(*avatars.related()).get(pk=person.pk)
        html = render("{% avatar person %}", person=loaded)
        assert "<img " not in html and ">AL</span>" in html


# ---- Icons and illustrations ----------------------------------------------------------------

ICONS = (  # noqa: SIM905 - the brief's list, as written there
    "home users news people graduation heart calendar book bell bookmark search menu close "
    "messages agenda drive projects settings logout plus image poll event globe sun moon "
    "monitor chevron-down chevron-right more activity user org share comment paperclip send "
    "edit trash flag pin lock eye shield admin status check info alert zoom-in zoom-out "
    "maximize link file download map-pin clock star filter hash mail phone building sparkles "
    "smile upload"
).split()


def test_the_icon_sprite_is_valid_svg_with_every_documented_icon():
    """A browser draws nothing after the first XML error: every symbol must parse."""
    sprite = xml.dom.minidom.parse(str(STATIC / "img" / "icons.svg"))  # noqa: S318 - our file
    symbols = {s.getAttribute("id"): s for s in sprite.getElementsByTagName("symbol")}
    assert sorted(set(ICONS) - set(symbols)) == []
    for name, symbol in symbols.items():
        assert symbol.getAttribute("viewBox") == "0 0 24 24", name
        assert not symbol.getElementsByTagName("svg"), f"{name}: a nested <svg>"
        assert symbol.childNodes, f"{name} is empty"


def test_the_illustrations_are_valid_svg():
    for path in sorted((STATIC / "img").rglob("*.svg")):
        xml.dom.minidom.parse(str(path))  # noqa: S318 - ours; raises on the first error


def test_the_icon_tag_is_decorative_unless_labelled():
    assert 'aria-hidden="true"' in render('{% icon "bell" %}')
    labelled = render('{% icon "bell" label="Notifications" %}')
    assert 'role="img" aria-label="Notifications"' in labelled
    assert "icons.svg#bell" in labelled


# ---- The person's colour scheme --------------------------------------------------------------


@pytest.mark.django_db
class TestTheme:
    def test_the_menu_form_saves_the_scheme_and_the_page_wears_it(self, client, employee):
        client.force_login(employee)
        response = client.post("/account/theme/", {"theme": "dark", "next": "/bookmarks/"})
        assert response.status_code == 302
        assert response["Location"] == "/bookmarks/"
        employee.refresh_from_db()
        assert employee.theme == "dark"
        html = client.get("/bookmarks/").content.decode()
        assert '<html lang="en" class="no-js" data-theme="dark">' in html
        assert '<meta name="color-scheme" content="dark">' in html

    def test_system_is_the_empty_choice(self, client, employee):
        employee.theme = "dark"
        employee.save()
        client.force_login(employee)
        answer = client.post("/account/theme/", {"theme": ""}, HTTP_ACCEPT="application/json")
        assert answer.status_code == 200
        assert answer.json() == {"theme": ""}
        employee.refresh_from_db()
        assert employee.theme == ""
        html = client.get("/").content.decode()
        assert "data-theme=" not in html
        assert '<meta name="color-scheme" content="light dark">' in html

    def test_a_bad_scheme_is_refused_naming_the_field(self, client, employee):
        client.force_login(employee)
        answer = client.post("/account/theme/", {"theme": "purple"}, HTTP_ACCEPT="application/json")
        assert answer.status_code == 400
        assert "theme" in answer.json()
        employee.refresh_from_db()
        assert employee.theme == ""

    def test_an_offsite_next_goes_home(self, client, employee):
        client.force_login(employee)
        response = client.post("/account/theme/", {"theme": "light", "next": "https://evil.test/"})
        assert response["Location"] == "/"

    def test_the_api_reads_and_patches_the_theme(self, employee):
        from rest_framework.test import APIClient

        api = APIClient()
        api.force_authenticate(employee)
        assert api.get("/api/me/").json()["theme"] == ""
        answer = api.patch("/api/me/", {"theme": "dark"}, format="json")
        assert answer.status_code == 200
        assert answer.json()["theme"] == "dark"
        employee.refresh_from_db()
        assert employee.theme == "dark"

    def test_the_api_refuses_a_bad_theme_with_json_naming_it(self, employee):
        from rest_framework.test import APIClient

        api = APIClient()
        api.force_authenticate(employee)
        answer = api.patch(
            "/api/me/", {"theme": "purple", "preferred_language": "fr"}, format="json"
        )
        assert answer.status_code == 400
        assert answer["Content-Type"].startswith("application/json")
        assert "theme" in json.dumps(answer.json())
        employee.refresh_from_db()
        assert employee.theme == ""
        assert employee.preferred_language == ""  # nothing partial stored

    def test_anonymous_people_cannot_set_a_theme(self, client):
        response = client.post("/account/theme/", {"theme": "dark"})
        assert response.status_code in {302, 403}
        if response.status_code == 302:
            assert "/account/login/" in response["Location"]


# ---- The shell -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestShell:
    def test_the_avatar_menu_holds_profile_settings_language_theme_and_log_out(
        self, client, employee, home_page
    ):
        client.force_login(employee)
        html = client.get("/").content.decode()
        start = html.index('<details class="menu account-menu" data-menu>')
        menu = html[start : html.index("</details>", start)]
        assert 'aria-label="Account menu of Employee Tester"' in menu
        assert 'href="/account/settings/"' in menu
        assert 'action="/account/theme/"' in menu
        assert 'action="/account/logout/"' in menu
        assert 'name="language" value="fr"' in menu
        for value in ("", "light", "dark"):
            assert f'name="theme" value="{value}"' in menu
        profile = employee.get_absolute_url()
        if profile:
            assert f'href="{profile}"' in menu

    def test_the_top_bar_holds_the_notifications_and_one_menu_button(
        self, client, employee, home_page
    ):
        client.force_login(employee)
        html = client.get("/").content.decode()
        topbar = html[html.index('<header class="topbar">') : html.index("</header>")]
        assert 'data-badge="notifications"' in topbar
        assert "data-nav-toggle" not in topbar  # the bottom bar's Menu button opens the drawer
        assert html.count("data-nav-toggle") == 1

    def test_anonymous_pages_have_no_shell(self, client):
        html = client.get("/account/login/").content.decode()
        assert "account-menu" not in html
        assert 'id="site-nav"' not in html
        assert "bottombar" not in html


# ---- The style guide ---------------------------------------------------------------------


@pytest.mark.django_db
class TestStyleGuide:
    def test_staff_see_it_in_both_schemes_and_languages(self, client, administrator):
        administrator.is_staff = True
        administrator.save()
        client.force_login(administrator)
        response = client.get("/styleguide/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "styleguide-scheme--light" in html and "styleguide-scheme--dark" in html
        assert 'lang="fr"' in html and "Publier" in html
        assert "just now" in html
        assert 'id="sg-dialog"' in html

    def test_in_french_for_a_french_reader(self, client, administrator):
        administrator.is_staff = True
        administrator.preferred_language = "fr"
        administrator.save()
        client.force_login(administrator)
        html = client.get("/styleguide/").content.decode()
        assert '<html lang="fr"' in html

    def test_an_employee_gets_404(self, client, employee):
        assert not employee.is_staff
        client.force_login(employee)
        assert client.get("/styleguide/").status_code == 404

    def test_anonymous_people_are_sent_to_log_in(self, client):
        response = client.get("/styleguide/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/?next=/styleguide/")

    def test_the_navigation_links_it_for_staff_only(self, client, administrator, employee):
        administrator.is_staff = True
        administrator.save()
        client.force_login(administrator)
        assert 'href="/styleguide/"' in client.get("/").content.decode()
        client.force_login(employee)
        assert 'href="/styleguide/"' not in client.get("/").content.decode()


# ---- A switched-off plugin leaves the shell ------------------------------------------------

NAV_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.test import Client
    from tests.factories import ensure_home_page, make_user

    ensure_home_page()
    client = Client()
    client.force_login(make_user("someone@example.com"))
    html = client.get("/").content.decode()
    start = html.index('<nav id="site-nav"')
    nav = html[start:html.index("</nav>", start)]
    bar = html[html.index('<nav class="bottombar"'):]
    bar = bar[:bar.index("</nav>")]
    print(json.dumps({
        "nav_people": 'href="/people/"' in nav,
        "bar_people": 'href="/people/"' in bar,
        "nav_home": 'href="/"' in nav,
    }))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("excluded", [True, False])
def test_a_disabled_plugins_nav_entry_vanishes_from_the_drawer_and_the_bottom_bar(excluded):
    from tests.test_plugin_contract import run_probe

    env = {"PORTAL_TEST_SAMPLE_PLUGIN": "0"}
    if excluded:
        env["PORTAL_PLUGINS_EXCLUDE"] = "people"
    result = run_probe(env, NAV_PROBE)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["nav_home"] is True
    assert seen["nav_people"] is (not excluded)
    assert seen["bar_people"] is (not excluded)
