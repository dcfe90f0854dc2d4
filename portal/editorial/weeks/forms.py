"""The form employees fill in on a week's page to submit an initiative."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.editorial.weeks import services
from portal.editorial.weeks.models import Initiative


class InitiativeForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=Initiative._meta.get_field("title").max_length
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=Initiative._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you did or plan to do, and how colleagues can join in."),
    )
    # A plain file field: the services check the content (Pillow) and the format.
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("Optional. A JPEG, PNG or WebP image of 5 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            # Checked and re-encoded once here; the service takes the clean image as is.
            return services.validate_photo(photo)
        return photo
