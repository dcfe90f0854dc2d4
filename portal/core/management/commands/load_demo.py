"""Load the demo company from fixtures/demo/portal.json, once.

`make run` calls this on every start; when the demo's administrator already exists the
command does nothing, so a second run never duplicates or overwrites anything.

The editorial content comes in English and French: the home page is translated first
(the French tree's root), then each editorial demo translates its own pages into the
languages whose home page exists (portal.core.localisation.translate_page). The plain
content pages (welcome guide, usage charter...) stay in English only: French readers
get them as they are, which is how an untranslated page looks."""

import datetime
import io
import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from portal.accounts import roles
from portal.accounts.models import Department, User, WorkingHours
from portal.core import localisation
from portal.core.models import ContentPage
from portal.editorial.learning import demo as learning_demo
from portal.editorial.news import demo as news_demo
from portal.editorial.resources import demo as resources_demo
from portal.editorial.weeks import demo as weeks_demo
from portal.editorial.wellness import demo as wellness_demo
from portal.plugins import plugin_submodules

# Order matters: a themed week gathers news, sessions and courses created before it.
EDITORIAL_DEMOS = [news_demo, learning_demo, wellness_demo, resources_demo, weeks_demo]

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "portal.json"
#: The demo company's org chart (people plugin), loaded through the HR importer.
PEOPLE_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "people" / "org.xlsx"


class Command(BaseCommand):
    help = "Load the demo company (people, departments, pages) unless it is already there."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(FIXTURE), help="The demo JSON file.")
        parser.add_argument(
            "--no-logins",
            action="store_true",
            dest="no_logins",
            help="Do not list the demo logins (make run prints them once the server answers).",
        )

    def handle(self, *args, **options):
        demo = json.loads(Path(options["fixture"]).read_text(encoding="utf-8"))
        first = demo["users"][0]["email"]
        if User.objects.filter(email=first).exists():
            self.stdout.write("Demo data already loaded; nothing to do.")
        else:
            # A few labelled lines (make run's first start), no progress bars.
            self.stdout.write("Loading the demo company...")
            with transaction.atomic():
                self._load(demo)
                self.stdout.write(
                    f"  Accounts and pages: {len(demo['users'])} demo accounts, "
                    f"{len(demo['departments'])} departments, the editorial content"
                )
                if apps.is_installed("plugins.people") and PEOPLE_FIXTURE.exists():
                    report = io.StringIO()
                    call_command(
                        "import_orgchart",
                        str(PEOPLE_FIXTURE),
                        stdout=report,
                        stderr=self.stderr,
                        verbosity=0,
                    )
                    # "Imported: 295 new, ..." -> "Org chart: 295 new, ..."
                    summary = (report.getvalue().strip().splitlines() or [""])[-1]
                    self.stdout.write(f"  Org chart: {summary.partition(': ')[2] or summary}")
                # The plugins' share (groups, posts, comments...), dependencies first.
                people = {user.email: user for user in User.objects.filter(is_active=True)}
                for _config, module in plugin_submodules("demo"):
                    module.load_demo(people)
                self.stdout.write("  Groups, posts and conversations: loaded")
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if options["no_logins"]:
            return
        self._print_logins(demo)

    def _load(self, demo: dict) -> None:
        departments: dict[str, Department] = {}
        for item in demo["departments"]:
            departments[item["code"]] = Department.objects.create(
                code=item["code"],
                name=item["name"],
                parent=departments.get(item.get("parent")),
            )
        for item in demo["users"]:
            create = (
                User.objects.create_superuser if item.get("superuser") else User.objects.create_user
            )
            user = create(
                email=item["email"],
                password=demo["password"],
                first_name=item["first_name"],
                last_name=item["last_name"],
                department=departments.get(item.get("department")),
                preferred_language=item.get("language", ""),
            )
            for role in item.get("roles", []):
                roles.assign_role(user, role)
            if item.get("working_hours"):
                self._working_hours(user, item["working_hours"])

        people = {user.email: user for user in User.objects.all()}
        home = Site.objects.get(is_default_site=True).root_page.specific
        home.title = demo["home"]["title"]
        home.welcome = demo["home"]["welcome"]
        home.save_revision().publish()
        for language, texts in demo.get("home_translations", {}).items():
            localisation.translate_page(home, language, **texts)
        for item in demo["pages"]:
            page = ContentPage(
                title=item["title"], slug=item["slug"], intro=item["intro"], body=item["body"]
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        for module in EDITORIAL_DEMOS:
            module.load_demo(home, people)

    @staticmethod
    def _working_hours(user, hours: dict) -> None:
        """Mode off in the demo: someone's working hours, and someone off for a few days
        (a colleague writing to them sees it before sending)."""
        now = timezone.now()
        off_days = hours.get("off_for_days")
        WorkingHours.objects.create(
            user=user,
            time_zone=hours.get("time_zone", ""),
            days=hours.get("days", "12345"),
            start=datetime.time.fromisoformat(hours.get("start", "09:00")),
            end=datetime.time.fromisoformat(hours.get("end", "18:00")),
            off_until=now + datetime.timedelta(days=off_days) if off_days else None,
            off_since=now if off_days else None,
        )

    @staticmethod
    def logins_line(fixture: Path = FIXTURE) -> str:
        """``admin@example.com (administrator), ... (password: portal-demo)``."""
        demo = json.loads(Path(fixture).read_text(encoding="utf-8"))
        people = ", ".join(
            f"{item['email']} ({', '.join(item.get('roles') or ['employee'])})"
            for item in demo["users"]
        )
        return f"{people}; password for all: {demo['password']}"

    def _print_logins(self, demo: dict) -> None:
        self.stdout.write(f"Demo logins (password for all: {demo['password']}):")
        for item in demo["users"]:
            label = ", ".join(item.get("roles") or ["employee"])
            self.stdout.write(f"  {item['email']:<24} {label}")
