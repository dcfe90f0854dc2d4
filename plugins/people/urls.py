"""The people pages, mounted at /people/ by the plugin contract."""

from plugins.people import orgchart_views, views

urlpatterns = [*orgchart_views.urlpatterns, *views.urlpatterns]
