"""The comment pages and form targets under /comments/.

Every view answers 404 for a target or comment the person may not see and 403 for an
action they may not take (a closed thread). Forms work without JavaScript (redirect to the
target's page at the comment); comments.js sends them with ``X-Requested-With: fetch``
and gets the thread fragment back to swap in place.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plugins.comments import services
from plugins.comments.models import Comment
from portal import interactions
from portal.ratelimit import rate_limit


def is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def thread_context(request, target, **extra) -> dict:
    url = interactions.url_of(target)
    return {
        "target": target,
        # The feed's templates still say ``post``.
        "post": target,
        "comments": services.thread(request.user, target),
        "comment_total": services.count(target),
        "may_comment": interactions.may_comment(request.user, target),
        "comments_open": interactions.comments_open(target),
        # Reaction forms in a fragment come back to the target's page without JavaScript.
        "reaction_next": url,
        **extra,
    }


def _fragment(request, target, status=200, **extra) -> HttpResponse:
    html = render_to_string(
        "comments/fragment.html", thread_context(request, target, **extra), request=request
    )
    return HttpResponse(html, status=status)


def _done(request, target, comment: Comment | None, message: str) -> HttpResponse:
    if is_fetch(request):
        return _fragment(request, target, status_message=message)
    anchor = f"#comment-{comment.pk}" if comment is not None else "#comments"
    return redirect(interactions.url_of(target) + anchor)


def _form_page(request, *, title, label, submit, action, target, text, errors, quoted=None):
    context = {
        "title": title,
        "label": label,
        "submit": submit,
        "action": action,
        "target": target,
        "target_title": interactions.title_of(target),
        "target_url": interactions.url_of(target),
        "text": text,
        "errors": errors,
        "quoted": quoted,
        "cancel_url": interactions.url_of(target) + "#comments",
    }
    return render(request, "comments/form_page.html", context, status=400 if errors else 200)


def _invalid(request, target, error: ValidationError, text: str, action: str, quoted=None):
    if is_fetch(request):
        return _fragment(request, target, status=400, errors=error.message_dict, text=text)
    return _form_page(
        request,
        title=_("Your comment"),
        label=_("Your comment"),
        submit=_("Comment"),
        action=action,
        target=target,
        text=text,
        errors=error.message_dict,
        quoted=quoted,
    )


@require_GET
def thread(request, prefix: str, object_id: int):
    """The thread of an object and its comment form, as an HTML fragment."""
    target = services.get_target(request.user, prefix, object_id)
    return render(request, "comments/fragment.html", thread_context(request, target))


@require_http_methods(["GET", "POST"])
@rate_limit("comment")
def add(request, prefix: str, object_id: int):
    target = services.get_target(request.user, prefix, object_id)
    if request.method == "GET":
        # The address a comment with an error was shown at: the same form, empty, so that
        # reloading it (or opening it again) never answers 405.
        services.check_may_comment(request.user, target)
        return _form_page(
            request,
            title=_("Your comment"),
            label=_("Your comment"),
            submit=_("Comment"),
            action=request.path,
            target=target,
            text="",
            errors={},
        )
    text = request.POST.get("text", "")
    parent = None
    try:
        raw_parent = request.POST.get("parent", "")
        if raw_parent:
            parent = (
                services.of(target).filter(pk=int(raw_parent)).first()
                if raw_parent.isdigit() and len(raw_parent) <= 18
                else None
            )
            if parent is None:
                raise ValidationError({"parent": [_("There is no such comment here.")]})
        comment = services.add_comment(request.user, target, text, parent=parent)
    except ValidationError as error:
        return _invalid(request, target, error, text, request.path)
    return _done(request, target, comment, _("Your comment is posted."))


@require_http_methods(["GET", "POST"])
@rate_limit("comment")
def reply(request, pk: int):
    parent = services.get_comment(request.user, pk)
    target = parent.target
    services.check_may_comment(request.user, target)
    text = request.POST.get("text", "")
    if request.method == "POST":
        try:
            comment = services.add_comment(request.user, target, text, parent=parent)
        except ValidationError as error:
            return _invalid(request, target, error, text, request.path, quoted=parent)
        return _done(request, target, comment, _("Your reply is posted."))
    return _form_page(
        request,
        title=_("Reply"),
        label=_("Your reply"),
        submit=_("Reply"),
        action=request.path,
        target=target,
        text="",
        errors={},
        quoted=parent,
    )


@require_http_methods(["GET", "POST"])
@rate_limit("comment")
def edit(request, pk: int):
    comment = services.get_comment(request.user, pk)
    target = comment.target
    if not services.can_edit(request.user, comment):
        raise PermissionDenied(_("Only the author may edit a comment."))
    text = request.POST.get("text", "") if request.method == "POST" else comment.text
    errors = {}
    if request.method == "POST":
        try:
            services.edit_comment(request.user, comment, text)
        except ValidationError as error:
            errors = error.message_dict
        else:
            return _done(request, target, comment, _("Your comment is saved."))
    return _form_page(
        request,
        title=_("Edit your comment"),
        label=_("Your comment"),
        submit=_("Save"),
        action=request.path,
        target=target,
        text=text,
        errors=errors,
    )


@require_POST
@rate_limit("comment")
def delete(request, pk: int):
    comment = services.get_comment(request.user, pk)
    target = comment.target
    services.delete_comment(request.user, comment)
    return _done(request, target, None, _("The comment is deleted."))


@require_http_methods(["GET", "POST"])
@rate_limit("report")
def report(request, pk: int):
    """Report a comment to the moderators of its object: a short form with the reason."""
    comment = services.get_comment(request.user, pk)
    target = comment.target
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    errors = {}
    if request.method == "POST":
        try:
            services.report_comment(request.user, comment, reason)
        except ValidationError as error:
            errors = error.message_dict
        else:
            return _done(request, target, comment, _("Thank you: the moderators will look at it."))
    context = {
        "comment": comment,
        "target_title": interactions.title_of(target),
        "target_url": interactions.url_of(target),
        "reason": reason,
        "errors": errors,
        "cancel_url": comment.get_absolute_url(),
    }
    return render(request, "comments/report_page.html", context, status=400 if errors else 200)
