"""The HR spreadsheet import: plan (a dry run, with row numbers) then apply, in bulk.

django-import-export reads and writes the files (its tablib formats); the checks across
rows (duplicate ids and emails, unknown managers, manager cycles) and the speed are ours:
:func:`plan_import` reads the database in one pass of bulk lookups and computes what would
change, field by field; :func:`apply_plan` writes it in one transaction with bulk queries,
then rebuilds the org chart's paths once. The admin view and ``import_orgchart`` both use
these two functions, so a dry run shows exactly what a confirmed import writes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import tablib
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from plugins.people.models import Profile
from plugins.people.orgchart import ManagerCycleError, compute_paths, rebuild_paths
from portal import signals
from portal.accounts.models import Department, User
from portal.files import FORMULA_PREFIXES, neutralise_formula

#: The columns of the file, in the order of an export.
COLUMNS = (
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
)
REQUIRED_COLUMNS = ("employee_id", "email", "first_name", "last_name")
#: Longest value each column accepts (the model fields' max_length).
MAX_LENGTHS = {
    "employee_id": 64,
    "email": 254,
    "first_name": 150,
    "last_name": 150,
    "job_title": 200,
    "department": 200,
    "team": 200,
    "manager_employee_id": 64,
    "location": 200,
    "phone": 50,
}
#: Header aliases (already normalised: lower case, no accents, underscores).
HEADER_ALIASES = {
    "matricule": "employee_id",
    "identifiant": "employee_id",
    "id_employe": "employee_id",
    "courriel": "email",
    "e_mail": "email",
    "mail": "email",
    "adresse_email": "email",
    "prenom": "first_name",
    "nom": "last_name",
    "nom_de_famille": "last_name",
    "poste": "job_title",
    "intitule_du_poste": "job_title",
    "fonction": "job_title",
    "service": "department",
    "departement": "department",
    "direction": "department",
    "equipe": "team",
    "matricule_du_manager": "manager_employee_id",
    "manager": "manager_employee_id",
    "responsable": "manager_employee_id",
    "site": "location",
    "lieu": "location",
    "localisation": "location",
    "telephone": "phone",
    "date_d_entree": "start_date",
    "date_dentree": "start_date",
    "date_d_arrivee": "start_date",
    "date_darrivee": "start_date",
}
#: First characters a spreadsheet may read as a formula (or a control character).
#: The file's first data row (row 1 holds the headers), as a spreadsheet numbers it.
FIRST_ROW = 2

FORMATS = {"csv": CSV(encoding="utf-8-sig"), "xlsx": XLSX()}


class ImportFileError(ValueError):
    """The file cannot be read as a spreadsheet."""


def normalise_header(header: object) -> str:
    """``"Date d'entrée"`` -> ``"start_date"``: lower case, no accents, spaces, hyphens and
    apostrophes to underscores, then the French aliases."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    text = re.sub(r"[\s\-'’]+", "_", text.strip().lower()).strip("_")
    return HEADER_ALIASES.get(text, text)


def load_dataset(content: bytes, filename: str) -> tablib.Dataset:
    """Read an uploaded CSV or XLSX file (chosen by its extension) with import_export's
    formats; raises :class:`ImportFileError` when it is not what its name says."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    file_format = FORMATS.get(extension)
    if file_format is None:
        raise ImportFileError(_("Only .csv and .xlsx files can be imported."))
    if extension == "xlsx" and not content.startswith(b"PK"):
        raise ImportFileError(_("This file is not an XLSX spreadsheet."))
    if extension == "csv" and b"\x00" in content[:4096]:
        raise ImportFileError(_("This file is not a CSV text file."))
    try:
        return file_format.create_dataset(content)
    except Exception as error:  # tablib and openpyxl raise many kinds of errors
        message = _("The file could not be read: %(error)s") % {"error": error}
        raise ImportFileError(message) from error


# --- Values ---------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store "1042" as 1042.0
    if isinstance(value, datetime.datetime):
        value = value.date()
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        text = text[1:]  # undo our export's neutralisation, so a round trip changes nothing
    return text


def parse_date(value: object) -> datetime.date | None:
    """ISO (2024-03-01), French (01/03/2024) or a real spreadsheet date; raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


# --- The plan -------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    messages: list[str]
    employee_id: str = ""

    def __str__(self) -> str:
        return _("Row %(row)s: %(messages)s") % {
            "row": self.row,
            "messages": "; ".join(self.messages),
        }


@dataclass
class RowChange:
    """A person the import creates or changes: ``diff`` maps a column to (old, new)."""

    row: int
    employee_id: str
    name: str
    diff: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Departure:
    employee_id: str
    email: str
    name: str


@dataclass
class _Row:
    row: int
    values: dict[str, str]
    start_date: datetime.date | None = None
    user: User | None = None
    profile: Profile | None = None
    department_key: tuple[str, str] | None = None


@dataclass
class Plan:
    """What an import would do; ``is_valid`` is False when any row is invalid (then
    :func:`apply_plan` writes nothing)."""

    columns: list[str]
    deactivate_missing: bool
    new: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    to_deactivate: list[Departure] = field(default_factory=list)
    invalid: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    total_rows: int = 0
    _rows: list[_Row] = field(default_factory=list, repr=False)
    _departments: dict = field(default_factory=dict, repr=False)
    _deactivate_ids: list[int] = field(default_factory=list, repr=False)
    _profiles_by_eid: dict = field(default_factory=dict, repr=False)

    @property
    def is_valid(self) -> bool:
        return not self.invalid

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed or self.to_deactivate)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "to_deactivate": len(self.to_deactivate),
            "invalid": len(self.invalid),
        }

    def fingerprint(self) -> str:
        """A digest of everything the plan would write: a confirmation refuses a plan whose
        fingerprint differs from the one shown in the dry run."""
        content = {
            "new": [(c.employee_id, sorted(c.diff.items())) for c in self.new],
            "changed": [(c.employee_id, sorted(c.diff.items())) for c in self.changed],
            "deactivate": [d.employee_id for d in self.to_deactivate],
            "invalid": [(e.row, e.messages) for e in self.invalid],
        }
        return hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()


def department_columns(
    department: Department | None, by_id: dict[int, Department], parents: set[int]
) -> tuple[str, str]:
    """The (department, team) cells of a person's unit: a unit with sub-units, or at the
    top, is a department; a unit at the bottom of a tree is a team of its parent."""
    if department is None:
        return "", ""
    parent = by_id.get(department.parent_id) if department.parent_id else None
    if parent is None or department.pk in parents:
        return department.name, ""
    return parent.name, department.name


def _department_label(department: Department | None, by_id: dict, parents: set[int]) -> str:
    return " / ".join(part for part in department_columns(department, by_id, parents) if part)


class _Departments:
    """Departments by name (the shallowest of a name wins), teams by (department, name)."""

    def __init__(self) -> None:
        self.by_id = {d.pk: d for d in Department.objects.all()}
        self.parents = {d.parent_id for d in self.by_id.values() if d.parent_id}
        ordered = sorted(self.by_id.values(), key=lambda d: (d.lineage.count("/"), d.pk))
        self.by_name: dict[str, Department] = {}
        self.children: dict[tuple[int, str], Department] = {}
        for department in ordered:
            self.by_name.setdefault(department.name.casefold(), department)
            if department.parent_id:
                self.children.setdefault(
                    (department.parent_id, department.name.casefold()), department
                )
        self.names: dict[tuple[str, str], tuple[str, str]] = {}  # key -> display names

    def find(self, key: tuple[str, str]) -> Department | None:
        department = self.by_name.get(key[0])
        if department is None or not key[1]:
            return department
        return self.children.get((department.pk, key[1]))

    def label(self, key: tuple[str, str]) -> str:
        name, team = self.names[key]
        return f"{name} / {team}" if team else name


def _row_values(record: Iterable, columns: list[str | None]) -> dict[str, str]:
    values = {}
    for column, value in zip(columns, record, strict=False):
        if column is not None:
            values[column] = value
    return values


def plan_import(dataset: tablib.Dataset, deactivate_missing: bool = False) -> Plan:
    """What importing ``dataset`` would do, without writing anything.

    Reads the database in a fixed number of bulk queries whatever the number of rows."""
    headers = [normalise_header(h) for h in (dataset.headers or [])]
    columns: list[str | None] = []
    seen_columns: set[str] = set()
    ignored = []
    for original, header in zip(dataset.headers or [], headers, strict=False):
        if header in COLUMNS and header not in seen_columns:
            columns.append(header)
            seen_columns.add(header)
        else:
            columns.append(None)
            if original not in (None, ""):
                ignored.append(str(original))
    plan = Plan(
        columns=[c for c in COLUMNS if c in seen_columns],
        deactivate_missing=deactivate_missing,
        ignored_columns=ignored,
        total_rows=dataset.height,
    )
    missing = [c for c in REQUIRED_COLUMNS if c not in seen_columns]
    if missing:
        plan.invalid.append(
            RowError(1, [_("Missing required column: %(column)s") % {"column": c} for c in missing])
        )
        return plan

    # One pass over the file: values, per-row checks, duplicates.
    errors: dict[int, list[str]] = {}
    rows: list[_Row] = []
    first_row_of_id: dict[str, int] = {}
    first_row_of_email: dict[str, int] = {}
    for index, record in enumerate(dataset):
        number = index + FIRST_ROW
        raw = _row_values(record, columns)
        if all(value in (None, "") for value in raw.values()):
            continue  # blank lines at the end of a sheet
        values = {column: _text(raw.get(column)) for column in plan.columns}
        values["email"] = values["email"].lower()
        item = _Row(number, values)
        problems = errors.setdefault(number, [])
        for column in REQUIRED_COLUMNS:
            if not values[column]:
                problems.append(_("%(column)s is required") % {"column": column})
        for column, limit in MAX_LENGTHS.items():
            if len(values.get(column, "")) > limit:
                problems.append(
                    _("%(column)s is longer than %(limit)s characters")
                    % {"column": column, "limit": limit}
                )
        if values["email"]:
            try:
                validate_email(values["email"])
            except ValidationError:
                problems.append(_("invalid email address: %(email)s") % {"email": values["email"]})
        if "start_date" in raw:
            try:
                item.start_date = parse_date(raw.get("start_date"))
            except ValueError:
                problems.append(
                    _("invalid date: %(value)s (expected YYYY-MM-DD or DD/MM/YYYY)")
                    % {"value": values["start_date"]}
                )
            values["start_date"] = item.start_date.isoformat() if item.start_date else ""
        if values.get("team") and not values.get("department"):
            problems.append(_("a team needs a department"))
        employee_id, email = values["employee_id"], values["email"]
        if employee_id:
            if employee_id in first_row_of_id:
                problems.append(
                    _("duplicate employee_id %(id)s (also on row %(row)s)")
                    % {"id": employee_id, "row": first_row_of_id[employee_id]}
                )
            else:
                first_row_of_id[employee_id] = number
        if email:
            if email in first_row_of_email:
                problems.append(
                    _("duplicate email %(email)s (also on row %(row)s)")
                    % {"email": email, "row": first_row_of_email[email]}
                )
            else:
                first_row_of_email[email] = number
        rows.append(item)

    # One pass of bulk lookups.
    profiles = list(
        Profile.objects.select_related("user").only(
            "pk",
            "employee_id",
            "job_title",
            "manager_id",
            "location",
            "phone",
            "start_date",
            "user__id",
            "user__email",
            "user__first_name",
            "user__last_name",
            "user__department_id",
            "user__is_active",
        )
    )
    by_eid = {p.employee_id: p for p in profiles if p.employee_id}
    by_email = {p.user.email.lower(): p for p in profiles}
    by_pk = {p.pk: p for p in profiles}
    users_without_profile = {u.email.lower(): u for u in User.objects.filter(profile__isnull=True)}
    departments = _Departments()
    plan._departments = {"finder": departments}
    plan._profiles_by_eid = by_eid

    file_ids = {item.values["employee_id"] for item in rows if item.values["employee_id"]}
    file_emails = {
        item.values["email"]: item.values["employee_id"] for item in rows if item.values["email"]
    }
    manager_key = _manager_resolver(file_ids, file_emails, by_eid, by_email)
    for item in rows:
        values = item.values
        problems = errors[item.row]
        item.profile = by_eid.get(values["employee_id"])
        owner = by_email.get(values["email"])
        if item.profile is None and owner is not None and not owner.employee_id:
            item.profile = owner  # an account made by hand gets its HR key
        elif owner is not None and owner is not item.profile and values["email"]:
            # The address belongs to someone else, unless the file moves it away from them.
            moved = owner.employee_id in file_ids and file_emails.get(values["email"]) != (
                owner.employee_id
            )
            if not moved:
                problems.append(
                    _("email %(email)s already belongs to %(name)s")
                    % {"email": values["email"], "name": owner.user}
                )
        if item.profile is not None:
            item.user = item.profile.user
        else:
            item.user = users_without_profile.get(values["email"])
        manager_id = values.get("manager_employee_id", "")
        if manager_id:
            # The manager's employee ID as the file or the portal spells it ("e042" or
            # their email address find E042), so the plan and the writes use one key.
            manager_id = values["manager_employee_id"] = manager_key(manager_id)
        if manager_id and manager_id not in file_ids:
            existing = by_eid.get(manager_id)
            if existing is None:
                problems.append(_("unknown manager: %(id)s") % {"id": manager_id})
            elif not existing.user.is_active:
                problems.append(
                    _("manager %(id)s is deactivated in the portal") % {"id": manager_id}
                )
            elif deactivate_missing:
                # In the portal, but missing from the file: this import deactivates them.
                problems.append(
                    _("manager %(id)s is missing from the file and would be deactivated")
                    % {"id": manager_id}
                )
        if values.get("department"):
            item.department_key = (
                values["department"].casefold(),
                values.get("team", "").casefold(),
            )
            departments.names.setdefault(
                item.department_key, (values["department"], values.get("team", ""))
            )

    # Manager cycles, over the file's links and the database's for people not in it.
    if "manager_employee_id" in plan.columns:
        links: dict[str, str | None] = {}
        row_of: dict[str, int] = {}
        for profile in profiles:
            key = profile.employee_id or f"#{profile.pk}"
            manager = by_pk.get(profile.manager_id)
            links[key] = (manager.employee_id or f"#{manager.pk}") if manager else None
        for item in rows:
            employee_id = item.values["employee_id"]
            if employee_id and first_row_of_id.get(employee_id) == item.row:
                links[employee_id] = item.values["manager_employee_id"] or None
                row_of[employee_id] = item.row
        while True:
            try:
                compute_paths(links)
                break
            except ManagerCycleError as error:
                cycle = list(error.args[0])
                chain = " → ".join([*cycle, cycle[0]])
                for member in cycle:
                    if member in row_of:
                        errors[row_of[member]].append(
                            _("manager cycle: %(chain)s") % {"chain": chain}
                        )
                    links[member] = None

    for item in rows:
        if errors[item.row]:
            plan.invalid.append(RowError(item.row, errors[item.row], item.values["employee_id"]))
    plan.invalid.sort(key=lambda error: error.row)
    plan._rows = rows

    # The diff, field by field, of the valid rows: a dry run of a file with invalid rows
    # still says what the others would create and change (nothing is written until every
    # row is valid: apply_plan refuses).
    new_keys = []
    for item in rows:
        if errors[item.row]:
            continue
        key = item.department_key
        if key and key not in new_keys and departments.find(key) is None:
            new_keys.append(key)
        name = f"{item.values['first_name']} {item.values['last_name']}".strip()
        diff = _diff(item, by_pk, departments)
        change = RowChange(item.row, item.values["employee_id"], name, diff)
        if item.user is None:
            plan.new.append(change)
        elif diff:
            plan.changed.append(change)
        else:
            plan.unchanged.append(item.values["employee_id"])
    plan.new_departments = [departments.label(key) for key in new_keys]

    if deactivate_missing:
        for profile in profiles:
            if (
                profile.employee_id
                and profile.employee_id not in file_ids
                and profile.user.is_active
            ):
                plan.to_deactivate.append(
                    Departure(profile.employee_id, profile.user.email, str(profile.user))
                )
                plan._deactivate_ids.append(profile.user.pk)
    return plan


def _manager_resolver(file_ids, file_emails, by_eid, by_email) -> Callable[[str], str]:
    """``reference -> employee ID``: a manager cell names a manager by their employee ID
    (exactly, or in other capitals) or by their email address, in the file or in the
    portal; what matches nothing is returned as it is (and reported unknown)."""
    folded = {eid.casefold(): eid for eid in by_eid}
    folded.update({eid.casefold(): eid for eid in file_ids})

    def resolve(reference: str) -> str:
        if reference in file_ids or reference in by_eid:
            return reference
        if reference.casefold() in folded:
            return folded[reference.casefold()]
        email = reference.lower()
        if file_emails.get(email):
            return file_emails[email]
        owner = by_email.get(email)
        if owner is not None and owner.employee_id:
            return owner.employee_id
        return reference

    return resolve


def _diff(item: _Row, by_pk: dict[int, Profile], departments: _Departments) -> dict:
    values = item.values
    new: dict[str, str] = {c: values[c] for c in values if c not in ("department", "team")}
    if "department" in values:
        new["department"] = departments.label(item.department_key) if item.department_key else ""
    if item.user is None:
        return {column: ("", value) for column, value in new.items() if value}
    user, profile = item.user, item.profile
    manager = by_pk.get(profile.manager_id) if profile and profile.manager_id else None
    old = {
        "employee_id": (profile.employee_id or "") if profile else "",
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "job_title": profile.job_title if profile else "",
        "manager_employee_id": (manager.employee_id or "") if manager else "",
        "location": profile.location if profile else "",
        "phone": profile.phone if profile else "",
        "start_date": profile.start_date.isoformat() if profile and profile.start_date else "",
    }
    diff = {
        column: (old[column], value)
        for column, value in new.items()
        if column in old and old[column] != value
    }
    if "department" in values:
        target = departments.find(item.department_key) if item.department_key else None
        target_id = target.pk if target is not None else None
        if target_id != user.department_id or (item.department_key and target is None):
            current = departments.by_id.get(user.department_id)
            diff["department"] = (
                _department_label(current, departments.by_id, departments.parents),
                new["department"],
            )
    if not user.is_active:
        diff["is_active"] = ("no", "yes")
    return diff


# --- Applying -------------------------------------------------------------------------


def _create_departments(plan: Plan) -> None:
    finder: _Departments = plan._departments["finder"]
    for item in plan._rows:
        key = item.department_key
        if not key or finder.find(key) is not None:
            continue
        name, team = finder.names[key]
        department = finder.by_name.get(key[0])
        if department is None:
            department = Department.objects.create(name=name)
            finder.by_id[department.pk] = department
            finder.by_name[key[0]] = department
        if team:
            child = Department.objects.create(name=team, parent=department)
            finder.by_id[child.pk] = child
            finder.children[(department.pk, key[1])] = child


@transaction.atomic
def apply_plan(plan: Plan, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write a valid plan in one transaction: departments, accounts (new ones with an
    unusable password, ready for single sign-on or a password reset), profiles, manager
    links, deactivations (never deletions); then the org chart's paths. Returns the counts.
    """
    if not plan.is_valid:
        raise ValueError("An import with invalid rows cannot be applied.")
    report = progress or (lambda done, total: None)
    total = len(plan._rows)
    finder: _Departments = plan._departments["finder"]
    _create_departments(plan)
    columns = set(plan.columns)
    touched = {c.employee_id for c in plan.new} | {c.employee_id for c in plan.changed}
    rows = [item for item in plan._rows if item.values["employee_id"] in touched]

    def department_id(item: _Row) -> int | None:
        found = finder.find(item.department_key) if item.department_key else None
        return found.pk if found else None

    # Accounts.
    new_users, changed_users = [], []
    for item in rows:
        values = item.values
        user = item.user or User(email=values["email"], is_active=True)
        user.email = values["email"]
        user.first_name = values["first_name"]
        user.last_name = values["last_name"]
        user.is_active = True
        if "department" in columns:
            user.department_id = department_id(item)
        if item.user is None:
            # What set_unusable_password() stores ("!" then random characters: no password
            # matches it), made with one call to the system's random source.
            user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
            new_users.append(user)
            item.user = user
        else:
            changed_users.append(user)
    User.objects.bulk_create(new_users, batch_size=1000)
    report(len(new_users), total)
    fields = ["email", "first_name", "last_name", "is_active"]
    if "department" in columns:
        fields.append("department")
    User.objects.bulk_update(changed_users, fields, batch_size=500)
    report(len(new_users) + len(changed_users), total)

    # Profiles, top managers first so that every new profile is created with its manager.
    eids = {item.values["employee_id"]: item for item in plan._rows}
    # Managers already in the database: by their key, or matched by email in this file.
    by_eid = {
        **plan._profiles_by_eid,
        **{eid: item.profile for eid, item in eids.items() if item.profile is not None},
    }

    def depth(item: _Row) -> int:
        seen, current, level = set(), item.values.get("manager_employee_id"), 0
        while current in eids and current not in seen:
            seen.add(current)
            level += 1
            current = eids[current].values.get("manager_employee_id")
        return level

    now = timezone.now()
    created: dict[str, Profile] = {}
    changed_profiles = []
    pending: dict[int, list[Profile]] = {}
    for item in rows:
        values = item.values
        profile = item.profile or Profile(user=item.user, manager_path="", depth=0)
        profile.employee_id = values["employee_id"]
        for column in ("job_title", "location", "phone"):
            if column in columns:
                setattr(profile, column, values[column])
        if "start_date" in columns:
            profile.start_date = item.start_date
        profile.updated_at = now
        if item.profile is None:
            created[values["employee_id"]] = profile
            pending.setdefault(depth(item), []).append(profile)
        else:
            changed_profiles.append((item, profile))

    def manager_pk(item: _Row) -> int | None:
        manager_eid = item.values.get("manager_employee_id")
        if not manager_eid:
            return None
        manager = created.get(manager_eid) or by_eid.get(manager_eid)
        return manager.pk if manager else None

    done = len(new_users) + len(changed_users)
    for level in sorted(pending):
        batch = pending[level]
        if "manager_employee_id" in columns:
            for profile in batch:
                profile.manager_id = manager_pk(eids[profile.employee_id])
        Profile.objects.bulk_create(batch, batch_size=1000)
        done += len(batch)
        report(min(done, total), total)
    update_fields = ["employee_id", "job_title", "location", "phone", "start_date", "updated_at"]
    if "manager_employee_id" in columns:
        update_fields.append("manager")
        for item, profile in changed_profiles:
            profile.manager_id = manager_pk(item)
    Profile.objects.bulk_update([p for _i, p in changed_profiles], update_fields, batch_size=500)

    if plan._deactivate_ids:
        User.objects.filter(pk__in=plan._deactivate_ids).update(is_active=False)
    rebuild_paths()
    # Bulk writes skip model signals: say once that the org chart changed (department
    # groups follow it), inside the same transaction so a failure undoes both.
    signals.org_chart_changed.send(sender=User)
    report(total, total)
    return plan.counts()


# --- Export ---------------------------------------------------------------------------


def export_dataset() -> tablib.Dataset:
    """Active people with an account, in the import's columns, formulas neutralised."""
    departments = {d.pk: d for d in Department.objects.all()}
    parents = {d.parent_id for d in departments.values() if d.parent_id}
    profiles = (
        Profile.objects.filter(user__is_active=True)
        .select_related("user", "manager")
        .order_by("employee_id", "user__email")
    )
    dataset = tablib.Dataset(headers=list(COLUMNS))
    for profile in profiles:
        user = profile.user
        unit, team = department_columns(departments.get(user.department_id), departments, parents)
        row = [
            profile.employee_id or "",
            user.email,
            user.first_name,
            user.last_name,
            profile.job_title,
            unit,
            team,
            (profile.manager.employee_id or "") if profile.manager else "",
            profile.location,
            profile.phone,
            profile.start_date.isoformat() if profile.start_date else "",
        ]
        dataset.append([neutralise_formula(value) for value in row])
    return dataset


def export_file(file_format: str) -> bytes:
    """The export as the bytes of a ``csv`` or ``xlsx`` file."""
    data = FORMATS[file_format].export_data(export_dataset())
    return data.encode("utf-8") if isinstance(data, str) else data
