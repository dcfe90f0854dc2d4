"""Account pages: log in and out, reset a password, choose the language, manage an API
token and reset the personal feed link."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from portal.accounts import feed_tokens, lockout
from portal.accounts.forms import (
    EmailAuthenticationForm,
    LanguageForm,
    PasswordResetForm,
    ThemeForm,
)
from portal.accounts.services import set_preferred_language
from portal.ratelimit import rate_limit


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    rate_limit_scope = "login"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        seconds = lockout.refused_seconds(self.request)
        if seconds:
            # A locked account answers like a rate limit, which clients know how to wait for.
            response.status_code = 429
            response["Retry-After"] = str(seconds)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    rate_limit_scope = "password_reset"
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        # Proving one owns the mailbox ends a lockout at once.
        lockout.clear(form.user.get_username())
        return super().form_valid(form)


def settings_page(request):
    """The user's own settings: interface language and API token."""
    token = Token.objects.filter(user=request.user).first()
    form = LanguageForm(initial={"language": request.user.preferred_language})
    theme_form = ThemeForm(initial={"theme": request.user.theme})
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "theme_form": theme_form, "token": token},
    )


def _next_url(request) -> str:
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return "/"
    return next_url


@require_POST
def set_theme(request):
    """Save the person's colour scheme (light, dark, or the system's)."""
    form = ThemeForm(request.POST)
    if not form.is_valid():
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"theme": form.errors["theme"]}, status=400)
        messages.error(request, _("This colour scheme is not available."))
        return redirect(_next_url(request))
    theme = form.cleaned_data["theme"]
    # request.user is a lazy wrapper: type() of it is not the model.
    get_user_model().objects.filter(pk=request.user.pk).update(theme=theme)
    request.user.theme = theme
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"theme": theme})
    return HttpResponseRedirect(_next_url(request))


@require_POST
def set_language(request):
    """Save the chosen language on the profile (or in a cookie before login)."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if not form.is_valid():
        messages.error(request, _("This language is not available."))
        return redirect(next_url)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        set_preferred_language(request.user, language)
    response = HttpResponseRedirect(next_url)
    if language:
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


set_language_public = login_not_required(set_language)


@require_POST
@rate_limit("token")
def regenerate_token(request):
    Token.objects.filter(user=request.user).delete()
    Token.objects.create(user=request.user)
    messages.success(request, _("A new API token was created; the old one no longer works."))
    return redirect("account_settings")


@require_POST
def revoke_token(request):
    Token.objects.filter(user=request.user).delete()
    messages.success(request, _("Your API token was revoked."))
    return redirect("account_settings")


@require_POST
@rate_limit("feed_token")
def reset_feed_token(request):
    """Make a new personal feed token: feed links with the old one stop working. Back to
    ``next`` (the page the person came from, on this site) or to their settings."""
    feed_tokens.reset(request.user)
    messages.success(
        request,
        _(
            "Your personal feed link was reset: update it in your feed reader; "
            "the old one no longer works."
        ),
    )
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("account_settings")
    return redirect(next_url)


def modeoff_page(request):
    """The person's mode off: working days and hours, time zone, the off switch (with
    "switch off now until tomorrow"), read receipts. Dates are typed and shown in the
    person's time zone; the company's floor is explained, and never widened."""
    from django.utils import timezone as tz

    from portal import modeoff
    from portal.accounts import modeoff_forms

    user = getattr(request.user, "_wrapped", request.user)
    company = modeoff.policy()
    zone = modeoff_forms.zone_for(user, company)
    status = 200
    with tz.override(zone):
        if request.method == "POST":
            action = request.POST.get("action", "save")
            if action == "off_tomorrow":
                modeoff_forms.switch_off_until_tomorrow(user)
                messages.success(request, _("You are off until your next working day."))
                return redirect("account_modeoff")
            if action == "on_now":
                modeoff_forms.switch_on(user)
                messages.success(request, _("You are back: the off switch is cleared."))
                return redirect("account_modeoff")
            form = modeoff_forms.ModeOffForm(request.POST, company=company)
            if form.is_valid():
                form.save(user)
                messages.success(request, _("Your working hours are saved."))
                return redirect("account_modeoff")
            status = 400
        else:
            form = modeoff_forms.ModeOffForm(
                initial=modeoff_forms.initial_for(user), company=company
            )
        state = modeoff.state(user)
        return render(
            request,
            "accounts/modeoff.html",
            {
                "form": form,
                "state": state,
                "state_text": modeoff.until_text(state),
                "floor": modeoff_forms.floor_description(company),
                "company": company,
                "zone": zone,
                "time_zones": modeoff_forms.time_zone_names(),
            },
            status=status,
        )
