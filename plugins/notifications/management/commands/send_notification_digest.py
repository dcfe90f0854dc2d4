"""Mail each person the unread notifications they chose to receive by email.

Run it daily (cron or the task worker). Each notification is mailed once: running it
twice sends nothing new. Notifications whose target was deleted are cleared first."""

from django.core.management.base import BaseCommand

from plugins.notifications import digest, services


class Command(BaseCommand):
    help = "Send the daily email digest of unread notifications."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say who would get a digest and with how many notifications; send nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        if not dry_run:
            services.purge_orphans()
        digests = digest.pending()
        for item in digests:
            if dry_run:
                self.stdout.write(f"{item.user.email}: {len(item.notifications)} notification(s)")
            else:
                digest.send(item)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(digests)} digest(s)."))
