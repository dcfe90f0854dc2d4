"""The plugin contract: metadata validation, discovery of every submodule, disabling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from portal import metrics, plugins, privacy
from portal.navigation import collect_nav_items
from search.registry import searchable_types
from tests.sample_plugin.models import Note

ROOT = Path(__file__).resolve().parent.parent


def make_config(meta: dict | None):
    attrs = {"name": "tests.sample_plugin", "label": "made_up"}
    if meta is not None:
        attrs["PortalPluginMeta"] = type("PortalPluginMeta", (), meta)
    return type("MadeUpConfig", (plugins.PluginConfig,), attrs)


VALID_META = {
    "name": "Made up",
    "version": "1.2.3",
    "description": "A plugin for tests.",
    "category": "other",
    "compatibility": ">=0.1,<1",
}


def instantiate(meta):
    import tests.sample_plugin as module

    return make_config(meta)("tests.sample_plugin", module)


class TestMetadataValidation:
    def test_valid_metadata_is_exposed(self):
        config = instantiate(VALID_META)
        assert config.meta.version == "1.2.3"
        assert config.meta.requires == ()

    def test_missing_meta_class_fails_loudly(self):
        with pytest.raises(ImproperlyConfigured, match="has no PortalPluginMeta"):
            instantiate(None)

    @pytest.mark.parametrize(
        "field", ["name", "version", "description", "category", "compatibility"]
    )
    def test_each_required_field(self, field):
        meta = {k: v for k, v in VALID_META.items() if k != field}
        with pytest.raises(ImproperlyConfigured, match=f"missing {field}"):
            instantiate(meta)

    def test_bad_version(self):
        with pytest.raises(ImproperlyConfigured, match="not a valid version"):
            instantiate({**VALID_META, "version": "one"})

    def test_unknown_category(self):
        with pytest.raises(ImproperlyConfigured, match="category 'games'"):
            instantiate({**VALID_META, "category": "games"})

    def test_unparseable_compatibility(self):
        with pytest.raises(ImproperlyConfigured, match="not a version specifier"):
            instantiate({**VALID_META, "compatibility": "new enough"})

    def test_incompatible_plugin_refuses_to_start(self):
        with pytest.raises(ImproperlyConfigured, match="requires portal >=2"):
            instantiate({**VALID_META, "compatibility": ">=2"})


class TestDiscovery:
    def test_every_folder_with_apps_py_is_a_plugin(self):
        assert "plugins.bookmarks" in plugins.discover_plugins()

    def test_exclude_by_label_or_module(self):
        assert "plugins.bookmarks" not in plugins.discover_plugins(exclude=["bookmarks"])
        assert "plugins.bookmarks" not in plugins.discover_plugins(exclude=["plugins.bookmarks"])

    def test_explicit_list_replaces_discovery(self):
        assert plugins.discover_plugins(include=["a.b", "c.d"], exclude=["d"]) == ["a.b"]

    def test_enabled_plugins_are_found_without_naming_them(self):
        labels = [config.label for config in plugins.get_plugins()]
        assert "bookmarks" in labels and "sample_plugin" in labels

    def test_unknown_submodule_is_not_part_of_the_contract(self):
        with pytest.raises(ValueError, match="not part of the plugin contract"):
            list(plugins.plugin_submodules("models"))

    def test_dependencies_are_checked(self, settings):
        config = plugins.get_plugins()[0]
        original = config.meta
        object.__setattr__(
            config, "meta", original.__class__(**{**original.__dict__, "requires": ("nowhere",)})
        )
        try:
            with pytest.raises(
                ImproperlyConfigured, match="requires nowhere, which is not enabled"
            ):
                plugins.check_dependencies()
        finally:
            object.__setattr__(config, "meta", original)


@pytest.mark.django_db
class TestSubmodules:
    """Each submodule of the sample plugin is picked up by the core."""

    def test_urls_are_mounted_under_the_label(self, client, employee):
        client.force_login(employee)
        assert reverse("sample_plugin:hello") == "/sample_plugin/"
        assert client.get("/sample_plugin/").content == b"hello from the sample plugin"

    def test_api_viewsets_are_registered(self, employee_client):
        assert employee_client.get("/api/sample-notes/").status_code == 200

    def test_search_declarations_are_loaded(self):
        assert searchable_types()["sample.note"].model is Note

    def test_privacy_export_and_erase_reach_the_plugin(self, employee):
        Note.objects.create(author=employee, text="mine")
        exported = privacy.export_user_data(employee)
        assert exported["sample_plugin"] == [{"text": "mine"}]
        assert exported["account"]["email"] == "employee@example.com"
        assert exported["learning"] == []  # core apps answer data requests too
        privacy.erase_user_data(employee)
        assert not Note.objects.exists()
        employee.refresh_from_db()
        assert not employee.is_active and employee.email.startswith("erased-")

    def test_metrics_are_collected(self):
        assert "sample.notes" in {metric.key for metric in metrics.collect_metrics()}

    def test_wagtail_hooks_are_loaded(self, rf, administrator):
        request = rf.get("/admin/")
        request.user = administrator
        names = [item.name for item in admin_menu.menu_items_for_request(request)]
        assert "sample-plugin" in names

    def test_signal_receivers_are_connected(self, rf, employee):
        request = rf.get("/")
        request.user = employee
        labels = [str(item.label) for item in collect_nav_items(request)]
        assert "Sample" in labels and "My bookmarks" in labels

    def test_plugins_endpoint_lists_metadata(self, employee_client):
        data = employee_client.get("/api/plugins/").json()
        bookmarks = next(item for item in data if item["label"] == "bookmarks")
        assert bookmarks["version"] == "1.0.0"
        assert bookmarks["category"] == "productivity"


DISABLED_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.test import Client
    from wagtail.admin.menu import admin_menu
    from django.test import RequestFactory
    from tests.factories import ensure_home_page, make_user
    from portal.accounts import roles

    ensure_home_page()
    admin = make_user("admin@example.com", role=roles.ADMINISTRATOR)
    employee = make_user("someone@example.com")
    client = Client()
    client.force_login(employee)
    home = client.get("/").content.decode()
    request = RequestFactory().get("/admin/")
    request.user = admin
    report_names = []
    for item in admin_menu.menu_items_for_request(request):
        menu = getattr(item, "menu", None)
        if menu is not None:
            report_names += [sub.name for sub in menu.menu_items_for_request(request)]
    print(json.dumps({
        "page": client.get("/bookmarks/").status_code,
        "api": client.get("/api/bookmarks/").status_code,
        "schema_mentions": "/api/bookmarks/" in client.get("/api/schema/").content.decode(),
        "plugins": [p["label"] for p in client.get("/api/plugins/").json()],
        "nav_mentions": "My bookmarks" in home,
        "reports": report_names,
    }))
    """
)


def run_probe(env_overrides: dict, code: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        **env_overrides,
    }
    env.pop("DATABASE_URL", None)  # the probe migrates its own in-memory database
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_a_disabled_plugin_disappears_everywhere():
    """With bookmarks excluded: no page, no API endpoint, no schema entry, no menu."""
    result = run_probe(
        {"PORTAL_PLUGINS_EXCLUDE": "bookmarks", "PORTAL_TEST_SAMPLE_PLUGIN": "0"}, DISABLED_PROBE
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["page"] == 404
    assert seen["api"] == 404
    assert seen["schema_mentions"] is False
    assert "bookmarks" not in seen["plugins"]
    assert seen["nav_mentions"] is False
    assert "bookmarks-report" not in seen["reports"]


@pytest.mark.slow
def test_the_same_probe_sees_the_plugin_when_enabled():
    """The control for the test above: the probe does find bookmarks when enabled."""
    result = run_probe({"PORTAL_TEST_SAMPLE_PLUGIN": "0"}, DISABLED_PROBE)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["page"] == 200
    assert seen["api"] == 200
    assert seen["schema_mentions"] is True
    assert "bookmarks" in seen["plugins"]
    assert seen["nav_mentions"] is True
    assert "bookmarks-report" in seen["reports"]


def test_excluding_a_required_plugin_fails_at_start_up():
    """The sample plugin requires bookmarks: excluding bookmarks alone must not start."""
    result = run_probe(
        {"PORTAL_PLUGINS_EXCLUDE": "bookmarks", "PORTAL_TEST_SAMPLE_PLUGIN": "1"},
        "import django; django.setup()",
    )
    assert result.returncode != 0
    assert "Plugin 'sample_plugin' requires bookmarks, which is not enabled" in result.stderr


SOCIAL_PROBE = textwrap.dedent(
    """
    import json
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from django.test import Client
    from search.registry import searchable_types
    from tests.factories import ensure_home_page, make_user

    from portal.editorial.news.factories import make_news, make_news_index
    from portal.editorial.weeks.models import Initiative
    from portal.editorial.weeks.tests.factories import make_index, make_initiative, make_week

    home_page = ensure_home_page()
    employee = make_user("someone@example.com")
    news = make_news(make_news_index(home_page), "Canteen news")
    week = make_week(make_index(home_page), "Green week")
    make_initiative(week, employee, "Car-sharing", status=Initiative.Status.APPROVED)
    client = Client()
    client.force_login(employee)
    home = client.get("/")
    pages = [client.get(page.url) for page in (news, week)]
    page_api = client.get(f"/api/v2/pages/{news.pk}/").json()
    print(json.dumps({
        "editorial": [page.status_code for page in pages],
        "sections": [
            'id="comments"' in page.content.decode() or "reactions__picker" in page.content.decode()
            for page in pages
        ],
        "page_api": sorted({"comments", "reactions"} & set(page_api)),
        "page_threads": client.get(f"/api/pages/{news.pk}/comments/").status_code,
        "home": home.status_code,
        "feed_panel": 'data-feed' in home.content.decode(),
        "nav_groups": 'href="/groups/"' in home.content.decode(),
        "badge": 'data-badge="notifications"' in home.content.decode(),
        "pages": [client.get(p).status_code for p in ("/feed/", "/groups/", "/notifications/")],
        "api": [
            client.get(p).status_code
            for p in ("/api/feed/", "/api/posts/", "/api/groups/", "/api/notifications/")
        ],
        "search": sorted(searchable_types()),
    }))
    """
)
SOCIAL = "groups,feed,comments,reactions,notifications,messaging"


@pytest.mark.slow
def test_the_social_plugins_can_be_switched_off_together():
    """Without the social plugins the portal still starts and its home page works; their
    feed, menus, badge, pages, endpoints and search types are gone."""
    off = run_probe(
        {"PORTAL_PLUGINS_EXCLUDE": SOCIAL, "PORTAL_TEST_SAMPLE_PLUGIN": "0"}, SOCIAL_PROBE
    )
    assert off.returncode == 0, off.stderr[-3000:]
    seen = json.loads(off.stdout.strip().splitlines()[-1])
    assert seen["home"] == 200
    assert not (seen["feed_panel"] or seen["nav_groups"] or seen["badge"])
    assert seen["pages"] == [404, 404, 404]
    assert seen["api"] == [404, 404, 404, 404]
    assert not {"feed.post", "groups.group", "comments.comment"} & set(seen["search"])
    # Editorial pages still render, without comments or reactions anywhere.
    assert seen["editorial"] == [200, 200] and seen["sections"] == [False, False]
    assert seen["page_api"] == [] and seen["page_threads"] == 404

    on = run_probe({"PORTAL_TEST_SAMPLE_PLUGIN": "0"}, SOCIAL_PROBE)
    assert on.returncode == 0, on.stderr[-3000:]
    seen = json.loads(on.stdout.strip().splitlines()[-1])
    assert seen["feed_panel"] and seen["nav_groups"] and seen["badge"]
    assert seen["pages"] == [200, 200, 200]
    assert seen["api"] == [200, 200, 200, 200]
    assert {"feed.post", "groups.group", "comments.comment"} <= set(seen["search"])
    assert seen["editorial"] == [200, 200] and seen["sections"] == [True, True]
    assert seen["page_api"] == ["comments", "reactions"] and seen["page_threads"] == 200


def test_the_feed_cannot_be_switched_off_without_what_builds_on_it():
    result = run_probe(
        {"PORTAL_PLUGINS_EXCLUDE": "feed", "PORTAL_TEST_SAMPLE_PLUGIN": "0"},
        "import django; django.setup()",
    )
    assert result.returncode != 0
    assert "requires feed, which is not enabled" in result.stderr
