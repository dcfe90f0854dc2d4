"""Data requests: a person's profile is exported, and erased with its photo."""

import pytest

from plugins.people.models import Profile
from plugins.people.orgchart import set_manager
from portal import privacy

pytestmark = pytest.mark.django_db


def test_the_profile_is_exported_and_erased(employee, colleague):
    profile = employee.profile
    profile.job_title = "Developer"
    profile.bio = "Likes climbing"
    profile.save()
    profile.skills.add("python")
    report = colleague.profile
    set_manager(report, profile)

    exported = privacy.export_user_data(employee)["people"]
    assert exported["job_title"] == "Developer" and exported["skills"] == ["python"]

    privacy.erase_user_data(employee)
    assert not Profile.objects.filter(user=employee).exists()
    report.refresh_from_db()
    assert report.manager is None and report.depth == 0
