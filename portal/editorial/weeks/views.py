"""Employee views of a themed week, served through the week page's routes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import files, visibility
from portal.editorial.weeks import services
from portal.editorial.weeks.forms import InitiativeForm
from portal.ratelimit import rate_limit


@require_POST
@rate_limit("initiative")
def submit_initiative(request, week):
    """Submit the week page's form; on errors, show the page again with them (400). A
    week that is not running (a page opened before it ended) says so, storing nothing."""
    reason = services.closed_reason(week)
    if reason:
        messages.error(request, reason)
        response = week.render(request)
        response.status_code = 400
        return response
    form = InitiativeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.submit_initiative(
                request.user,
                week,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                photo=form.cleaned_data["photo"] or None,
            )
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            messages.success(
                request, _("Thank you! Your initiative will appear once an editor approves it.")
            )
            return redirect(week.url + "#initiatives")
    response = week.render(request, context_overrides={"form": form})
    response.status_code = 400
    return response


def initiative_photo(request, week, initiative_id: int):
    """The photo of an initiative, to whoever may see the initiative (404 otherwise)."""
    initiative = (
        visibility.filter_visible(request.user, services.week_initiatives(week))
        .filter(pk=initiative_id)
        .first()
    )
    if initiative is None or not initiative.photo:
        raise Http404
    handle = files.open_stored(initiative.photo.storage, initiative.photo.name)
    return files.file_response(handle, stored_name=initiative.photo.name)


def initiative_page(request, week, initiative_id: int):
    """One initiative, with its photo, reactions and comments (what enabled plugins add
    through ``object_sections``), to whoever may see it (404 otherwise)."""
    initiative = services.visible_initiative_or_404(request.user, week, initiative_id)
    week_url = week.get_url(request) or ""
    return render(
        request,
        "weeks/initiative_page.html",
        {
            "page": week,
            "self": week,
            "initiative": initiative,
            "week_url": week_url,
            "photo_url": services.photo_url(initiative, week_url),
        },
    )
