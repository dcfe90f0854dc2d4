"""URL configuration of /api/: the core's endpoints, every plugin's ``register_api``,
Wagtail's pages API, the OpenAPI schema and its interactive docs."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail.api.v2.router import WagtailAPIRouter

from portal.api import core
from portal.api import modeoff as modeoff_api
from portal.api.errors import api_not_found
from portal.api.pages import PortalPagesAPIViewSet
from portal.api.routers import PortalRouter
from portal.editorial.learning import api as learning_api
from portal.editorial.news import api as news_api
from portal.editorial.resources import api as resources_api
from portal.editorial.weeks import api as weeks_api
from portal.editorial.wellness import api as wellness_api
from portal.plugins import plugin_submodules
from search import api as search_api

#: The core's own API modules; plugins are found through the contract below.
CORE_API_MODULES = [
    core,
    news_api,
    learning_api,
    wellness_api,
    weeks_api,
    resources_api,
    search_api,
]

router = PortalRouter()
for module in CORE_API_MODULES:
    module.register_api(router)
for _config, module in plugin_submodules("api"):
    module.register_api(router)

wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", PortalPagesAPIViewSet)

urlpatterns = [
    path("v2/", wagtail_api.urls),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs are a page for people: visitors who are not logged in go to the login form.
    # "Split": Swagger UI's start-up script is a file of its own (?script), not inline code.
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("me/", core.MeView.as_view(), name="api-me"),
    path("me/modeoff/", modeoff_api.ModeOffView.as_view(), name="api-me-modeoff"),
    path("auth/token/", core.TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
    path("<path:unknown>", api_not_found),
]
