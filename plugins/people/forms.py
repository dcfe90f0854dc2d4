"""The directory's search form (which also builds the directory's query, for the page and
the API alike), the profile edit form and the photo check."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.people.models import LanguageTag, Profile, SkillTag
from portal import files, visibility
from portal.accounts.models import Department, User

#: At most this many bytes for an uploaded photo.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: Pillow format names accepted for a photo.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
#: People who started within this many days are "new arrivals".
NEW_ARRIVAL_DAYS = 90


def validate_photo(upload) -> files.CleanImage:
    """``upload`` re-encoded under a safe name (:func:`portal.files.clean_image`), cropped
    to its centred square, upright (EXIF orientation applied first); raises
    ``ValidationError`` unless it is a JPEG, PNG or WebP of 5 MB at most."""
    return files.clean_image(
        upload,
        formats=PHOTO_FORMATS,
        max_bytes=MAX_PHOTO_BYTES,
        invalid_message=_("The photo must be a JPEG, PNG or WebP image."),
        too_large_message=_("The photo must be 5 MB or smaller."),
        # Shown square everywhere (profile, cards, org chart): cropped, never stretched.
        square=True,
    )


def visible_profiles(user) -> QuerySet[Profile]:
    """The profiles of the people ``user`` may see (the active ones), ready for listing:
    the account and department joined, skills and languages prefetched."""
    people = visibility.filter_visible(user, User.objects.all())
    return (
        Profile.objects.filter(user__in=people.values("pk"))
        .select_related("user", "user__department")
        .prefetch_related("skills", "languages")
    )


def new_arrivals_since() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=NEW_ARRIVAL_DAYS)


class DirectoryForm(forms.Form):
    """The directory's search and filters (?q, ?department, ?location, ?skill, ?new)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A name, job title, skill or department."),
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("lineage"),
        required=False,
        empty_label=_("All departments"),
    )
    location = forms.ChoiceField(label=_("Location"), required=False)
    skill = forms.CharField(label=_("Skill"), required=False, max_length=100)
    new = forms.BooleanField(label=_("New arrivals only"), required=False)

    def __init__(self, *args, free_location: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if free_location:
            # The API takes any location; the page offers the known ones.
            self.fields["location"] = forms.CharField(required=False, max_length=200)
            return
        locations = (
            Profile.objects.filter(user__is_active=True)
            .exclude(location="")
            .order_by("location")
            .values_list("location", flat=True)
            .distinct()
        )
        self.fields["location"].choices = [("", _("All locations"))] + [
            (name, name) for name in locations
        ]

    def clean_location(self) -> str:
        return self.cleaned_data.get("location", "")

    def filter(self, queryset: QuerySet[Profile]) -> QuerySet[Profile]:
        """``queryset`` narrowed by the valid filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        if data.get("q"):
            queryset = search(queryset, data["q"])
        if data.get("department"):
            queryset = queryset.filter(
                user__department__lineage__contains=f"/{data['department'].pk}/"
            )
        if data.get("location"):
            queryset = queryset.filter(location__iexact=data["location"])
        if data.get("skill"):
            queryset = queryset.filter(
                pk__in=SkillTag.objects.filter(tag__name__iexact=data["skill"].strip()).values(
                    "content_object_id"
                )
            )
        if data.get("new"):
            queryset = queryset.filter(start_date__gte=new_arrivals_since())
        return queryset


def search(queryset: QuerySet[Profile], text: str) -> QuerySet[Profile]:
    """People whose name, email, job title, skill or department matches every word."""
    for word in text.split()[:10]:
        tagged = SkillTag.objects.filter(tag__name__icontains=word).values("content_object_id")
        spoken = LanguageTag.objects.filter(tag__name__icontains=word).values("content_object_id")
        queryset = queryset.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(job_title__icontains=word)
            | Q(user__department__name__icontains=word)
            | Q(pk__in=tagged)
            | Q(pk__in=spoken)
        )
    return queryset


class ProfileForm(forms.ModelForm):
    """What people change on their own profile: :attr:`Profile.SELF_FIELDS` only."""

    class Meta:
        model = Profile
        fields = list(Profile.SELF_FIELDS)
        widgets = {
            "photo": forms.ClearableFileInput(
                # photo-preview.js shows the chosen file, square, in the form's picture.
                attrs={"accept": "image/jpeg,image/png,image/webp", "data-photo-input": ""}
            ),
            "bio": forms.Textarea(attrs={"rows": 5}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }
        help_texts = {
            "skills": _("Separate skills with commas."),
            "languages": _("Separate languages with commas."),
            "photo": _("JPEG, PNG or WebP, 5 MB at most."),
        }

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        upload = self.files.get(self.add_prefix("photo"))
        if photo and upload is not None:
            return validate_photo(upload)
        return photo

    def save(self, commit=True):
        # A replaced or removed photo goes once the change is committed.
        if "photo" in self.changed_data and self.initial.get("photo"):
            old = self.initial["photo"]
            files.delete_on_commit(old.storage, old.name)
        return super().save(commit)
