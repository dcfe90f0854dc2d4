"""The composer and the small forms of the post card. (helper "feedui")

The composer holds what every post has (audience, kind, text, files); the event and poll
fields are helper polls' ``EventFields`` / ``PollFields`` (prefixes ``event`` and
``poll``), bound alongside it. The rules live in :mod:`plugins.feed.services`: the forms
only carry what was typed back to the page with the errors next to the fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from plugins.feed import services
from plugins.feed.forms_interactions import EventFields, PollFields
from plugins.feed.models import Post

#: The raw fields handed to ``services.create_post`` as ``event`` / ``poll`` (unprefixed).
EVENT_FIELDS = ("title", "starts_at", "ends_at", "location", "online_url")
POLL_FIELDS = ("question", "options", "multiple", "anonymous", "closes_at")
POLL_FLAGS = ("multiple", "anonymous")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (the limits are checked by the posting service)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ComposerForm(forms.Form):
    audience = forms.ChoiceField(label=_("Audience"))
    kind = forms.ChoiceField(
        label=_("Kind of post"),
        choices=[c for c in Post.KIND_CHOICES if c[0] in Post.COMPOSED_KINDS],
        initial=Post.STATUS,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=20_000,
        help_text=_(
            "Type @ and a name to mention someone, # to add a hashtag. "
            "A blank line starts a new paragraph."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "data-mention-input": ""}),
    )
    files = MultipleFileField(label=_("Images and files"), required=False)

    def __init__(self, user, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = list(services.audience_choices(user))
        if group is not None:
            # A composer in a group's page posts to that group only.
            token = f"group:{group.pk}"
            choices = [c for c in choices if c[0] == token]
        self.fields["audience"].choices = _grouped(choices) if group is None else choices
        if choices:
            self.fields["audience"].initial = choices[0][0]
        if group is not None:
            self.fields["audience"].widget = forms.HiddenInput()


def _grouped(choices):
    """The company first, then departments and groups under their own headings (a
    department and its group often share a name)."""
    departments = [c for c in choices if c[0].startswith("dept:")]
    groups = [c for c in choices if c[0].startswith("group:")]
    grouped = [c for c in choices if c not in departments and c not in groups]
    if departments:
        grouped.append((_("Departments"), departments))
    if groups:
        grouped.append((_("Groups"), groups))
    return grouped


def extra_forms(data=None):
    """The event and poll fieldsets of the composer, bound to ``data`` when given."""
    return EventFields(data=data, prefix="event"), PollFields(data=data, prefix="poll")


def raw_values(data, prefix: str, names: tuple[str, ...]) -> dict:
    """What was typed in a prefixed fieldset, unprefixed, for the posting service."""
    values = {name: data.get(f"{prefix}-{name}", "").strip() for name in names}
    for flag in POLL_FLAGS:
        if flag in values:
            values[flag] = values[flag] not in ("", "0", "false", "off")
    return values


def apply_errors(error: ValidationError, composer: forms.Form, extras: dict) -> None:
    """Show a service's ``ValidationError`` next to the fields it names.

    ``extras`` maps a prefix (``event``, ``poll``) to its bound form; errors keyed
    ``"event"``, ``"event.title"``, ``"event-title"`` or a bare field name of that form
    land on it.
    """
    messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for key, errors in messages.items():
        form, name = _target(key, composer, extras)
        for message in errors:
            form.add_error(name, message)


def _target(key, composer, extras):
    if key in (None, "__all__", "non_field_errors"):
        return composer, None
    if key in composer.fields:
        return composer, key
    for prefix, form in extras.items():
        if key == prefix:
            return form, None
        for separator in (".", "-", "__"):
            if key.startswith(prefix + separator):
                name = key[len(prefix) + len(separator) :]
                return form, name if name in form.fields else None
    kind = composer.data.get("kind")
    form = extras.get(kind)
    if form is not None and key in form.fields:
        return form, key
    return composer, None


class ShareForm(forms.Form):
    """Where to share something (the company, a department, a group one belongs to) and
    the comment that goes with it (which may be empty)."""

    audience = forms.ChoiceField(label=_("Share with"))
    text = forms.CharField(
        label=_("Your comment"),
        required=False,
        max_length=20_000,
        help_text=_("Optional. Type @ and a name to mention someone, # to add a hashtag."),
        widget=forms.Textarea(attrs={"rows": 4, "data-mention-input": ""}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = list(services.audience_choices(user))
        self.fields["audience"].choices = _grouped(choices)
        if choices:
            self.fields["audience"].initial = choices[0][0]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Why should the moderators look at this post?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EditForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "data-mention-input": ""}),
    )
    files_to_add = MultipleFileField(label=_("Add images and files"), required=False)
    files_to_remove = forms.TypedMultipleChoiceField(
        label=_("Remove attachments"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, post, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files_to_remove"].choices = [(a.pk, a.name) for a in post.attachments.all()]
