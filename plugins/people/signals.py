"""Every account has a profile; the people plugin's contributions to the core."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save

from plugins.people.services import ensure_profile


def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_profile(instance)


post_save.connect(create_profile, sender=get_user_model(), dispatch_uid="people_create_profile")
