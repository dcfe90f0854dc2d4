"""Directory and profile pages: /people/ (search), /people/<id>/ (a profile),
/people/me/edit/ (one's own profile), /people/completeness/ (HR)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from plugins.people import avatars, completeness, orgchart
from plugins.people.forms import DirectoryForm, ProfileForm, visible_profiles
from plugins.people.models import Profile
from plugins.people.services import ensure_profile
from portal.accounts import roles
from portal.accounts.models import Department
from portal.ratelimit import rate_limit

PAGE_SIZE = 20


def can_see_completeness(user) -> bool:
    """HR (the role or the permission to view profiles) sees everyone's completeness."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.has_perm("people.view_profile") or roles.has_role(user, roles.HR))
    )


def department_names() -> dict[int, str]:
    """Every department's name by id (one query, for "Department › Team" labels)."""
    return dict(Department.objects.values_list("pk", "name"))


def unit_trail(department: Department | None, names: dict[int, str]) -> list[str]:
    """The names from the top of the organisation down to ``department``."""
    if department is None:
        return []
    return [names[pk] for pk in department.lineage_ids() if pk in names]


def unit_label(department: Department | None, names: dict[int, str]) -> str:
    """ "Department › Team": the person's unit and the one it belongs to."""
    return " › ".join(unit_trail(department, names)[-2:])


def active_filters(request, form: DirectoryForm) -> list[dict]:
    """The filters in use, as chips that each remove their filter (no query: the form
    was validated already)."""
    if not (form.is_bound and form.is_valid()):
        return []
    chips = []
    for name in ("q", "department", "location", "skill", "new"):
        value = form.cleaned_data.get(name)
        if not value:
            continue
        label = form.fields[name].label
        rest = request.GET.copy()
        rest.pop(name, None)
        rest.pop("page", None)
        chips.append(
            {
                "text": str(label) if name == "new" else f"{label}: {value}",
                "url": f"?{rest.urlencode()}" if rest else reverse("people:directory"),
            }
        )
    return chips


def _visible_profile(user, pk: int) -> Profile:
    try:
        return visible_profiles(user).get(pk=pk)
    except Profile.DoesNotExist as error:
        raise Http404 from error


def directory(request):
    """The people page: search and filters by GET, paginated; scripts refine it live."""
    form = DirectoryForm(request.GET or None)
    people = visible_profiles(request.user)
    if form.is_bound and form.is_valid():
        people = form.filter(people)
    elif form.is_bound:
        people = people.none()
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    names = department_names()
    cards = [
        {
            "profile": profile,
            "photo_url": avatars.photo_url(profile),
            "unit": unit_label(profile.user.department, names),
        }
        for profile in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/directory.html",
        {
            "form": form,
            "page": page,
            "cards": cards,
            "query": query.urlencode(),
            "filtered": form.is_bound,
            "filters": active_filters(request, form),
            "show_completeness": can_see_completeness(request.user),
            "js_strings": {
                "one": ngettext("%(count)s person", "%(count)s people", 1),
                "other": ngettext("%(count)s person", "%(count)s people", 2),
                "error": _("The search failed; press Search to try again."),
                "next": _("Next"),
            },
        },
    )


def profile_detail(request, pk: int):
    """A person's profile: contact, unit, manager, chain of command and direct reports."""
    profile = _visible_profile(request.user, pk)
    names = department_names()
    reports = [
        {"profile": report, "photo_url": avatars.photo_url(report)}
        for report in visible_profiles(request.user).filter(manager=profile)
    ]
    chain = [person for person in orgchart.chain_of_command(profile) if person.user.is_active]
    is_me = profile.user_id == request.user.pk
    return render(
        request,
        "people/profile.html",
        {
            "profile": profile,
            "person": profile.user,
            "photo_url": avatars.photo_url(profile),
            "trail": unit_trail(profile.user.department, names),
            "manager": chain[-1] if chain and chain[-1].pk == profile.manager_id else None,
            "chain": chain,
            "reports": reports,
            "is_me": is_me,
            "completeness": completeness.completeness(profile) if is_me else None,
        },
    )


def me(request):
    """One's own profile."""
    return redirect("people:profile", pk=ensure_profile(request.user).pk)


def by_user(request, user_id: int):
    """The profile of an account, by account id: what ``User.get_absolute_url`` links to,
    so that lists of people (bookmarks...) link profiles without a query per person."""
    profile = visible_profiles(request.user).filter(user_id=user_id).first()
    if profile is None:
        raise Http404
    return redirect("people:profile", pk=profile.pk)


@rate_limit("upload")
def edit_me(request):
    """Edit one's own profile: the self-service fields; HR's fields are shown read-only."""
    profile = ensure_profile(request.user)
    profile.user = request.user  # the avatar reads the photo from the account's cache
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("people:profile", pk=profile.pk)
    hr_fields = [
        (Profile._meta.get_field(name).verbose_name, value)
        for name, value in (
            ("job_title", profile.job_title),
            ("manager", profile.manager.user if profile.manager else ""),
            ("location", profile.location),
            ("start_date", profile.start_date),
        )
    ]
    return render(
        request,
        "people/profile_edit.html",
        {
            "form": form,
            "profile": profile,
            "hr_fields": hr_fields,
            "photo_url": avatars.photo_url(profile),
            "completeness": completeness.completeness(profile),
        },
    )


def completeness_report(request):
    """HR: how complete profiles are, per department."""
    if not can_see_completeness(request.user):
        raise PermissionDenied
    total, rows = completeness.by_department(visible_profiles(request.user))
    return render(
        request,
        "people/completeness.html",
        {"total": total, "rows": rows, "items": completeness.ITEMS},
    )


@require_GET
@cache_control(private=True, max_age=3600)
def avatar(request, pk: int):
    """The generated default photo of a person (SVG)."""
    profile = _visible_profile(request.user, pk)
    response = HttpResponse(avatars.avatar_svg(profile), content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def profile_url(profile: Profile) -> str:
    return reverse("people:profile", args=[profile.pk])


urlpatterns = [
    path("", directory, name="directory"),
    path("me/", me, name="me"),
    path("account/<int:user_id>/", by_user, name="by_user"),
    path("me/edit/", edit_me, name="edit_me"),
    path("completeness/", completeness_report, name="completeness"),
    path("<int:pk>/", profile_detail, name="profile"),
    path("<int:pk>/avatar.svg", avatar, name="avatar"),
]
