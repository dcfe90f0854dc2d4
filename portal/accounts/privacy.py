"""Data-protection requests for what the accounts app keeps beside the account itself:
a person's working hours and mode off switch (the account is exported and anonymised by
:mod:`portal.privacy`)."""

from __future__ import annotations

from portal.accounts.models import WorkingHours


def export_user_data(user) -> dict:
    hours = WorkingHours.objects.filter(user=user).first()
    if hours is None:
        return {"working_hours": None}
    return {
        "working_hours": {
            "time_zone": hours.time_zone,
            "days": [int(day) for day in hours.days],
            "start": hours.start.strftime("%H:%M"),
            "end": hours.end.strftime("%H:%M"),
            "off_until": hours.off_until.isoformat() if hours.off_until else None,
            "show_read_receipts": hours.show_read_receipts,
        }
    }


def erase_user_data(user) -> None:
    WorkingHours.objects.filter(user=user).delete()
