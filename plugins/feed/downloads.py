"""Attachment downloads, always through the visibility policy. (helper "posts")

Attachments live on the private storage and are only served here: 404 for anyone who may
not see the post (a removed member at once, since the policy reads memberships on every
request). Images are shown inline, every other file is a download, and neither can run
as a page of the portal (``nosniff``, a sandboxing content security policy).
"""

from django.http import FileResponse, Http404
from django.urls import path
from django.views.decorators.http import require_safe

from plugins.feed.models import Attachment
from portal import visibility


@require_safe
def attachment(request, pk: int):
    found = Attachment.objects.select_related("post").filter(pk=pk).first()
    if found is None or not visibility.can_view(request.user, found):
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=not found.is_image,
        filename=found.name,
        content_type=found.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


urlpatterns = [path("attachments/<int:pk>/", attachment, name="attachment")]
