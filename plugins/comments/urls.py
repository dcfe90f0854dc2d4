from django.urls import path

from plugins.comments import views

urlpatterns = [
    path("posts/<int:post_id>/", views.thread, name="thread"),
    path("posts/<int:post_id>/add/", views.add, name="add"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
