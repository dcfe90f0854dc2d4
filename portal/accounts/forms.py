from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as BasePasswordResetForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from portal.accounts import lockout


def locked_error(seconds: int) -> forms.ValidationError:
    """The refusal of a locked account: the same words whether the account exists or not."""
    minutes = max(1, -(-seconds // 60))
    return forms.ValidationError(
        ngettext(
            "Too many failed attempts for this account. Try again in %(minutes)d minute, "
            "or reset your password.",
            "Too many failed attempts for this account. Try again in %(minutes)d minutes, "
            "or reset your password.",
            minutes,
        ),
        code="locked",
        params={"minutes": minutes},
    )


class LockoutMessageMixin:
    """Say that the account is locked, rather than that the password is wrong, when the
    lockout refused the login."""

    def get_invalid_login_error(self):
        seconds = lockout.refused_seconds(self.request)
        if seconds:
            return locked_error(seconds)
        return super().get_invalid_login_error()


class EmailAuthenticationForm(LockoutMessageMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class AdminLoginForm(LockoutMessageMixin, WagtailLoginForm):
    """Wagtail's login form (WAGTAILADMIN_USER_LOGIN_FORM) with the lockout's message."""


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("Same as my browser")), *settings.LANGUAGES],
        required=False,
    )


class ThemeForm(forms.Form):
    theme = forms.ChoiceField(
        label=_("Colour scheme"),
        choices=[("", _("Same as my system")), ("light", _("Light")), ("dark", _("Dark"))],
        required=False,
    )


class PasswordResetForm(BasePasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, *args, **kwargs):
        # The link in the email is on the portal's configured address (portal.links),
        # not on whatever host the request came through (a proxy's "localhost").
        from urllib.parse import urlsplit

        from portal import links

        address = urlsplit(links.site_url())
        kwargs["domain_override"] = address.netloc + address.path
        kwargs["use_https"] = address.scheme == "https"
        kwargs["extra_email_context"] = {
            "site_name": settings.WAGTAIL_SITE_NAME,
            **(kwargs.get("extra_email_context") or {}),
        }
        return super().save(*args, **kwargs)
