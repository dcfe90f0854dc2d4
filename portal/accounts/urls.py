from django.contrib.auth import views as auth_views
from django.urls import path

from portal.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("settings/", views.settings_page, name="account_settings"),
    path("mode-off/", views.modeoff_page, name="account_modeoff"),
    path("language/", views.set_language_public, name="set_language"),
    path("theme/", views.set_theme, name="account_theme"),
    path("token/regenerate/", views.regenerate_token, name="account_token_regenerate"),
    path("token/revoke/", views.revoke_token, name="account_token_revoke"),
    path("feed-token/reset/", views.reset_feed_token, name="account_feed_token_reset"),
]
