"""The hover card of a person (the design system's person chip asks for it): their photo,
name, job title, department and a link to the profile; a 404 for someone the viewer may
not see, exactly as for nobody."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from plugins.people.forms import visible_profiles


@require_GET
def hovercard(request, user_id: int):
    profile = visible_profiles(request.user).filter(user_id=user_id).first()
    if profile is None:
        raise Http404
    response = render(
        request, "people/hovercard.html", {"profile": profile, "person": profile.user}
    )
    response["Cache-Control"] = f"private, max-age={_max_age(profile.user)}"
    return response


def _max_age(person, longest: int = 300) -> int:
    """Five minutes, or less when the card says "Off until 9:00" and 9:00 comes sooner."""
    from django.utils import timezone

    state = getattr(person, "modeoff_state", None)
    if state is None or not state.off or state.until is None:
        return longest
    return max(0, min(longest, int((state.until - timezone.now()).total_seconds())))


urlpatterns = [path("card/<int:user_id>/", hovercard, name="hovercard")]
