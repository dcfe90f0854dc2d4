"""``manage.py import_orgchart FILE [--dry-run] [--deactivate-missing]``: the HR import
from the command line, with the same plan and checks as the admin's dry run."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plugins.people.importer import ImportFileError, apply_plan, load_dataset, plan_import

BAR_WIDTH = 40


class Command(BaseCommand):
    help = "Import the org chart from an HR spreadsheet (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .csv or .xlsx file exported by the HR system.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate (never delete) people with an employee ID who are not in the file.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            dataset = load_dataset(path.read_bytes(), path.name)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        plan = plan_import(dataset, deactivate_missing=options["deactivate_missing"])
        verbose = options["verbosity"] >= 2
        for error in plan.invalid:
            self.stderr.write(str(error))
        if plan.ignored_columns:
            self.stderr.write(
                _("Ignored columns: %(columns)s") % {"columns": ", ".join(plan.ignored_columns)}
            )
        if verbose:
            for change in plan.new:
                self.stdout.write(f"+ {change.employee_id} {change.name}")
            for change in plan.changed:
                for column, (old, new) in change.diff.items():
                    self.stdout.write(f"~ {change.employee_id} {column}: {old!r} -> {new!r}")
            for departure in plan.to_deactivate:
                self.stdout.write(f"- {departure.employee_id} {departure.email}")
        counts = plan.counts()
        summary = (
            _(
                "%(new)s new, %(changed)s changed, %(unchanged)s unchanged, "
                "%(to_deactivate)s to deactivate, %(invalid)s invalid."
            )
            % counts
        )
        if not plan.is_valid:
            if options["dry_run"]:
                # What the valid rows would do, then the invalid ones (listed above).
                self.stdout.write(_("Dry run, nothing written: %(summary)s") % {"summary": summary})
                raise CommandError(
                    _(
                        "Fix the %(invalid)s invalid rows: nothing is imported until every "
                        "row is valid."
                    )
                    % counts
                )
            raise CommandError(_("Nothing imported: %(summary)s") % {"summary": summary})
        if options["dry_run"]:
            self.stdout.write(_("Dry run, nothing written: %(summary)s") % {"summary": summary})
            return
        # The progress bar, labelled, unless asked to be quiet (-v0: load_demo's call).
        quiet = options["verbosity"] < 1
        apply_plan(plan, progress=None if quiet else self._progress)
        if not quiet:
            self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(_("Imported: %(summary)s") % {"summary": summary}))

    def _progress(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        self.stderr.write(
            f"\r{_('Importing people')} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{done}/{total}",
            ending="",
        )
        self.stderr.flush()
