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
    response["Cache-Control"] = "private, max-age=300"
    return response


urlpatterns = [path("card/<int:user_id>/", hovercard, name="hovercard")]
