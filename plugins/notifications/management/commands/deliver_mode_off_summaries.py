"""Deliver mode off's summaries whose time came ("While you were off: ...").

Run it every minute (``make run`` does; in production the task worker's schedule or
cron): it is idempotent, so running it twice, or late, sends nothing twice."""

from django.core.management.base import BaseCommand

from plugins.notifications import summaries


class Command(BaseCommand):
    help = "Deliver the mode off summaries of people whose working hours started again."

    def handle(self, *args, **options):
        sent = summaries.deliver_due()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} mode off summary(ies)."))
