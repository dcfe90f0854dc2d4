"""The group form, the invitation form and the directory's search form."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plugins.groups import services
from plugins.groups.models import Group
from portal import avatars


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


class AccountIdsField(forms.Field):
    """The ids of accounts, one per value of the field (the hidden inputs of the person
    picker); repeated ids count once."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        ids: list[int] = []
        for part in value:
            text = str(part).strip()
            if not text.isdigit() or len(text) > 18 or int(text) < 1:
                raise ValidationError(_("Not an account id: %(value)s.") % {"value": text[:20]})
            if int(text) not in ids:
                ids.append(int(text))
        return ids


class InviteForm(forms.Form):
    """Whom to invite: people chosen with the person picker (``user_ids``), or email
    addresses typed in (the form without JavaScript, and older clients). Only people the
    inviter may see count; anyone else is "no colleague", as if they did not exist."""

    user_ids = AccountIdsField(label=_("People to invite"), required=False)
    emails = forms.CharField(
        label=_("Invite people"),
        required=False,
        max_length=5000,
        help_text=_(
            "Type a name and choose the person, or type email addresses separated by commas."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, inviter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter

    def _visible_people(self):
        from portal import visibility

        return visibility.filter_visible(
            self.inviter, get_user_model().objects.filter(is_active=True)
        ).select_related("department")

    def clean_user_ids(self):
        ids = self.cleaned_data["user_ids"]
        if len(ids) > services.MAX_INVITATIONS:
            raise ValidationError(
                _("At most %(max)d people at a time.") % {"max": services.MAX_INVITATIONS}
            )
        found = self._visible_people().in_bulk(ids) if ids else {}
        unknown = [str(pk) for pk in ids if pk not in found]
        if unknown:
            raise ValidationError(
                _("No colleague with the id(s): %(ids)s.") % {"ids": ", ".join(unknown)}
            )
        return [found[pk] for pk in ids]

    def clean_emails(self):
        emails = []
        for part in self.cleaned_data["emails"].replace(";", ",").replace("\n", ",").split(","):
            email = part.strip().lower()
            if email and email not in emails:
                emails.append(email)
        if len(emails) > services.MAX_INVITATIONS:
            raise ValidationError(
                _("At most %(max)d people at a time.") % {"max": services.MAX_INVITATIONS}
            )
        users = (
            {user.email.lower(): user for user in self._visible_people().filter(email__in=emails)}
            if emails
            else {}
        )
        unknown = [email for email in emails if email not in users]
        if unknown:
            raise ValidationError(
                _("No colleague with the address: %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return [users[email] for email in emails]

    def clean(self):
        cleaned = super().clean()
        if "user_ids" in cleaned and "emails" in cleaned:
            people = {user.pk: user for user in cleaned["user_ids"] + cleaned["emails"]}
            if not people:
                self.add_error("emails", _("Choose at least one person or enter an email address."))
            elif len(people) > services.MAX_INVITATIONS:
                self.add_error(
                    "emails",
                    _("At most %(max)d people at a time.") % {"max": services.MAX_INVITATIONS},
                )
            cleaned["people"] = list(people.values())
        return cleaned

    def chosen_people(self) -> list:
        """The people chosen in the picker whom the inviter may see, to show them again as
        chips when the form comes back with an error (ids refused are left out)."""
        if not self.is_bound:
            return []
        values = self.data.getlist("user_ids") if hasattr(self.data, "getlist") else []
        ids = [int(v) for v in values if str(v).isdigit() and len(str(v)) <= 18]
        people = self._visible_people().select_related(*avatars.related())
        found = people.in_bulk(ids) if ids else {}
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

    def picker_errors(self) -> list[str]:
        return [*self.errors.get("user_ids", []), *self.errors.get("emails", [])]


class DirectorySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search groups"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=services.MAX_TAG_LENGTH)
