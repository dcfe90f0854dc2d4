from django.urls import path

from plugins.groups import views

urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.create, name="create"),
    path("invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/delete/", views.delete, name="delete"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/cancel-request/", views.cancel_request, name="cancel_request"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/follow/", views.follow, name="follow"),
    path("<slug:slug>/invitation/accept/", views.accept_invitation, name="accept_invitation"),
    path("<slug:slug>/invitation/decline/", views.decline_invitation, name="decline_invitation"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/invite/", views.invite, name="invite"),
    path("<slug:slug>/members/<int:user_id>/role/", views.change_role, name="change_role"),
    path("<slug:slug>/members/<int:user_id>/remove/", views.remove_member, name="remove_member"),
    path(
        "<slug:slug>/requests/<int:request_id>/<str:decision>/",
        views.answer_request,
        name="answer_request",
    ),
]
