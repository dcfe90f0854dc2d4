"""The feed's pages: the feed itself, a post, the composer and the post card's actions,
hashtags, the last 24 hours, the moderators' queue and follows. (helper "feedui")

Every page reads posts through :mod:`plugins.feed.queries` (the visibility policy), so a
post someone may not see is a 404 whatever the URL; every action goes through
:mod:`plugins.feed.services`, which answers ``PermissionDenied`` (403) or a
``ValidationError`` shown next to the fields. Every action is a plain form POST that
redirects back; ``feed.js`` makes the feed scroll in place with ``?fragment=1``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plugins.feed import forms, queries, services, sharing
from plugins.feed.models import Follow, Post
from plugins.groups.models import Group, Membership
from portal import visibility
from portal.lookups import visible_or_none
from portal.ratelimit import rate_limit

# --- Helpers shared with signals.py ------------------------------------------------------------


def composer_context(request, group=None, *, composer=None, event_form=None, poll_form=None):
    """The composer's forms (empty unless given bound ones); no composer for people who
    may not post there."""
    composer = composer or forms.ComposerForm(request.user, group=group)
    if not composer.fields["audience"].choices:
        return {"composer": None}
    if event_form is None or poll_form is None:
        event_form, poll_form = forms.extra_forms()
    return {
        "composer": composer,
        "event_form": event_form,
        "poll_form": poll_form,
        "composer_group": group,
        "composer_next": request.get_full_path(),
    }


def feed_context(request, page: queries.FeedPage, url: str) -> dict:
    more_url = f"{url}?cursor={page.next_cursor}" if page.next_cursor else ""
    # Actions on a card come back to the page itself, not to a fragment of it.
    return {"feed_page": page, "more_url": more_url, "feed_url": url, "return_url": request.path}


def _feed_response(request, page, url, template, **context):
    """The page, or only its items and "Load more" link for ``?fragment=1``."""
    context = {**feed_context(request, page, url), **context}
    if request.GET.get("fragment"):
        return render(request, "feed/includes/feed_items.html", context)
    return render(request, template, context)


def _read_page(request, reader, *args):
    try:
        limit = min(int(request.GET.get("limit") or 20), queries.MAX_LIMIT)
    except ValueError:
        limit = 20
    try:
        return reader(request.user, *args, cursor=request.GET.get("cursor"), limit=limit)
    except ValidationError as error:
        raise BadCursor(error) from None


class BadCursor(Exception):
    pass


def _bad_cursor(request):
    return HttpResponseBadRequest(_("This page of the feed does not exist; reload the feed."))


def _visible_post(request, pk: int) -> Post:
    post = queries.visible_posts(request.user).filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def _next_url(request, default: str) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return next_url
    return default


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Feeds ---------------------------------------------------------------------------------


def home(request):
    try:
        page = _read_page(request, queries.home_feed)
    except BadCursor:
        return _bad_cursor(request)
    return _feed_response(
        request,
        page,
        reverse("feed:home"),
        "feed/home.html",
        **composer_context(request),
    )


def group_feed(request, slug):
    group = get_object_or_404(visibility.filter_visible(request.user, Group.objects), slug=slug)
    if visibility.group_token(group.pk) not in visibility.tokens_for(request.user):
        raise Http404
    try:
        page = _read_page(request, queries.group_feed, group)
    except BadCursor:
        return _bad_cursor(request)
    return _feed_response(
        request,
        page,
        reverse("feed:group", args=[slug]),
        "feed/group_feed.html",
        group=group,
        **composer_context(request, group),
    )


def author_feed(request, pk):
    author = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    try:
        page = _read_page(request, queries.author_feed, author)
    except BadCursor:
        return _bad_cursor(request)
    return _feed_response(
        request, page, reverse("feed:author", args=[pk]), "feed/author_feed.html", author=author
    )


def hashtag(request, tag):
    try:
        page = _read_page(request, queries.hashtag_feed, tag)
    except BadCursor:
        return _bad_cursor(request)
    return _feed_response(
        request, page, reverse("feed:hashtag", args=[tag]), "feed/hashtag.html", tag=tag
    )


def last_24_hours(request):
    posts = queries.last_24_hours(request.user, limit=20)
    return render(request, "feed/last_24_hours.html", {"posts": posts})


# --- One post ------------------------------------------------------------------------------


def post_detail(request, pk):
    post = queries.load_posts([_visible_post(request, pk)], request.user)[0]
    return render(request, "feed/post.html", {"post": post, "single": True})


@require_http_methods(["GET", "POST"])
@rate_limit("post")
def compose(request):
    """The composer's own page: a post with errors is shown here again, with the errors
    next to the fields and the text kept; opening (or reloading) the address answers the
    empty composer, never 405."""
    # A group the person may not see is no group at all: the answer for a secret group's
    # id is the answer for an id that does not exist.
    data = request.POST if request.method == "POST" else request.GET
    group = visible_or_none(request.user, Group, data.get("group"))
    if request.method == "GET":
        context = composer_context(request, group)
        context["composer_next"] = _next_url(
            request, group.get_absolute_url() if group else reverse("feed:home")
        )
        return render(request, "feed/compose.html", context)
    composer = forms.ComposerForm(request.user, request.POST, request.FILES, group=group)
    event_form, poll_form = forms.extra_forms(request.POST)
    extras = {Post.EVENT: event_form, Post.POLL: poll_form}
    kind = request.POST.get("kind")
    # The event or poll fields are checked with the rest, so every error shows at once.
    extra_valid = kind not in extras or extras[kind].is_valid()
    if composer.is_valid() and extra_valid:
        try:
            post = services.create_post(
                request.user,
                text=composer.cleaned_data["text"],
                audience=composer.cleaned_data["audience"],
                kind=kind,
                files=composer.cleaned_data["files"],
                event=forms.raw_values(request.POST, "event", forms.EVENT_FIELDS)
                if kind == Post.EVENT
                else None,
                poll=forms.raw_values(request.POST, "poll", forms.POLL_FIELDS)
                if kind == Post.POLL
                else None,
            )
        except ValidationError as error:
            forms.apply_errors(error, composer, extras)
        else:
            messages.success(request, _("Your post is published."))
            return redirect(_next_url(request, post.get_absolute_url()))
    # Only the chosen kind's fields are checked and shown with their errors; the other
    # kind's fieldset comes back empty (its "required" errors would only be noise).
    empty_event, empty_poll = forms.extra_forms()
    context = composer_context(
        request,
        group,
        composer=composer,
        event_form=event_form if kind == Post.EVENT else empty_event,
        poll_form=poll_form if kind == Post.POLL else empty_poll,
    )
    context["composer_next"] = _next_url(request, reverse("feed:home"))
    return render(request, "feed/compose.html", context, status=400)


@require_http_methods(["GET", "POST"])
@rate_limit("post")
def edit(request, pk):
    post = _visible_post(request, pk)
    if not services.can_edit(request.user, post):
        raise PermissionDenied
    form = forms.EditForm(
        post, request.POST or None, request.FILES or None, initial={"text": post.text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_post(
                request.user,
                post,
                text=form.cleaned_data["text"],
                files_to_add=form.cleaned_data["files_to_add"],
                files_to_remove=form.cleaned_data["files_to_remove"],
            )
        except ValidationError as error:
            forms.apply_errors(error, form, {})
        else:
            messages.success(request, _("Your post is updated."))
            return redirect(post.get_absolute_url())
    return render(request, "feed/edit.html", {"post": post, "form": form})


@require_http_methods(["GET", "POST"])
@rate_limit("post")
def delete(request, pk):
    post = _visible_post(request, pk)
    if not services.can_delete(request.user, post):
        raise PermissionDenied
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        if post.author_id != request.user.pk and reason:
            services.remove_post(request.user, post, reason)
        else:
            services.delete_post(request.user, post)
        messages.success(request, _("The post is deleted."))
        next_url = _next_url(request, reverse("feed:home"))
        if next_url.startswith(reverse("feed:post", args=[pk])):
            next_url = reverse("feed:home")
        return redirect(next_url)
    return render(request, "feed/delete.html", {"post": post, "next": _next_url(request, "")})


@require_POST
def pin(request, pk):
    post = _visible_post(request, pk)
    pinned = request.POST.get("pinned", "1") not in ("0", "false", "")
    try:
        services.pin_post(request.user, post, pinned)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("The post is pinned.") if pinned else _("The post is unpinned.")
        )
    return redirect(_next_url(request, post.get_absolute_url()))


@require_POST
def relaunch(request, pk):
    post = _visible_post(request, pk)
    try:
        services.relaunch_post(request.user, post)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The post is back at the top of the feed."))
    return redirect(_next_url(request, post.get_absolute_url()))


@require_http_methods(["GET", "POST"])
@rate_limit("report")
def report(request, pk):
    post = _visible_post(request, pk)
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_post(request.user, post, form.cleaned_data["reason"])
        except ValidationError as error:
            forms.apply_errors(error, form, {})
        else:
            messages.success(request, _("Thank you: the moderators will look at this post."))
            return redirect(_next_url(request, post.get_absolute_url()))
    return render(
        request,
        "feed/report.html",
        {"post": post, "form": form, "next": _next_url(request, post.get_absolute_url())},
    )


@require_http_methods(["GET", "POST"])
@rate_limit("post")
def share(request, prefix, pk):
    """Share an object (``/feed/share/pages/12/``) to the company, a department or a
    group, with a comment; then the new post. Something the person may not see, or that
    cannot be shared, is a 404 like a missing one."""
    obj = sharing.lookup(request.user, prefix, pk)
    preview = sharing.preview_for(request.user, obj)
    initial = {}
    wanted = request.GET.get("audience", "")
    if wanted in dict(services.audience_choices(request.user)):
        initial["audience"] = wanted
    form = forms.ShareForm(request.user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.share(
                request.user,
                obj,
                text=form.cleaned_data["text"],
                audience=form.cleaned_data["audience"],
            )
        except ValidationError as error:
            forms.apply_errors(error, form, {})
        else:
            messages.success(request, _("Shared."))
            return redirect(post.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "preview": preview, "cancel_url": reverse("feed:home")}
    return render(request, "feed/share.html", context, status=status)


# --- Moderation and follows ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reports(request):
    queue = services.reports_to_handle(request.user)
    if not _may_moderate(request.user):
        raise PermissionDenied
    if request.method == "POST":
        item = get_object_or_404(queue, pk=request.POST.get("report") or 0)
        remove = request.POST.get("action") == "remove"
        services.resolve_report(request.user, item, remove=remove)
        messages.success(
            request, _("The post is removed.") if remove else _("The report is closed.")
        )
        return redirect("feed:reports")
    page = Paginator(queue, 20).get_page(request.GET.get("page"))
    posts = queries.load_posts({r.post_id: r.post for r in page.object_list}.values(), request.user)
    by_pk = {p.pk: p for p in posts}
    for item in page.object_list:
        item.post = by_pk[item.post_id]
    return render(request, "feed/reports.html", {"page": page})


def _may_moderate(user) -> bool:
    """Whether ``user`` handles reports at all: network or group moderators."""
    return (
        user.has_perm("feed.moderate_post")
        or user.has_perm("groups.change_group")
        or Membership.objects.filter(user=user, role__in=Membership.MANAGING_ROLES).exists()
    )


def following(request):
    follows = Follow.objects.filter(follower=request.user).select_related("user", "group")
    groups = visibility.visible_ids(
        request.user, Group, [f.group_id for f in follows if f.group_id]
    )
    follows = [f for f in follows if f.user_id or f.group_id in groups]
    return render(request, "feed/following.html", {"follows": follows})


@require_POST
@rate_limit("follow")
def follow(request):
    """Follow or unfollow (``action=unfollow``) the posted ``person`` or ``group``."""
    target = {}
    if request.POST.get("person"):
        person = visible_or_none(request.user, get_user_model(), request.POST["person"])
        if person is None:
            raise Http404
        target = {"person": person}
        name = person.get_full_name() or person.email
    elif request.POST.get("group"):
        group = visible_or_none(request.user, Group, request.POST["group"])
        if group is None:
            raise Http404
        target = {"group": group}
        name = group.name
    else:
        return HttpResponseBadRequest(_("Say whom to follow: a person or a group."))
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow(request.user, **target)
            messages.success(request, _("You no longer follow %(name)s.") % {"name": name})
        else:
            services.follow(request.user, **target)
            messages.success(request, _("You follow %(name)s.") % {"name": name})
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(_next_url(request, reverse("feed:following")))


urlpatterns = [
    path("", home, name="home"),
    path("compose/", compose, name="compose"),
    path("posts/<int:pk>/", post_detail, name="post"),
    path("posts/<int:pk>/edit/", edit, name="edit"),
    path("posts/<int:pk>/delete/", delete, name="delete"),
    path("posts/<int:pk>/pin/", pin, name="pin"),
    path("posts/<int:pk>/relaunch/", relaunch, name="relaunch"),
    path("posts/<int:pk>/report/", report, name="report"),
    path("share/<slug:prefix>/<int:pk>/", share, name="share"),
    path("tags/<str:tag>/", hashtag, name="hashtag"),
    path("last-24-hours/", last_24_hours, name="last24h"),
    path("reports/", reports, name="reports"),
    path("following/", following, name="following"),
    path("follow/", follow, name="follow"),
    path("groups/<slug:slug>/", group_feed, name="group"),
    path("people/<int:pk>/", author_feed, name="author"),
]
