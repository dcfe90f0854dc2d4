"""Languages: the French catalogue is complete and compiled, and the language comes from
the user's profile, then the language cookie, then the browser."""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "portal/locale/fr/LC_MESSAGES"


def parse_po(path: Path) -> dict[str, dict]:
    """msgid -> {"msgstr": str, "fuzzy": bool}; enough of the PO format for our files."""
    entries: dict[str, dict] = {}
    current: dict = {}
    field = None
    fuzzy = False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current and current["msgid"]:
            key = current["msgid"]
            if "msgctxt" in current:
                key = f"{current['msgctxt']}\x04{key}"
            entries[key] = {
                "msgstr": current.get("msgstr", current.get("msgstr[0]", "")),
                "plural": [v for k, v in sorted(current.items()) if k.startswith("msgstr[")],
                "fuzzy": fuzzy,
            }
        current, fuzzy = {}, False

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            current[field] = ast.literal_eval(value)
    flush()
    return entries


def test_every_french_entry_is_translated():
    entries = parse_po(CATALOGUE / "django.po")
    assert len(entries) > 100
    untranslated = [k for k, e in entries.items() if not e["msgstr"] and not any(e["plural"])]
    fuzzy = [k for k, e in entries.items() if e["fuzzy"]]
    assert untranslated == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    entries = parse_po(CATALOGUE / "django.po")
    with open(CATALOGUE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = {}
    for msgid, entry in entries.items():
        if entry["plural"]:  # compiled plural forms are keyed (msgid, index)
            for index, form in enumerate(entry["plural"]):
                if compiled._catalog.get((msgid, index)) != form:
                    stale[f"{msgid}[{index}]"] = form
        elif entry["msgstr"] and compiled._catalog.get(msgid) != entry["msgstr"]:
            stale[msgid] = entry["msgstr"]
    assert stale == {}, "run `make messages` to recompile portal/locale"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_interface_string_is_in_the_french_catalogue(tmp_path):
    """Extract the strings from a copy of the code and find each one translated."""
    for name in ("portal", "plugins", "themes", "search"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "tests")
        )
    shutil.copy(ROOT / "manage.py", tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fr", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    entries = parse_po(tmp_path / "portal/locale/fr/LC_MESSAGES/django.po")
    missing = sorted(k for k, e in entries.items() if not e["msgstr"] or e["fuzzy"])
    assert missing == [], "new strings to translate; run `make messages`"


@pytest.mark.django_db
class TestLanguageChoice:
    def test_the_browser_language_is_used_before_login(self, client):
        response = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
        html = response.content.decode()
        assert response["Content-Language"] == "fr"
        assert '<html lang="fr"' in html and "Se connecter" in html

    def test_english_otherwise(self, client):
        html = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
        assert '<html lang="en"' in html and "Log in" in html

    def test_the_profile_language_wins_over_the_browser(self, client, employee, home_page):
        employee.preferred_language = "fr"
        employee.save()
        client.force_login(employee)
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<html lang="fr"' in html and "Bonjour" in html

    def test_switching_language_saves_it_on_the_profile(self, client, employee, home_page):
        from wagtail.users.models import UserProfile

        client.force_login(employee)
        response = client.post("/account/language/", {"language": "fr", "next": "/"})
        assert response.status_code == 302 and response["Location"] == "/"
        employee.refresh_from_db()
        assert employee.preferred_language == "fr"
        assert UserProfile.get_for_user(employee).preferred_language == "fr"  # the admin too
        client.cookies.clear()
        client.force_login(employee)
        assert "Se déconnecter" in client.get("/").content.decode()

    def test_following_the_browser_again(self, client, employee, home_page):
        client.force_login(employee)
        client.post("/account/language/", {"language": "fr"})
        client.post("/account/language/", {"language": ""})
        employee.refresh_from_db()
        assert employee.preferred_language == ""
        assert '<html lang="en"' in client.get("/").content.decode()

    def test_visitors_can_switch_before_logging_in(self, client):
        client.post("/account/language/", {"language": "fr", "next": "/account/login/"})
        assert "Se connecter" in client.get("/account/login/").content.decode()

    def test_an_unknown_language_changes_nothing(self, client, employee, home_page):
        client.force_login(employee)
        client.post("/account/language/", {"language": "xx"})
        employee.refresh_from_db()
        assert employee.preferred_language == ""

    def test_the_next_url_stays_on_this_site(self, client):
        response = client.post(
            "/account/language/", {"language": "fr", "next": "https://evil.example/"}
        )
        assert response["Location"] == "/"

    def test_api_errors_follow_the_profile_language_with_a_token(self, api_client, employee):
        from rest_framework.authtoken.models import Token

        employee.preferred_language = "fr"
        employee.save()
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=employee)}")
        response = api_client.patch("/api/me/", {"preferred_language": "xx"}, format="json")
        assert response.json()["detail"] == "Saisie invalide."
        assert response["Content-Language"] == "fr"
