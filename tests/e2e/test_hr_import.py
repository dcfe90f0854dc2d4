"""HR imports the org chart in the Wagtail admin: upload a spreadsheet, read the dry run's
diff, confirm. (axe is not run on Wagtail's own admin pages.)"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["Matricule", "Courriel", "Prénom", "Nom", "Poste", "Service", "Équipe", "Responsable"]


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_hr_uploads_reads_the_dry_run_and_confirms(page, live_server, hr_user, login, tmp_path):
    from plugins.people.models import Profile
    from portal.accounts.models import User

    Profile.objects.filter(user=hr_user).update(employee_id="HR1", job_title="HR officer")
    path = tmp_path / "organigramme.csv"
    path.write_bytes(
        _csv(
            [
                ["HR1", "hr@example.com", "Hr", "Tester", "HR director", "Human Resources", "", ""],
                [
                    "E2",
                    "lea.roux@example.com",
                    "Léa",
                    "Roux",
                    "Recruiter",
                    "Human Resources",
                    "Recruitment",
                    "HR1",
                ],
            ]
        )
    )
    login(page, hr_user.email, PASSWORD, next_path="/admin/people/import/")
    expect(page.get_by_role("heading", name="Upload a spreadsheet")).to_be_visible()
    page.locator("input#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Dry run").click()

    expect(page.get_by_role("heading", name="Dry run of organigramme.csv")).to_be_visible()
    new_people = page.get_by_role("region", name="New people")
    expect(new_people.get_by_role("cell", name="Léa Roux")).to_be_visible()
    changed = page.get_by_role("region", name="Changed people")
    expect(changed).to_contain_text(re.compile(r"job_title: HR officer\s*→\s*HR director"))
    expect(page.get_by_role("region", name="New departments and teams")).to_contain_text(
        "Human Resources / Recruitment"
    )
    assert not User.objects.filter(email="lea.roux@example.com").exists()

    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_text("Org chart imported: 1 new, 1 changed")).to_be_visible()
    lea = Profile.objects.select_related("manager", "user__department").get(employee_id="E2")
    assert lea.manager.employee_id == "HR1"
    assert lea.user.department.name == "Recruitment"
    assert Profile.objects.get(employee_id="HR1").job_title == "HR director"


def test_hr_sees_invalid_rows_and_cannot_confirm(page, live_server, hr_user, login, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv([["E1", "not-an-email", "A", "B", "", "", "", "E9"]]))
    login(page, hr_user.email, PASSWORD, next_path="/admin/people/import/")
    page.locator("input#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Dry run").click()
    invalid = page.get_by_role("region", name="Invalid rows")
    expect(invalid).to_contain_text("invalid email address: not-an-email")
    expect(invalid).to_contain_text("unknown manager: E9")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
