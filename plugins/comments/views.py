"""The comment pages and form targets under /comments/.

Every view answers 404 for a post or comment the person may not see and 403 for an
action they may not take. Forms work without JavaScript (redirect to the post page at the
comment); comments.js sends them with ``X-Requested-With: fetch`` and gets the thread
fragment back to swap in place.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plugins.comments import services
from plugins.comments.models import Comment
from portal.ratelimit import rate_limit


def is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def thread_context(request, post, **extra) -> dict:
    return {
        "post": post,
        "comments": services.thread(request.user, post),
        # Reaction forms in a fragment come back to the post page without JavaScript.
        "reaction_next": post.get_absolute_url(),
        **extra,
    }


def _fragment(request, post, status=200, **extra) -> HttpResponse:
    html = render_to_string(
        "comments/fragment.html", thread_context(request, post, **extra), request=request
    )
    return HttpResponse(html, status=status)


def _done(request, post, comment: Comment | None, message: str) -> HttpResponse:
    if is_fetch(request):
        return _fragment(request, post, status_message=message)
    anchor = f"#comment-{comment.pk}" if comment is not None else "#comments"
    return redirect(post.get_absolute_url() + anchor)


def _form_page(request, *, title, label, submit, action, post, text, errors, quoted=None):
    context = {
        "title": title,
        "label": label,
        "submit": submit,
        "action": action,
        "post": post,
        "text": text,
        "errors": errors,
        "quoted": quoted,
        "cancel_url": post.get_absolute_url() + "#comments",
    }
    return render(request, "comments/form_page.html", context, status=400 if errors else 200)


def _invalid(request, post, error: ValidationError, text: str, action: str, quoted=None):
    if is_fetch(request):
        return _fragment(request, post, status=400, errors=error.message_dict, text=text)
    return _form_page(
        request,
        title=_("Your comment"),
        label=_("Your comment"),
        submit=_("Comment"),
        action=action,
        post=post,
        text=text,
        errors=error.message_dict,
        quoted=quoted,
    )


@require_GET
def thread(request, post_id: int):
    """The thread of a post and its comment form, as an HTML fragment for the feed."""
    post = services.get_post(request.user, post_id)
    return render(request, "comments/fragment.html", thread_context(request, post))


@require_POST
@rate_limit("comment")
def add(request, post_id: int):
    post = services.get_post(request.user, post_id)
    text = request.POST.get("text", "")
    parent = None
    try:
        if request.POST.get("parent"):
            parent = Comment.objects.filter(
                pk=int(request.POST["parent"]) if request.POST["parent"].isdigit() else 0,
                post=post,
            ).first()
            if parent is None:
                raise ValidationError({"parent": [_("There is no such comment on this post.")]})
        comment = services.add_comment(request.user, post, text, parent=parent)
    except ValidationError as error:
        return _invalid(request, post, error, text, request.path)
    return _done(request, post, comment, _("Your comment is posted."))


@require_http_methods(["GET", "POST"])
@rate_limit("comment")
def reply(request, pk: int):
    parent = services.get_comment(request.user, pk)
    post = parent.post
    text = request.POST.get("text", "")
    if request.method == "POST":
        try:
            comment = services.add_comment(request.user, post, text, parent=parent)
        except ValidationError as error:
            return _invalid(request, post, error, text, request.path, quoted=parent)
        return _done(request, post, comment, _("Your reply is posted."))
    return _form_page(
        request,
        title=_("Reply"),
        label=_("Your reply"),
        submit=_("Reply"),
        action=request.path,
        post=post,
        text="",
        errors={},
        quoted=parent,
    )


@require_http_methods(["GET", "POST"])
@rate_limit("comment")
def edit(request, pk: int):
    comment = services.get_comment(request.user, pk)
    post = comment.post
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
            return _done(request, post, comment, _("Your comment is saved."))
    return _form_page(
        request,
        title=_("Edit your comment"),
        label=_("Your comment"),
        submit=_("Save"),
        action=request.path,
        post=post,
        text=text,
        errors=errors,
    )


@require_POST
@rate_limit("comment")
def delete(request, pk: int):
    comment = services.get_comment(request.user, pk)
    post = comment.post
    services.delete_comment(request.user, comment)
    post.refresh_from_db(fields=["comment_count"])
    return _done(request, post, None, _("The comment is deleted."))
