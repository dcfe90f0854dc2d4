"""The living style guide (/styleguide/, staff only): every component of the design
system rendered from its real template, in the light and the dark scheme and in both
languages, so that a plugin author copies from what the portal really draws."""

from __future__ import annotations

import datetime

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User

#: The colour tokens shown as swatches (portal.css and theme.css).
COLOUR_TOKENS = [
    "brand",
    "brand-strong",
    "brand-soft",
    "accent",
    "text",
    "muted",
    "bg",
    "surface",
    "surface-2",
    "border",
    "danger",
    "success",
    "warning",
    "focus",
]
TYPE_SCALE = ["xs", "sm", "md", "lg", "xl", "2xl", "3xl"]
SPACES = ["1", "2", "3", "4", "5", "6", "7", "8"]
RADII = ["sm", "md", "lg", "full"]
SHADOWS = ["1", "2", "3"]


class SampleForm(forms.Form):
    """A form as the portal draws one: a label, help, and an inline error."""

    title = forms.CharField(label=_("Title"), help_text=_("A short title people will see first."))
    audience = forms.ChoiceField(
        label=_("Audience"), choices=[("company", _("Everyone")), ("group", _("A group"))]
    )
    notify = forms.BooleanField(label=_("Notify the members"), required=False)


def _people() -> list[User]:
    """Unsaved people for the avatars (the style guide shows nobody's data)."""
    names = [("Emma", "Martin"), ("Lucas", "Bernard"), ("Chloé", "Dubois"), ("Hugo", "Thomas")]
    return [
        User(pk=index + 1, first_name=first, last_name=last, email=f"{first.lower()}@example.com")
        for index, (first, last) in enumerate(names)
    ]


def styleguide(request):
    if not request.user.is_staff:
        raise Http404
    # One pair of forms per rendering, so that no two fields share an id.
    forms_by_scheme, invalid = {}, {}
    for name in ("light", "dark", "fr"):
        forms_by_scheme[name] = SampleForm(prefix=f"sample-{name}")
        invalid[name] = SampleForm(
            data={f"invalid-{name}-title": "", f"invalid-{name}-audience": "company"},
            prefix=f"invalid-{name}",
        )
        invalid[name].is_valid()
    now = timezone.now()
    return render(
        request,
        "styleguide/index.html",
        {
            "colours": COLOUR_TOKENS,
            "type_scale": TYPE_SCALE,
            "spaces": SPACES,
            "radii": RADII,
            "shadows": SHADOWS,
            "people": _people(),
            "forms": forms_by_scheme,
            "invalid": invalid,
            "times": [
                now - datetime.timedelta(seconds=20),
                now - datetime.timedelta(minutes=12),
                now - datetime.timedelta(hours=2),
                now - datetime.timedelta(days=3),
                now - datetime.timedelta(days=40),
            ],
            "page": Paginator(range(60), 10).page(2),
            "tabs": [
                ("#tab-feed", _("Feed"), True),
                ("#tab-members", _("Members"), False),
                ("#tab-about", _("About"), False),
            ],
        },
    )
