"""The group form, the invitation form and the directory's search form."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plugins.groups import services
from plugins.groups.models import Group


class GroupForm(forms.Form):
    """Create or edit a group. The rules themselves live in the services, which the view
    calls; their errors come back onto the form's fields."""

    name = forms.CharField(label=_("Name"), max_length=Group._meta.get_field("name").max_length)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=Group._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the group is for, who should join."),
    )
    privacy = forms.ChoiceField(
        label=_("Privacy"),
        choices=Group.PRIVACY_CHOICES,
        initial=Group.PUBLIC,
        widget=forms.RadioSelect,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas, e.g. running, lyon, sport."),
    )
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )

    def __init__(
        self, *args, group: Group | None = None, can_change_privacy: bool = True, **kwargs
    ):
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": group.name,
                    "description": group.description,
                    "privacy": group.privacy,
                    "tags": ", ".join(sorted(tag.name for tag in group.tags.all())),
                    "cover": group.cover or None,
                },
            )
        super().__init__(*args, **kwargs)
        if group is not None and group.is_department_group:
            self.fields["name"].disabled = True
            self.fields["name"].help_text = _("A department group is named after its department.")
        if group is not None and (group.is_department_group or not can_change_privacy):
            self.fields["privacy"].disabled = True
            self.fields["privacy"].help_text = (
                _("The org chart decides who is in a department group.")
                if group.is_department_group
                else _("Only the group's owners change its privacy.")
            )

    def clean_tags(self):
        try:
            return services.clean_tags(self.cleaned_data["tags"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["tags"]) from error

    def clean_cover(self):
        """The new cover, checked and re-encoded (the service takes it as is); ``False``
        to remove the cover, None to keep it."""
        cover = self.cleaned_data.get("cover")
        if cover is False or not cover:
            return cover
        if cover == self.initial.get("cover"):
            return None
        return services.validate_cover(cover, field=None)


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Invite people"),
        max_length=5000,
        help_text=_("Their email addresses, separated by commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "groups-people"}),
    )

    def clean_emails(self):
        emails = []
        for part in self.cleaned_data["emails"].replace(";", ",").replace("\n", ",").split(","):
            email = part.strip().lower()
            if email and email not in emails:
                emails.append(email)
        if not emails:
            raise ValidationError(_("Enter at least one email address."))
        if len(emails) > services.MAX_INVITATIONS:
            raise ValidationError(
                _("At most %(max)d people at a time.") % {"max": services.MAX_INVITATIONS}
            )
        users = {
            user.email: user
            for user in get_user_model().objects.filter(email__in=emails, is_active=True)
        }
        unknown = [email for email in emails if email not in users]
        if unknown:
            raise ValidationError(
                _("No colleague with the address: %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return list(users.values())


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search groups"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=services.MAX_TAG_LENGTH)
