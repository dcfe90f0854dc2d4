"""Data-protection requests: what the people plugin holds about a person (their profile)."""

from plugins.people.models import Profile
from plugins.people.orgchart import rebuild_paths


def export_user_data(user) -> dict:
    profile = Profile.objects.filter(user=user).select_related("manager__user").first()
    if profile is None:
        return {}
    return {
        "employee_id": profile.employee_id,
        "job_title": profile.job_title,
        "manager": str(profile.manager.user) if profile.manager else None,
        "location": profile.location,
        "phone": profile.phone,
        "bio": profile.bio,
        "start_date": profile.start_date.isoformat() if profile.start_date else None,
        "photo": profile.photo.name or None,
        "skills": sorted(profile.skills.names()),
        "languages": sorted(profile.languages.names()),
    }


def erase_user_data(user) -> None:
    """Remove the profile and its photo; the person's reports move up to the top of the
    org chart until HR gives them a new manager."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return
    if profile.photo:
        profile.photo.delete(save=False)
    profile.delete()
    rebuild_paths()
