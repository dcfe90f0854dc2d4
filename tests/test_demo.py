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
