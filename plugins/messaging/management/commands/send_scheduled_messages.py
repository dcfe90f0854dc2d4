"""Send the scheduled messages whose time has come (``make run`` runs it every minute)."""

from django.core.management.base import BaseCommand

from plugins.messaging import services


class Command(BaseCommand):
    help = "Send the scheduled messages whose time has come."

    def handle(self, *args, **options):
        sent = services.release_scheduled()
        if options["verbosity"] > 1 or sent:
            self.stdout.write(f"Scheduled messages sent: {sent}")
