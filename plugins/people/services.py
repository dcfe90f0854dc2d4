"""People services shared by the pages, the API, the org chart and the import."""

from __future__ import annotations

from plugins.people.models import Profile


def ensure_profile(user) -> Profile:
    """The user's profile, created (at the top of the org chart) if missing."""
    profile, created = Profile.objects.get_or_create(user=user)
    if created or not profile.manager_path:
        profile.manager_path = f"/{profile.pk}/"
        profile.depth = 0
        Profile.objects.filter(pk=profile.pk).update(manager_path=profile.manager_path, depth=0)
    return profile
