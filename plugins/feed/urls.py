"""The feed's pages, mounted at /feed/ by the plugin contract."""

from plugins.feed import downloads, views, views_interactions

urlpatterns = [*downloads.urlpatterns, *views_interactions.urlpatterns, *views.urlpatterns]
