from django.urls import path

from plugins.bookmarks import views

urlpatterns = [
    path("", views.my_bookmarks, name="list"),
    path("toggle/", views.toggle, name="toggle"),
]
