"""Every account has a profile; the people plugin's contributions to the core."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save

from plugins.people.services import ensure_profile
from portal import avatars, signals


def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_profile(instance)


post_save.connect(create_profile, sender=get_user_model(), dispatch_uid="people_create_profile")


def nav_entry(sender, request, **kwargs):
    """ "People" in the main navigation."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from portal.navigation import NavItem

    url = reverse("people:directory")
    return NavItem(
        label=_("People"), url=url, icon="people", order=30, active_prefix=url, phone=True
    )


signals.nav_items.connect(nav_entry, dispatch_uid="people_nav")


def _photo_of(user) -> str:
    profile = user.profile
    return profile.photo.url if profile.photo else ""


# The core's avatars show profile photos where a list loaded them (never a query).
avatars.register(avatars.PhotoSource(related="profile", url=_photo_of))
