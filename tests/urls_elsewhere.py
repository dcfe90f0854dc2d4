"""A urlconf where people's profiles live elsewhere (tests of ``portal.links``)."""

from django.http import HttpResponse
from django.urls import include, path


def profile(request, pk):
    return HttpResponse(str(pk))


people = ([path("someone/<int:pk>/", profile, name="by_user")], "people")
urlpatterns = [path("elsewhere/", include(people, namespace="people"))]
