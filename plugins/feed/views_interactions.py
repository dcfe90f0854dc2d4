"""Pages and form posts for votes, event answers and a group's files.

Every view finds its post through the visibility policy: a post the person may not see is
not found (404), whatever the address. The vote and answer forms work as plain form posts
that redirect back with a message; ``interactions.js`` sends them with
``Accept: application/json`` (or ``X-Requested-With: fetch``) and gets the re-rendered
poll or event back to swap in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from plugins.feed import events, polls
from plugins.feed.models import Attachment, EventResponse, PollOption, Post
from plugins.groups.models import Group
from portal import visibility
from portal.ratelimit import rate_limit

PEOPLE_PER_PAGE = 50
FILES_PER_PAGE = 25


def _viewer(request):
    """The signed-in person as a model instance.

    ``request.user`` is a lazy proxy, and the policy sends ``audience_tokens`` with
    ``sender=type(user)``: for the proxy no plugin answers and group tokens go missing.
    (To drop once ``portal.visibility.tokens_for`` sends ``sender=user.__class__``.)
    """
    user = request.user
    return getattr(user, "_wrapped", user) if user.is_authenticated else user


def _visible_post(request, pk: int, kind: str) -> Post:
    """The post if the person may see it and it is of ``kind``; else 404."""
    post = (
        visibility.filter_visible(_viewer(request), Post.objects.select_related("author", "group"))
        .filter(pk=pk, kind=kind)
        .first()
    )
    if post is None:
        raise Http404
    return post


def _next_url(request, post: Post) -> str:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        return next_url
    return post.get_absolute_url()


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _wants_fragment(request) -> bool:
    return _wants_json(request) or request.headers.get("X-Requested-With") == "fetch"


def _answer(request, post: Post, act, done: str, template: str, attach):
    """Run ``act``; answer with the re-rendered ``template`` to scripts, else redirect
    back with a message. A refusal keeps its message (and answers 400 to scripts)."""
    error = None
    try:
        act()
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    message = error or done
    if not _wants_fragment(request):
        (messages.error if error else messages.success)(request, message)
        return redirect(_next_url(request, post))
    attach([post], _viewer(request))
    html = render_to_string(
        template,
        {
            "post": post,
            "interaction_message": message,
            "interaction_error": bool(error),
            "interaction_next": _next_url(request, post),
        },
        request=request,
    )
    status = 400 if error else 200
    if _wants_json(request):
        return JsonResponse({"ok": not error, "message": message, "html": html}, status=status)
    return HttpResponse(html, status=status)


@require_POST
@rate_limit("vote")
def vote(request, pk: int):
    post = _visible_post(request, pk, Post.POLL)
    return _answer(
        request,
        post,
        lambda: polls.vote(_viewer(request), post, request.POST.getlist("options")),
        _("Your vote has been recorded."),
        "feed/includes/poll.html",
        polls.attach,
    )


@require_POST
@rate_limit("vote")
def rsvp(request, pk: int):
    post = _visible_post(request, pk, Post.EVENT)
    answer = request.POST.get("answer") or None
    labels = dict(EventResponse.ANSWER_CHOICES)
    done = (
        _("Your answer: %(answer)s.") % {"answer": labels[answer]}
        if answer in labels
        else _("Your answer has been withdrawn.")
    )
    return _answer(
        request,
        post,
        lambda: events.respond(_viewer(request), post, answer),
        done,
        "feed/includes/event.html",
        events.attach,
    )


@require_GET
def attendees(request, pk: int):
    post = _visible_post(request, pk, Post.EVENT)
    answer = request.GET.get("answer", "")
    if answer not in dict(EventResponse.ANSWER_CHOICES):
        answer = ""
    events.attach([post], _viewer(request))
    paginator = Paginator(events.attendees(_viewer(request), post, answer or None), PEOPLE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    counts = post.event_data["counts"]
    tabs = [("", _("Everyone"), sum(counts.values()))] + [
        (value, label, counts[value]) for value, label in EventResponse.ANSWER_CHOICES
    ]
    return render(
        request,
        "feed/attendees.html",
        {"post": post, "event": post.event_data, "page": page, "answer": answer, "tabs": tabs},
    )


@require_GET
def voters(request, pk: int, option: int):
    post = _visible_post(request, pk, Post.POLL)
    votes = polls.voters(_viewer(request), post, option)
    option = get_object_or_404(PollOption, pk=option)
    paginator = Paginator(votes, PEOPLE_PER_PAGE)
    return render(
        request,
        "feed/voters.html",
        {
            "post": post,
            "poll": post.poll,
            "option": option,
            "page": paginator.get_page(request.GET.get("page")),
        },
    )


@require_GET
def event_ics(request, pk: int):
    post = _visible_post(request, pk, Post.EVENT)
    # Links on the portal's configured address (events.ics), not the request's host.
    response = HttpResponse(events.ics(post), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{post.pk}.ics"'
    return response


@require_GET
def group_files(request, slug: str):
    """Every file of the group's posts, newest first, for the people who see its posts."""
    group = get_object_or_404(Group, slug=slug)
    if visibility.group_token(group.pk) not in visibility.tokens_for(_viewer(request)):
        raise Http404
    attachments = visibility.filter_visible(
        _viewer(request),
        Attachment.objects.filter(post__group=group).select_related("post__author"),
    ).order_by("-post__created_at", "-pk")
    paginator = Paginator(attachments, FILES_PER_PAGE)
    return render(
        request,
        "feed/group_files.html",
        {"group": group, "page": paginator.get_page(request.GET.get("page"))},
    )


urlpatterns = [
    path("posts/<int:pk>/vote/", vote, name="vote"),
    path("posts/<int:pk>/rsvp/", rsvp, name="rsvp"),
    path("posts/<int:pk>/attendees/", attendees, name="attendees"),
    path("posts/<int:pk>/voters/<int:option>/", voters, name="voters"),
    path("posts/<int:pk>/event.ics", event_ics, name="event_ics"),
    path("groups/<slug:slug>/files/", group_files, name="group_files"),
]
