"""``manage.py generate_demo_org``: (re)write fixtures/people/org.xlsx, the demo company."""

from pathlib import Path

from django.core.management.base import BaseCommand

from plugins.people.demo_org import DEMO_FILE, SEED, generate_rows, write_xlsx


class Command(BaseCommand):
    help = "Generate the demo org chart spreadsheet (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEMO_FILE))
        parser.add_argument("--people", type=int, default=300)
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args, **options):
        rows = generate_rows(options["people"], options["seed"])
        write_xlsx(rows, Path(options["output"]))
        self.stdout.write(f"{len(rows)} people written to {options['output']}")
