"""Data-protection requests: what the notifications plugin holds about a person."""

from django.db import transaction
from django.db.models import F

from plugins.notifications import services
from plugins.notifications.models import Notification, Preference


def export_user_data(user) -> dict:
    notifications = Notification.objects.filter(recipient=user).select_related(
        "actor", "target_type"
    )
    return {
        "notifications": [
            {
                "kind": n.kind,
                "message": services.message(n),
                "about": f"{n.target_type.app_label}.{n.target_type.model}:{n.target_id}",
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "updated_at": n.updated_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
                "emailed_at": n.emailed_at.isoformat() if n.emailed_at else None,
            }
            for n in notifications
        ],
        "preferences": dict(Preference.objects.filter(user=user).values_list("kind", "channel")),
    }


def erase_user_data(user) -> None:
    """Delete the person's notifications and preferences, and take them out of the people
    who acted in everyone else's ("Anna and 4 others" becomes "… and 3 others")."""
    through = Notification.actors.through
    with transaction.atomic():
        Notification.objects.filter(recipient=user).delete()
        Preference.objects.filter(user=user).delete()
        acted_in = list(through.objects.filter(user=user).values_list("notification_id", flat=True))
        through.objects.filter(user=user).delete()
        Notification.objects.filter(pk__in=acted_in, actor_count__gt=1).update(
            actor_count=F("actor_count") - 1
        )
        # Where they were the latest actor, the latest remaining one takes their place.
        for notification in Notification.objects.filter(actor=user):
            remaining = through.objects.filter(notification=notification).order_by("-pk").first()
            notification.actor_id = remaining.user_id if remaining else None
            notification.save(update_fields=["actor"])
