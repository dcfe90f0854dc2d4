"""Data-protection requests: what Wellness holds about a person (their bookings)."""

from portal.editorial.wellness import services
from portal.editorial.wellness.models import Booking


def export_user_data(user) -> list[dict]:
    return [
        {
            "session": booking.session.title,
            "starts_at": booking.session.starts_at.isoformat(),
            "status": booking.status,
            "booked_at": booking.created_at.isoformat(),
            "promoted_at": booking.promoted_at.isoformat() if booking.promoted_at else None,
            "cancelled_at": booking.cancelled_at.isoformat() if booking.cancelled_at else None,
        }
        for booking in Booking.objects.filter(user=user).select_related("session")
    ]


def erase_user_data(user) -> None:
    """Delete the person's bookings; their places in upcoming sessions go to the people
    waiting."""
    services.forget_person(user)
