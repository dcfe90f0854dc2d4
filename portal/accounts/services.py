"""Account services: small functions the views and the API share."""

from __future__ import annotations

from django.conf import settings


def set_preferred_language(user, language: str) -> None:
    """Save the user's interface language ("" follows the browser), in the portal and in
    the Wagtail admin alike."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language: {language}")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])
