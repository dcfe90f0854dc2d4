"""The HR import of the org chart: a generated 10,000-row XLSX (deterministic) through our
importer (plan + bulk apply, committed), against the same file through django-import-export
resources with their default settings (row by row), in the same run.

Each import starts from the same database state: the people it created are removed before
the next one. The default resources import the same whole file (with --quick, a subset
whose time is extrapolated linearly to the full file; the output says so).
Target: at least 4x faster than the default settings, and under 15 seconds.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from import_export import fields, resources, widgets

from plugins.people.demo_org import generate_rows, write_xlsx
from plugins.people.importer import apply_plan, load_dataset, plan_import
from plugins.people.models import Profile
from portal.accounts.models import Department, User
from tests.benchmarks.harness import Context

ROWS, DEFAULT_ROWS = 10_000, 10_000
QUICK_ROWS, QUICK_DEFAULT_ROWS = 1_000, 300
SEED = 10_000
TARGET_RATIO, TARGET_SECONDS = 4.0, 15.0


class DefaultUserResource(resources.ModelResource):
    """Accounts, keyed by email, django-import-export's defaults otherwise."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")
        import_id_fields = ("email",)


class DefaultProfileResource(resources.ModelResource):
    """Profiles (made by the account's post_save signal), keyed by the account's email."""

    user = fields.Field("user", "email", widgets.ForeignKeyWidget(User, "email"))
    manager = fields.Field(
        "manager", "manager_employee_id", widgets.ForeignKeyWidget(Profile, "employee_id")
    )

    class Meta:
        model = Profile
        fields = ("user", "employee_id", "job_title", "manager", "location", "phone", "start_date")
        import_id_fields = ("user",)


def _clean(emails: set[str], department_ids: set[int]) -> None:
    """Remove what an import created (new accounts have nothing else attached)."""
    with transaction.atomic():
        users = User.objects.filter(email__in=emails)
        Profile.objects.filter(user__in=users).update(manager=None)
        Profile.objects.filter(user__in=users).delete()
        users.delete()
        for department in Department.objects.exclude(pk__in=department_ids).order_by("-lineage"):
            department.delete()


def _time_ours(content: bytes) -> tuple[float, dict]:
    started = time.perf_counter()
    plan = plan_import(load_dataset(content, "bench.xlsx"))
    if not plan.is_valid:
        raise RuntimeError(f"invalid rows: {[str(e) for e in plan.invalid[:3]]}")
    counts = apply_plan(plan)
    return time.perf_counter() - started, counts


def _time_default(content: bytes) -> float:
    started = time.perf_counter()
    dataset = load_dataset(content, "bench.xlsx")
    for resource in (DefaultUserResource(), DefaultProfileResource()):
        result = resource.import_data(dataset, dry_run=False, raise_errors=True)
        if result.has_errors() or result.has_validation_errors():
            raise RuntimeError("the default resource reported errors")
    return time.perf_counter() - started


def run(ctx: Context) -> bool:
    rows, default_rows = (QUICK_ROWS, QUICK_DEFAULT_ROWS) if ctx.quick else (ROWS, DEFAULT_ROWS)
    print(f"== HR import: {rows:,} rows of XLSX, our importer against import-export defaults ==")
    generated = generate_rows(rows, seed=SEED, demo_accounts=False)
    full = write_xlsx(generated)
    subset = full if default_rows == rows else write_xlsx(generated[:default_rows])
    emails = {row[1] for row in generated}
    department_ids = set(Department.objects.values_list("pk", flat=True))
    print(
        f"File: {rows:,} people over 4 levels, {len({(r[5], r[6]) for r in generated})} "
        f"departments and teams, {len(full) / 1024:.0f} KiB; database: {connection.vendor}"
    )
    try:
        ours, counts = _time_ours(full)
        _clean(emails, department_ids)
        default_subset = _time_default(subset)
        _clean(emails, department_ids)
        again, again_counts = _time_ours(full)
        _clean(emails, department_ids)
    except Exception as error:  # a benchmark reports, it does not crash the run
        print(f"BROKEN: {error!r}")
        return False
    best = min(ours, again)
    default_full = default_subset * rows / default_rows
    ratio = default_full / best
    print(f"ours (plan + bulk apply + org chart paths, committed): {ours:.2f}s, again {again:.2f}s")
    print(f"  created {counts['new']:,} accounts and profiles with departments, teams, managers")
    if default_rows == rows:
        print(
            f"import-export defaults (User + Profile ModelResources, row by row): "
            f"{default_full:.2f}s for the same {rows:,} rows"
        )
    else:
        print(
            f"import-export defaults (User + Profile ModelResources, row by row): "
            f"{default_subset:.2f}s for the first {default_rows:,} rows, "
            f"so about {default_full:.1f}s for {rows:,} (EXTRAPOLATED linearly)"
        )
    print(
        f"ratio default/ours: {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x: "
        f"{'met' if ratio >= TARGET_RATIO else 'MISSED'}); ours {best:.2f}s "
        f"(target < {TARGET_SECONDS:.0f}s: {'met' if best < TARGET_SECONDS else 'MISSED'})"
    )
    print()
    return counts["new"] == rows and again_counts["new"] == rows
