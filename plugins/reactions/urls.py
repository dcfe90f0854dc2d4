from django.urls import path

from plugins.reactions import views

urlpatterns = [
    path("<int:content_type_id>/<int:object_id>/", views.react, name="react"),
    path("<int:content_type_id>/<int:object_id>/people/", views.people, name="people"),
]
