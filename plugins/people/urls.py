"""The people pages, mounted at /people/ by the plugin contract."""

from plugins.people import hovercard, orgchart_views, views

urlpatterns = [*orgchart_views.urlpatterns, *hovercard.urlpatterns, *views.urlpatterns]
