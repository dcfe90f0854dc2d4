from rest_framework.permissions import IsAuthenticated
from wagtail.api.v2.views import PagesAPIViewSet

from portal import visibility


class PortalPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages API for logged-in employees, through the visibility policy."""

    permission_classes = [IsAuthenticated]

    def get_base_queryset(self):
        return visibility.filter_visible(self.request.user, super().get_base_queryset())
