"""The HR spreadsheet import: checks with row numbers, idempotency, atomicity,
deactivation, French headers, dates, export, the command and the admin pages."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from plugins.people.importer import (
    apply_plan,
    export_dataset,
    export_file,
    load_dataset,
    normalise_header,
    plan_import,
)
from plugins.people.models import Profile
from portal.accounts.models import Department, User
from tests.factories import make_user
from tests.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

HEADER = [
    "employee_id",
    "email",
    "first_name",
    "last_name",
    "job_title",
    "department",
    "team",
    "manager_employee_id",
    "location",
    "phone",
    "start_date",
]
PEOPLE = [
    [
        "E1",
        "anne.martin@example.com",
        "Anne",
        "Martin",
        "CEO",
        "Direction",
        "",
        "",
        "Paris",
        "+33 1 00 00 00 01",
        "2019-01-07",
    ],
    [
        "E2",
        "bruno.petit@example.com",
        "Bruno",
        "Petit",
        "CTO",
        "Engineering",
        "",
        "E1",
        "Lyon",
        "",
        "2020-02-03",
    ],
    [
        "E3",
        "chloe.roux@example.com",
        "Chloé",
        "Roux",
        "Developer",
        "Engineering",
        "Platform",
        "E2",
        "Nantes",
        "",
        "03/04/2021",
    ],
    [
        "E4",
        "david.morel@example.com",
        "David",
        "Morel",
        "Developer",
        "Engineering",
        "Platform",
        "E3",
        "Nantes",
        "",
        "",
    ],
]


def csv_bytes(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def plan_for(rows, header=HEADER, deactivate_missing=False):
    return plan_import(load_dataset(csv_bytes(rows, header), "hr.csv"), deactivate_missing)


def run(rows, **kwargs):
    plan = plan_for(rows, **kwargs)
    assert plan.is_valid, [str(e) for e in plan.invalid]
    apply_plan(plan)
    return plan


def snapshot():
    users = list(User.objects.order_by("pk").values())
    profiles = list(Profile.objects.order_by("pk").values())
    departments = list(Department.objects.order_by("pk").values())
    return users, profiles, departments


def messages(plan) -> list[str]:
    return [str(error) for error in plan.invalid]


# --- Creating, updating, idempotency ----------------------------------------------------


def test_first_import_creates_accounts_profiles_departments_and_the_org_chart():
    plan = run(PEOPLE)
    assert plan.counts() == {
        "new": 4,
        "changed": 0,
        "unchanged": 0,
        "to_deactivate": 0,
        "invalid": 0,
    }
    chloe = Profile.objects.select_related("user__department__parent").get(employee_id="E3")
    assert chloe.user.email == "chloe.roux@example.com"
    assert chloe.user.first_name == "Chloé"
    assert not chloe.user.has_usable_password()  # ready for SSO or a password reset
    assert chloe.user.department.name == "Platform"
    assert chloe.user.department.parent.name == "Engineering"
    assert str(chloe.start_date) == "2021-04-03"
    assert chloe.manager.employee_id == "E2"
    anne = Profile.objects.get(employee_id="E1")
    bruno = Profile.objects.get(employee_id="E2")
    assert chloe.manager_path == f"/{anne.pk}/{bruno.pk}/{chloe.pk}/"
    assert chloe.depth == 2
    assert Profile.objects.get(employee_id="E1").phone == "+33 1 00 00 00 01"


def test_importing_the_same_file_twice_changes_nothing_the_second_time():
    run(PEOPLE)
    before = snapshot()
    plan = run(PEOPLE)
    assert plan.counts()["unchanged"] == 4
    assert not plan.has_changes
    assert snapshot()[0] == before[0]
    assert [p["manager_path"] for p in snapshot()[1]] == [p["manager_path"] for p in before[1]]
    assert Department.objects.count() == len(before[2])


def test_a_changed_row_is_listed_field_by_field_and_applied():
    run(PEOPLE)
    rows = [list(row) for row in PEOPLE]
    rows[3][4] = "Lead developer"
    rows[3][7] = "E2"
    rows[3][6] = ""
    plan = run(rows)
    assert [c.employee_id for c in plan.changed] == ["E4"]
    diff = plan.changed[0].diff
    assert diff["job_title"] == ("Developer", "Lead developer")
    assert diff["manager_employee_id"] == ("E3", "E2")
    assert diff["department"] == ("Engineering / Platform", "Engineering")
    david = Profile.objects.get(employee_id="E4")
    assert david.job_title == "Lead developer"
    assert david.manager.employee_id == "E2"
    assert david.depth == 2
    assert david.user.department.name == "Engineering"


def test_an_existing_account_without_employee_id_is_matched_by_email(employee):
    rows = [["E9", "employee@example.com", "Emma", "Ployee", "Tester", "", "", "", "", "", ""]]
    plan = run(rows)
    assert plan.counts()["new"] == 0
    assert plan.changed[0].diff["employee_id"] == ("", "E9")
    employee.refresh_from_db()
    assert employee.profile.employee_id == "E9"
    assert employee.check_password(PASSWORD)  # the account keeps its password


def test_xlsx_with_real_dates_and_numeric_ids():
    import datetime

    rows = [
        [
            1001,
            "a@example.com",
            "A",
            "B",
            "",
            "Sales",
            "",
            None,
            "",
            "",
            datetime.datetime(2022, 5, 17),
        ]
    ]
    plan = plan_import(load_dataset(xlsx_bytes(rows), "hr.xlsx"))
    assert plan.is_valid, messages(plan)
    apply_plan(plan)
    profile = Profile.objects.get(employee_id="1001")
    assert str(profile.start_date) == "2022-05-17"


# --- Headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Matricule", "employee_id"),
        ("E-mail", "email"),
        ("Courriel", "email"),
        ("PRÉNOM", "first_name"),
        ("Nom", "last_name"),
        ("Intitulé du poste", "job_title"),
        ("Département", "department"),
        ("Équipe", "team"),
        ("Matricule du manager", "manager_employee_id"),
        ("Localisation", "location"),
        ("Téléphone", "phone"),
        ("Date d'entrée", "start_date"),
        ("Date d’arrivée", "start_date"),
        ("Start Date", "start_date"),
        ("Employee-ID", "employee_id"),
    ],
)
def test_headers_are_matched_case_and_accent_insensitively_in_french(header, column):
    assert normalise_header(header) == column


def test_a_french_file_imports():
    header = [
        "Matricule",
        "Courriel",
        "Prénom",
        "Nom",
        "Fonction",
        "Direction",
        "Équipe",
        "Responsable",
        "Site",
        "Téléphone",
        "Date d'arrivée",
    ]
    plan = run(PEOPLE, header=header)
    assert plan.counts()["new"] == 4
    assert Profile.objects.get(employee_id="E3").location == "Nantes"


# --- Validation -----------------------------------------------------------------------------


def test_missing_required_column_is_reported_on_row_1():
    plan = plan_for([row[1:] for row in PEOPLE], header=HEADER[1:])
    assert messages(plan) == ["Row 1: Missing required column: employee_id"]


def test_duplicate_ids_and_emails_are_reported_with_row_numbers():
    rows = [
        *PEOPLE,
        ["E2", "other@example.com", "X", "Y", "", "", "", "", "", "", ""],
        ["E7", "ANNE.MARTIN@example.com", "X", "Y", "", "", "", "", "", "", ""],
    ]
    plan = plan_for(rows)
    assert messages(plan) == [
        "Row 6: duplicate employee_id E2 (also on row 3)",
        "Row 7: duplicate email anne.martin@example.com (also on row 2)",
    ]


def test_unknown_manager_bad_email_and_bad_date_are_reported():
    rows = [list(row) for row in PEOPLE]
    rows[1][7] = "E404"
    rows[2][1] = "not-an-email"
    rows[3][10] = "31/02/2021"
    plan = plan_for(rows)
    assert messages(plan) == [
        "Row 3: unknown manager: E404",
        "Row 4: invalid email address: not-an-email",
        "Row 5: invalid date: 31/02/2021 (expected YYYY-MM-DD or DD/MM/YYYY)",
    ]


def test_a_manager_cycle_is_reported_on_each_of_its_rows():
    rows = [list(row) for row in PEOPLE]
    rows[1][7] = "E4"  # E2 -> E4 -> E3 -> E2
    plan = plan_for(rows)
    assert [e.row for e in plan.invalid] == [3, 4, 5]
    assert all("manager cycle" in message for message in messages(plan))


def test_a_cycle_through_people_already_in_the_database_is_caught():
    run(PEOPLE)
    plan = plan_for(
        [
            [
                "E2",
                "bruno.petit@example.com",
                "Bruno",
                "Petit",
                "CTO",
                "Engineering",
                "",
                "E4",
                "Lyon",
                "",
                "2020-02-03",
            ]
        ]
    )
    assert [e.row for e in plan.invalid] == [2]
    assert "manager cycle" in messages(plan)[0]


def test_required_values_and_email_taken_by_someone_else(employee):
    Profile.objects.filter(user=employee).update(employee_id="OLD")
    rows = [
        ["", "x@example.com", "X", "Y", "", "", "", "", "", "", ""],
        ["E5", "employee@example.com", "X", "Y", "", "", "", "", "", "", ""],
    ]
    plan = plan_for(rows)
    assert messages(plan)[0] == "Row 2: employee_id is required"
    assert messages(plan)[1].startswith("Row 3: email employee@example.com already belongs to")


def test_a_bad_row_in_the_middle_writes_nothing():
    run(PEOPLE[:2])
    before = snapshot()
    rows = [list(row) for row in PEOPLE] + [
        ["E5", "e5@example.com", "E", "Five", "", "Marketing", "Brand", "E1", "", "", ""]
    ]
    rows[1][4] = "Chief technology officer"
    rows[2][10] = "yesterday"
    plan = plan_for(rows)
    assert not plan.is_valid
    with pytest.raises(ValueError):
        apply_plan(plan)
    with pytest.raises(CommandError):
        call_command("import_orgchart", _write(tmp_csv(rows)))
    assert snapshot() == before


# --- Deactivation -------------------------------------------------------------------------


def test_people_missing_from_the_file_are_kept_without_the_flag():
    run(PEOPLE)
    plan = run(PEOPLE[:3])
    assert plan.to_deactivate == []
    assert User.objects.get(email="david.morel@example.com").is_active


def test_people_missing_are_deactivated_with_the_flag_never_deleted(editor):
    run(PEOPLE)
    plan = run(PEOPLE[:3], deactivate_missing=True)
    assert [d.employee_id for d in plan.to_deactivate] == ["E4"]
    david = User.objects.get(email="david.morel@example.com")
    assert not david.is_active
    assert Profile.objects.filter(employee_id="E4").exists()
    assert User.objects.get(pk=editor.pk).is_active  # no employee ID: not HR-managed
    # Coming back in the file reactivates them.
    plan = run(PEOPLE)
    assert plan.changed[0].diff["is_active"] == ("no", "yes")
    david.refresh_from_db()
    assert david.is_active


def test_a_manager_missing_from_the_file_is_unknown_when_deactivating():
    run(PEOPLE)
    plan = plan_for(PEOPLE[1:], deactivate_missing=True)
    assert messages(plan) == ["Row 2: manager E1 is missing from the file and would be deactivated"]
    assert plan_for(PEOPLE[1:]).is_valid


# --- Export -------------------------------------------------------------------------------


def test_export_round_trips_and_neutralises_formulas():
    rows = [list(row) for row in PEOPLE]
    rows[3][4] = '=HYPERLINK("http://evil.example","click")'
    rows[2][4] = "@SUM(A1)"
    run(rows)
    dataset = export_dataset()
    assert dataset.headers == HEADER
    by_id = {row[0]: row for row in dataset}
    assert by_id["E4"][4].startswith("'=HYPERLINK")
    assert by_id["E3"][4] == "'@SUM(A1)"
    assert by_id["E1"][9] == "'+33 1 00 00 00 01"
    assert by_id["E3"][5:7] == ("Engineering", "Platform")
    for file_format in ("csv", "xlsx"):
        again = plan_import(load_dataset(export_file(file_format), f"export.{file_format}"))
        assert again.is_valid, messages(again)
        assert not again.has_changes, [c.diff for c in again.changed]
    book = openpyxl.load_workbook(io.BytesIO(export_file("xlsx")))
    assert book.active["E5"].value.startswith("'=")


# --- The command --------------------------------------------------------------------------


def tmp_csv(rows, header=HEADER) -> bytes:
    return csv_bytes(rows, header)


def _write(content: bytes, suffix: str = ".csv") -> str:
    import os
    import tempfile

    descriptor, name = tempfile.mkstemp(suffix=suffix)
    os.write(descriptor, content)
    os.close(descriptor)
    return name


def test_command_imports_with_a_progress_bar_and_a_summary():
    out, err = io.StringIO(), io.StringIO()
    call_command("import_orgchart", _write(xlsx_bytes(PEOPLE), ".xlsx"), stdout=out, stderr=err)
    assert "4 new, 0 changed, 0 unchanged, 0 to deactivate, 0 invalid" in out.getvalue()
    assert "[####" in err.getvalue() and "4/4" in err.getvalue()
    assert Profile.objects.filter(employee_id__in=["E1", "E2", "E3", "E4"]).count() == 4


def test_command_dry_run_writes_nothing():
    out = io.StringIO()
    call_command("import_orgchart", _write(tmp_csv(PEOPLE)), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not User.objects.filter(email="anne.martin@example.com").exists()


def test_command_fails_with_row_numbers_on_invalid_rows():
    rows = [list(row) for row in PEOPLE]
    rows[2][1] = "bad"
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 invalid"):
        call_command("import_orgchart", _write(tmp_csv(rows)), stderr=err)
    assert "Row 4: invalid email address: bad" in err.getvalue()
    assert not User.objects.filter(email="anne.martin@example.com").exists()


def test_command_exit_status_is_non_zero(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "bad.txt"
    path.write_text("x")
    result = subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "manage.py", "import_orgchart", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
    )
    assert result.returncode != 0
    assert "Only .csv and .xlsx" in result.stderr


def test_command_deactivate_missing_flag():
    call_command(
        "import_orgchart", _write(tmp_csv(PEOPLE)), stdout=io.StringIO(), stderr=io.StringIO()
    )
    out = io.StringIO()
    call_command(
        "import_orgchart",
        _write(tmp_csv(PEOPLE[:3])),
        "--deactivate-missing",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "1 to deactivate" in out.getvalue()
    assert not User.objects.get(email="david.morel@example.com").is_active


# --- The admin ----------------------------------------------------------------------------


def _upload(client, content: bytes, name: str = "hr.csv", deactivate: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(name, content)}
    if deactivate:
        data["deactivate_missing"] = "on"
    return client.post(reverse("people_import"), data)


@pytest.fixture
def hr_client(client, hr_user):
    client.force_login(hr_user)
    return client


def test_admin_dry_run_lists_the_plan_then_confirm_applies_it(hr_client):
    run(PEOPLE[:2])
    rows = [list(row) for row in PEOPLE]
    rows[1][4] = "Chief technology officer"
    response = _upload(hr_client, csv_bytes(rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chloé" in page and "David" in page
    assert "job_title" in page and "CTO" in page and "Chief technology officer" in page
    assert "Engineering / Platform" in page
    assert not User.objects.filter(email="chloe.roux@example.com").exists()
    fingerprint = response.context["plan"].fingerprint()
    response = hr_client.post(reverse("people_import_confirm"), {"fingerprint": fingerprint})
    assert response.status_code == 302
    assert User.objects.filter(email="chloe.roux@example.com").exists()
    assert Profile.objects.get(employee_id="E2").job_title == "Chief technology officer"


def test_admin_confirm_refuses_a_plan_that_changed_since_the_dry_run(hr_client):
    response = _upload(hr_client, csv_bytes(PEOPLE))
    fingerprint = response.context["plan"].fingerprint()
    make_user("anne.martin@example.com")  # someone took the address meanwhile
    response = hr_client.post(
        reverse("people_import_confirm"), {"fingerprint": fingerprint}, follow=True
    )
    assert "nothing was imported" in response.content.decode()
    assert not Profile.objects.filter(employee_id="E2").exists()


def test_admin_shows_invalid_rows_and_offers_no_confirmation(hr_client):
    rows = [list(row) for row in PEOPLE]
    rows[2][7] = "E404"
    response = _upload(hr_client, csv_bytes(rows))
    page = response.content.decode()
    assert "unknown manager: E404" in page
    assert "Confirm the import" not in page
    response = hr_client.post(
        reverse("people_import_confirm"), {"fingerprint": response.context["plan"].fingerprint()}
    )
    assert not User.objects.filter(email="anne.martin@example.com").exists()


def test_admin_deactivate_checkbox(hr_client):
    run(PEOPLE)
    response = _upload(hr_client, csv_bytes(PEOPLE[:3]), deactivate=True)
    assert "david.morel@example.com" in response.content.decode()
    hr_client.post(
        reverse("people_import_confirm"), {"fingerprint": response.context["plan"].fingerprint()}
    )
    assert not User.objects.get(email="david.morel@example.com").is_active


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("hr.txt", b"a,b", "Only .csv and .xlsx"),
        ("hr.xlsx", b"employee_id,email", "not an XLSX"),
        ("hr.csv", b"\x00\x01\x02", "not a CSV"),
    ],
)
def test_admin_refuses_files_that_are_not_spreadsheets(hr_client, name, content, message):
    response = _upload(hr_client, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_admin_export(hr_client):
    run(PEOPLE)
    response = hr_client.get(reverse("people_export", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(HEADER)
    assert "'+33 1 00 00 00 01" in text
    assert hr_client.get(reverse("people_export", args=["xlsx"])).content.startswith(b"PK")


@pytest.mark.parametrize("who", ["employee", "editor"])
def test_people_without_the_hr_permission_get_403(client, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in (reverse("people_import"), reverse("people_export", args=["csv"])):
        assert client.get(url).status_code in (302, 403)  # 302: no admin access at all
    response = client.post(reverse("people_import_confirm"), {"fingerprint": "x"})
    assert response.status_code in (302, 403)
    assert User.objects.count() == 1


def test_editor_with_admin_access_gets_403(client, editor):
    client.force_login(editor)
    assert client.get(reverse("people_import")).status_code == 403
    assert client.get(reverse("people_export", args=["csv"])).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client):
    assert client.get(reverse("people_import")).status_code == 302


def test_the_upload_page_for_hr(hr_client):
    response = hr_client.get(reverse("people_import"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Deactivate people missing from the file" in page
    assert reverse("people_export", args=["xlsx"]) in page


# --- The demo company ---------------------------------------------------------------------


def test_the_demo_org_is_deterministic_and_has_four_levels():
    from plugins.people.demo_org import DEMO_FILE, generate_rows, write_xlsx

    rows = generate_rows()
    assert len(rows) == 300
    assert write_xlsx(rows) == DEMO_FILE.read_bytes()  # the committed file is up to date
    managers = {row[0]: row[7] for row in rows}

    def level(employee_id):
        return 0 if not managers[employee_id] else 1 + level(managers[employee_id])

    assert {level(row[0]) for row in rows} == {0, 1, 2, 3}


def test_load_demo_imports_the_demo_org_over_the_demo_accounts():
    from plugins.people.demo_org import DEMO_FILE

    out = io.StringIO()
    call_command("load_demo", stdout=out, stderr=io.StringIO())
    assert "295 new, 5 changed" in out.getvalue()
    assert User.objects.count() == 300
    employee = Profile.objects.select_related("user__department").get(
        user__email="employee@example.com"
    )
    assert employee.depth == 3 and employee.manager is not None
    assert employee.user.department.name == "Platform team"
    demo = json.loads((DEMO_FILE.parent.parent / "demo" / "portal.json").read_text("utf-8"))
    assert employee.user.check_password(demo["password"])  # demo logins keep working
    assert Profile.objects.get(user__email="admin@example.com").depth == 0
    out = io.StringIO()
    call_command("import_orgchart", str(DEMO_FILE), stdout=out, stderr=io.StringIO())
    assert "0 new, 0 changed, 300 unchanged" in out.getvalue()


def test_a_new_person_can_report_to_an_account_matched_by_email(employee):
    rows = [
        ["E1", "employee@example.com", "Emma", "Ployee", "Lead", "", "", "", "", "", ""],
        ["E2", "new@example.com", "New", "Hire", "Dev", "", "", "E1", "", "", ""],
    ]
    run(rows)
    new = Profile.objects.get(employee_id="E2")
    assert new.manager.user == employee
    assert new.depth == 1


def _people(count: int) -> list[list]:
    rows = [["M0", "boss@example.com", "Big", "Boss", "CEO", "Direction", "", "", "", "", ""]]
    for i in range(1, count):
        rows.append(
            [
                f"M{i}",
                f"p{i}@example.com",
                "P",
                f"N{i}",
                "Dev",
                "Engineering",
                f"Team {i % 3}",
                "M0" if i <= 3 else f"M{1 + i % 3}",  # three levels, whatever the size
                "Lyon",
                "",
                "2020-01-01",
            ]
        )
    return rows


def test_planning_and_applying_cost_the_same_queries_whatever_the_number_of_rows():
    """One pass of bulk lookups to plan; bulk writes (one per level of the org chart for
    new profiles) to apply."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (6, 60):
        User.objects.filter(email__endswith="@example.com").delete()
        Department.objects.filter(parent__isnull=False).delete()
        Department.objects.all().delete()
        dataset = load_dataset(csv_bytes(_people(size)), "hr.csv")
        with CaptureQueriesContext(connection) as planning:
            plan = plan_import(dataset)
        with CaptureQueriesContext(connection) as applying:
            apply_plan(plan)
        counts.append((len(planning), len(applying)))
    assert counts[0] == counts[1]


# --- Regressions: a dry run with invalid rows, managers already in the portal -------------


def test_a_dry_run_with_invalid_rows_counts_the_valid_ones_and_lists_the_invalid(hr_client):
    run(PEOPLE[:1])
    rows = [list(row) for row in PEOPLE]
    rows[0][4] = "Chief executive officer"  # E1 changes
    rows[3][1] = "not-an-email"  # E4 is invalid
    plan = plan_for(rows)
    assert not plan.is_valid
    assert plan.counts() == {
        "new": 2,
        "changed": 1,
        "unchanged": 0,
        "to_deactivate": 0,
        "invalid": 1,
    }
    assert [c.employee_id for c in plan.new] == ["E2", "E3"]
    with pytest.raises(ValueError):
        apply_plan(plan)
    # The command's dry run says the same, lists the invalid row and fails.
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 invalid rows"):
        call_command("import_orgchart", _write(tmp_csv(rows)), "--dry-run", stdout=out, stderr=err)
    assert "Dry run, nothing written: 2 new, 1 changed, 0 unchanged" in out.getvalue()
    assert "Row 5: invalid email address: not-an-email" in err.getvalue()
    # The admin's dry run too, without a confirmation.
    page = _upload(hr_client, csv_bytes(rows)).content.decode()
    assert "New: 2" in page and "Changed: 1" in page and "Invalid: 1" in page
    assert "invalid email address: not-an-email" in page
    assert "Confirm the import" not in page
    assert not User.objects.filter(email="bruno.petit@example.com").exists()


def test_a_manager_in_the_portal_but_not_in_the_file_is_accepted(hr_client):
    run(PEOPLE)
    new = ["E5", "e5@example.com", "Eve", "Five", "Dev", "Engineering", "", "E2", "", "", ""]
    by_case = ["E6", "e6@example.com", "Sam", "Six", "Dev", "Engineering", "", "e3", "", "", ""]
    by_email = [
        *["E7", "e7@example.com", "Max", "Seven", "Dev", "Engineering", ""],
        *["bruno.petit@example.com", "", "", ""],
    ]
    rows = [new, by_case, by_email]
    plan = plan_for(rows)
    assert plan.is_valid, messages(plan)
    assert plan.counts()["new"] == 3
    page = _upload(hr_client, csv_bytes(rows)).content.decode()
    assert "unknown manager" not in page and "Confirm the import" in page
    call_command(
        "import_orgchart", _write(tmp_csv(rows)), stdout=io.StringIO(), stderr=io.StringIO()
    )
    managers = dict(
        Profile.objects.filter(employee_id__in=["E5", "E6", "E7"]).values_list(
            "employee_id", "manager__employee_id"
        )
    )
    assert managers == {"E5": "E2", "E6": "E3", "E7": "E2"}
    # Someone the portal does not know stays unknown; a deactivated manager is said so.
    assert messages(plan_for([[*new[:7], "E404", "", "", ""]])) == ["Row 2: unknown manager: E404"]
    User.objects.filter(email="bruno.petit@example.com").update(is_active=False)
    assert messages(plan_for([new])) == ["Row 2: manager E2 is deactivated in the portal"]
