"""Attachment downloads, always through the visibility policy. (helper "posts")"""

urlpatterns = []
