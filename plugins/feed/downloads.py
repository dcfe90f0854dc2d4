"""Attachment downloads, always through the visibility policy. (helper "posts")

Attachments live on the private storage and are only served here: 404 for anyone who may
not see the post (a removed member at once, since the policy reads memberships on every
request), the same 404 as for an attachment that never existed or whose file is gone.
Images whose content confirms their stored format are shown inline, every other file is a
download, and neither can run as a page of the portal (:func:`portal.files.file_response`:
``nosniff``, a sandboxing content security policy, never an HTML type).
"""

from django.http import Http404
from django.urls import path
from django.views.decorators.http import require_safe

from plugins.feed.models import Attachment
from portal import files, visibility

#: The largest primary key a database stores (anything above is a missing attachment).
MAX_PK = 2**63 - 1


@require_safe
def attachment(request, pk: int):
    found = (
        Attachment.objects.select_related("post").filter(pk=pk).first() if pk <= MAX_PK else None
    )
    if found is None or not visibility.can_view(request.user, found):
        raise Http404
    handle = files.open_stored(found.file.storage, found.file.name)
    return files.file_response(
        handle,
        stored_name=found.file.name,
        download_name=found.name,
        content_type=found.content_type,
    )


urlpatterns = [path("attachments/<int:pk>/", attachment, name="attachment")]
