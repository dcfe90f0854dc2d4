"""A group's address never tells that a secret group exists (issue 12, existence oracles).

Before: a secret group "Falcon" held ``falcon``, so anyone creating a public "Falcon" got
``falcon-2`` and learnt of it. Now visible groups number their addresses among visible
groups only, and a secret group's address carries a random word.
"""

from __future__ import annotations

import re

import pytest

from plugins.groups import services
from plugins.groups.models import Group
from portal.accounts.models import Department


def test_a_secret_group_never_pushes_a_visible_one_to_a_suffix(owner, outsider):
    secret = services.create_group(owner, name="Falcon", privacy="secret")
    assert re.fullmatch(r"falcon-[a-z]{10}", secret.slug)
    visible = services.create_group(outsider, name="Falcon", privacy="public")
    assert visible.slug == "falcon"
    assert services.create_group(outsider, name="Falcon", privacy="private").slug == "falcon-2"


@pytest.mark.parametrize("privacy", ["public", "private"])
def test_what_an_outsider_gets_is_the_same_whether_or_not_a_secret_group_exists(
    owner, outsider, privacy
):
    services.create_group(owner, name="Board", privacy="secret")
    beside_hidden = services.create_group(outsider, name="Board", privacy=privacy).slug
    Group.objects.all().delete()
    without = services.create_group(outsider, name="Board", privacy=privacy).slug
    assert beside_hidden == without == "board"


def test_a_secret_group_holding_a_plain_address_gives_it_up(owner, outsider):
    """Made before the rule, or public then secret: a visible group still gets the plain
    address, and the secret group moves to a secret one."""
    secret = services.create_group(owner, name="Falcon", privacy="public")
    services.update_group(owner, secret, privacy="secret")
    assert secret.slug == "falcon"
    visible = services.create_group(outsider, name="Falcon")
    secret.refresh_from_db()
    assert visible.slug == "falcon"
    assert re.fullmatch(r"falcon-[a-z]{10}", secret.slug)
    assert secret.privacy == Group.SECRET


def test_department_groups_ignore_secret_groups(owner):
    secret = services.create_group(owner, name="Legal", privacy="secret")
    Group.objects.filter(pk=secret.pk).update(slug="leg")
    department = Department.objects.create(name="Legal", code="LEG")
    group = services.ensure_department_group(department)
    assert group.slug == "leg"
    secret.refresh_from_db()
    assert secret.slug != "leg" and secret.privacy == Group.SECRET


def test_the_org_chart_sync_ignores_secret_groups(owner):
    secret = services.create_group(owner, name="Audit", privacy="secret")
    Group.objects.filter(pk=secret.pk).update(slug="aud")
    Department.objects.create(name="Audit", code="AUD")
    services.sync_department_groups()
    assert Group.objects.get(department__code="AUD").slug == "aud"
    secret.refresh_from_db()
    assert secret.slug != "aud"


def test_secret_addresses_are_not_guessable_from_the_name(owner):
    first = services.create_group(owner, name="Falcon", privacy="secret")
    second = services.create_group(owner, name="Falcon", privacy="secret")
    assert first.slug != second.slug
    assert not re.search(r"-\d+$", first.slug)
