"""Department groups follow the org chart: one per department, members = the active people
of the department and its sub-departments."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from plugins.groups import services
from plugins.groups.models import Group, Membership
from portal import signals, visibility
from portal.accounts.models import Department
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def members(department) -> set[str]:
    return set(
        Membership.objects.filter(group__department=department).values_list(
            "user__email", flat=True
        )
    )


def test_every_department_gets_a_private_group(departments):
    group = Group.objects.get(department=departments["engineering"])
    assert (group.name, group.privacy, group.slug) == ("Engineering", Group.PRIVATE, "eng")
    assert Group.objects.filter(department__isnull=False).count() == 4


def test_members_are_the_people_of_the_department_tree(departments, employee, colleague):
    assert employee.email in members(departments["platform"])
    assert employee.email in members(departments["engineering"])
    assert employee.email in members(departments["company"])
    assert employee.email not in members(departments["sales"])
    assert colleague.email in members(departments["company"])
    assert Membership.objects.filter(user=employee).first().synced


def test_moving_someone_moves_their_memberships(departments, employee):
    employee.department = departments["sales"]
    employee.save()
    assert employee.email in members(departments["sales"])
    assert employee.email not in members(departments["engineering"])
    assert employee.email in members(departments["company"])
    engineering = Group.objects.get(department=departments["engineering"])
    assert visibility.group_token(engineering.pk) not in visibility.tokens_for(employee)


def test_deactivation_removes_memberships(departments, employee):
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    assert not Membership.objects.filter(user=employee).exists()


def test_renaming_a_department_renames_its_group(departments):
    departments["sales"].name = "Sales & Marketing"
    departments["sales"].save()
    assert Group.objects.get(department=departments["sales"]).name == "Sales & Marketing"


def test_nobody_leaves_joins_or_deletes_a_department_group(departments, employee, colleague):
    group = Group.objects.get(department=departments["platform"])
    with pytest.raises(ValidationError):
        services.leave(employee, group)
    with pytest.raises(ValidationError):
        services.request_to_join(colleague, group)
    with pytest.raises(ValidationError):
        services.invite(employee, group, [colleague])
    with pytest.raises(PermissionDenied):
        services.delete_group(employee, group)


def test_moderators_are_added_by_hand_and_stay(departments, employee, administrator):
    group = Group.objects.get(department=departments["platform"])
    services.set_role(administrator, group, employee, Membership.MODERATOR)
    mine = Membership.objects.get(group=group, user=employee)
    assert (mine.role, mine.synced) == (Membership.MODERATOR, False)
    services.sync_department_groups()
    assert Membership.objects.filter(group=group, user=employee).exists()
    with pytest.raises(ValidationError):
        services.update_group(employee, group, privacy=Group.PUBLIC)
    with pytest.raises(ValidationError):
        services.update_group(employee, group, name="Renamed")
    services.update_group(employee, group, description="The platform team")


def test_full_sync_repairs_bulk_changes(departments, employee, colleague):
    from portal.accounts.models import User

    # Bulk writes skip model signals (the HR import does this).
    User.objects.filter(pk=employee.pk).update(department=departments["sales"])
    User.objects.filter(pk=colleague.pk).update(is_active=False)
    Group.objects.filter(department=departments["sales"]).delete()
    counts = services.sync_department_groups()
    assert counts["groups_created"] == 1
    assert members(departments["sales"]) == {employee.email}
    assert colleague.email not in members(departments["company"])
    assert employee.email not in members(departments["platform"])
    assert services.sync_department_groups() == {
        "groups_created": 0,
        "groups_renamed": 0,
        "added": 0,
        "removed": 0,
    }


def test_the_import_signal_and_the_command_sync(departments, employee):
    from portal.accounts.models import User

    User.objects.filter(pk=employee.pk).update(department=departments["sales"])
    signals.org_chart_changed.send(sender=User)
    assert employee.email in members(departments["sales"])
    User.objects.filter(pk=employee.pk).update(department=departments["platform"])
    call_command("sync_department_groups", verbosity=0)
    assert employee.email in members(departments["platform"])


def test_moving_a_department_resyncs_after_commit(
    departments, employee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        platform = departments["platform"]
        platform.parent = departments["sales"]
        platform.save()
    assert employee.email in members(departments["sales"])
    assert employee.email not in members(departments["engineering"])


def test_deleting_a_department_keeps_its_group_as_an_ordinary_one(
    departments, django_capture_on_commit_callbacks
):
    person = make_user("leaf@example.com", department=departments["platform"])
    group = Group.objects.get(department=departments["platform"])
    with django_capture_on_commit_callbacks(execute=True):
        Department.objects.filter(pk=departments["platform"].pk).delete()
    group.refresh_from_db()
    assert group.department_id is None
    assert Membership.objects.get(group=group, user=person).synced is False
