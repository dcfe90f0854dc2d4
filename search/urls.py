"""/search/: the results page (the API lives under /api/search/, see ``search.api``)."""

from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.results, name="results"),
]
