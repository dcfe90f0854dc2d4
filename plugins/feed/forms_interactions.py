"""The composer's event and poll fields, as Django forms bound by the feed's composer.

The rules live in :mod:`plugins.feed.events` and :mod:`plugins.feed.polls`; these forms
only give them fields, labels and widgets, and put their errors on the right field. Their
``cleaned_data`` is exactly what ``save_event`` / ``save_poll`` take.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.feed import events, polls
from portal.inputs import validate_moment

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_field(label, *, required: bool, help_text=""):
    return forms.DateTimeField(
        label=label,
        validators=[validate_moment],
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class _RulesForm(forms.Form):
    """Runs a module's ``clean`` function over the fields and spreads its errors."""

    def rules(self, data: dict) -> dict:
        raise NotImplementedError

    def clean(self):
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        try:
            return self.rules(data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.add_error(None, error.messages)
                return self.cleaned_data
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
                elif field not in self.fields or field == NON_FIELD_ERRORS:
                    self.add_error(None, messages)
        return self.cleaned_data


class EventFields(_RulesForm):
    """What an event post adds to the text: a title, a time, a place or a link."""

    prefix = "event"

    title = forms.CharField(label=_("Event title"), max_length=events.TITLE_MAX)
    starts_at = _datetime_field(_("Starts"), required=True)
    ends_at = _datetime_field(_("Ends"), required=False)
    location = forms.CharField(label=_("Place"), max_length=events.LOCATION_MAX, required=False)
    online_url = forms.URLField(
        label=_("Online meeting link"),
        max_length=events.ONLINE_URL_MAX,
        required=False,
        assume_scheme="https",
        help_text=_("Optional: the address of the video call or the live stream."),
    )

    def __init__(self, *args, event=None, **kwargs):
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": event.title,
                "starts_at": timezone.localtime(event.starts_at),
                "ends_at": event.ends_at and timezone.localtime(event.ends_at),
                "location": event.location,
                "online_url": event.online_url,
            }
        super().__init__(*args, **kwargs)

    def rules(self, data: dict) -> dict:
        return events.clean_event(data)


class PollFields(_RulesForm):
    """What a poll post adds to the text: a question and its options."""

    prefix = "poll"

    question = forms.CharField(label=_("Question"), max_length=polls.QUESTION_MAX)
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One option per line, from 2 to 10."),
    )
    multiple = forms.BooleanField(label=_("Allow several answers"), required=False)
    anonymous = forms.BooleanField(
        label=_("Anonymous votes"),
        required=False,
        help_text=_("Nobody, not even you, will see who voted what."),
    )
    closes_at = _datetime_field(
        _("Closes"), required=False, help_text=_("Optional: votes stop at this time.")
    )

    def __init__(self, *args, poll=None, **kwargs):
        self.poll = poll
        if poll is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "question": poll.question,
                "options": "\n".join(option.label for option in poll.options.all()),
                "multiple": poll.multiple,
                "anonymous": poll.anonymous,
                "closes_at": poll.closes_at and timezone.localtime(poll.closes_at),
            }
        super().__init__(*args, **kwargs)

    def rules(self, data: dict) -> dict:
        return polls.clean_poll(data, poll=self.poll)
