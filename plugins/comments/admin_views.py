"""The comments in the Wagtail admin: the moderators' list and its actions.

The list shows, newest first, the comments the person moderates
(:func:`plugins.comments.services.moderated_comments`: every comment they may see with
``comments.delete_comment``, else those on the pages they may edit and the initiatives
they approve), with their object, author, text and open reports; filters by content kind,
by object (``?object=news.newspage:12``, what a page's "Employees' comments" button links
to) and "reported only". A moderator deletes a comment (with its replies, after a
confirmation page) or closes its reports, keeping or deleting it, through the same
services as the portal's pages, so counters and checks stay the same. A comment the
person may not moderate answers 404, whether it exists or not.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from plugins.comments import services
from plugins.comments.models import Comment, CommentReport
from portal import interactions
from portal.lookups import NOT_FOUND

PER_PAGE = 30


def _require_moderator(request) -> None:
    if not services.moderates_any(request.user):
        raise PermissionDenied


def _kinds() -> list[interactions.Interactive]:
    return [d for d in interactions.commentable() if d.api_prefix]


def _parse_object(value: str):
    """``("news.newspage", 12)`` from ``news.newspage:12``, or None."""
    label, _sep, pk = (value or "").partition(":")
    if not label or not pk.isdigit() or len(pk) > 18:
        return None
    return label, int(pk)


def _back(request) -> str:
    """Where to go after an action: the list as it was (``next``), if it is the admin's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(reverse("comments_admin")) and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("comments_admin")


def _describe(comment: Comment) -> None:
    """What the list shows of the comment's object: kind, title, page and admin links."""
    target = comment.target
    declaration = interactions.for_content_type(comment.content_type_id)
    comment.kind_label = declaration.verbose_name if declaration else ""
    comment.target_title = interactions.title_of(target) if target is not None else ""
    comment.target_url = interactions.url_of(target) if target is not None else ""
    comment.edit_url = (
        reverse("wagtailadmin_pages:edit", args=[target.pk]) if isinstance(target, Page) else ""
    )


def comment_list(request):
    _require_moderator(request)
    kinds = _kinds()
    by_label = {d.label: d for d in kinds}
    queryset = (
        services.moderated_comments(request.user)
        .select_related("author", "parent")
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=CommentReport.objects.filter(resolved_at__isnull=True)
                .select_related("reporter")
                .order_by("created_at", "pk"),
                to_attr="open_report_list",
            )
        )
        .order_by("-created_at", "-pk")
    )
    kind = request.GET.get("kind", "")
    if kind in by_label:
        queryset = queryset.filter(content_type=by_label[kind].content_type())
    else:
        kind = ""
    reported = request.GET.get("reported") == "1"
    if reported:
        queryset = queryset.filter(open_reports__gt=0)
    on = _parse_object(request.GET.get("object", ""))
    focus = None
    if on is not None and on[0] in by_label:
        declaration = by_label[on[0]]
        queryset = queryset.filter(content_type=declaration.content_type(), object_id=on[1])
        focus = declaration.model._default_manager.filter(pk=on[1]).first()
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("p"))
    comments = list(page.object_list)
    prefetch_related_objects(comments, "target")
    for comment in comments:
        _describe(comment)
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "comments/admin/list.html",
        {
            "page_title": _("Comments"),
            "header_title": _("Comments"),
            "header_icon": "comment",
            "comments": comments,
            "page_obj": page,
            "kinds": [(d.label, capfirst(d.model._meta.verbose_name_plural)) for d in kinds],
            "kind": kind,
            "reported": reported,
            "object_filter": request.GET.get("object", "") if focus is not None else "",
            "focus_title": interactions.title_of(focus) if focus is not None else "",
            "query": query.urlencode(),
            "here": request.get_full_path(),
        },
    )


def _moderated_comment(request, pk) -> Comment:
    """The comment, if the person moderates it (404 otherwise, as for a missing one)."""
    comment = services.get_comment(request.user, pk)
    if not services.can_moderate(request.user, comment.target):
        raise Http404(NOT_FOUND)
    return comment


@require_http_methods(["GET", "POST"])
def delete_comment(request, pk: int):
    """Confirm, then delete a comment and its replies."""
    _require_moderator(request)
    comment = _moderated_comment(request, pk)
    if request.method == "POST":
        gone = services.delete_comment(request.user, comment)
        messages.success(
            request,
            _("The comment is deleted.")
            if gone == 1
            else _("The comment and its %(count)d replies are deleted.") % {"count": gone - 1},
        )
        return redirect(_back(request))
    _describe(comment)
    return render(
        request,
        "comments/admin/confirm_delete.html",
        {
            "page_title": _("Delete a comment"),
            "header_title": _("Delete a comment"),
            "header_icon": "comment",
            "comment": comment,
            "replies": comment.replies.count(),
            "next": _back(request),
        },
    )


@require_POST
def resolve_reports(request, pk: int):
    """Close the open reports of a comment: keep it (``action=keep``) or delete it."""
    _require_moderator(request)
    comment = _moderated_comment(request, pk)
    action = request.POST.get("action", "")
    if action not in ("keep", "delete"):
        messages.error(request, _("Choose to keep or to delete the comment."))
        return redirect(_back(request))
    closed = services.resolve_reports(request.user, comment, remove=action == "delete")
    if action == "delete":
        messages.success(request, _("Reports closed; the comment is deleted."))
    elif closed:
        messages.success(request, _("Reports closed; the comment stays."))
    else:
        messages.info(request, _("This comment had no open report."))
    return redirect(_back(request))
