from django.urls import path

from plugins.comments import views

urlpatterns = [
    # A post's thread keeps its short names; every declared object has the same pair under
    # its API prefix (pages, initiatives...).
    path("posts/<int:object_id>/", views.thread, {"prefix": "posts"}, name="thread"),
    path("posts/<int:object_id>/add/", views.add, {"prefix": "posts"}, name="add"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/report/", views.report, name="report"),
    path("on/<slug:prefix>/<int:object_id>/", views.thread, name="target_thread"),
    path("on/<slug:prefix>/<int:object_id>/add/", views.add, name="target_add"),
]
