from rest_framework.permissions import IsAuthenticated
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from portal import visibility


class PortalPagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages API for logged-in employees, through the visibility policy.

    The policy replaces Wagtail's own restriction check (it is at least as strict: it
    also keeps password-protected pages out), and the base queryset is built once per
    request although Wagtail asks for it several times."""

    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        # A page type may load its related objects in bulk for API listings, so that a
        # listing costs the same queries whatever its length.
        queryset = super().get_queryset()
        optimise = getattr(queryset.model, "api_listing_queryset", None)
        return optimise(queryset) if optimise is not None else queryset

    def get_base_queryset(self):
        cached = getattr(self, "_portal_base_queryset", None)
        if cached is not None:
            return cached.all()
        queryset = visibility.filter_visible(self.request.user, Page.objects.all())
        site = self._requested_site()
        if site is None:  # no site configured: nothing to serve
            queryset = queryset.none()
        else:
            queryset = queryset.descendant_of(site.root_page, inclusive=True)
        self._portal_base_queryset = queryset
        return queryset.all()

    def _requested_site(self):
        from wagtail.api.validators import SiteFilterValidator

        try:
            return SiteFilterValidator(
                site=self.request.GET.get("site"), request=self.request
            ).site_obj
        except ValueError as error:
            raise BadRequestError(str(error)) from error
