"""``manage.py sync_department_groups``: reconcile department groups with the org chart
(after bulk changes that model signals do not see)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from plugins.groups.services import sync_department_groups


class Command(BaseCommand):
    help = "Create, rename and fill the department groups from the org chart."

    def handle(self, *args, **options):
        counts = sync_department_groups()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Department groups: %(groups_created)s created, %(groups_renamed)s "
                    "renamed; %(added)s members added, %(removed)s removed."
                )
                % counts
            )
        )
