"""The person's side of mode off, as one form that the settings page and the API
(``/api/me/modeoff/``) both validate with: working days and hours, time zone, the manual
switch, the read receipts opt-out.

Validation says, per field and in the person's language, what is wrong, and refuses to
widen the company's floor rather than silently narrowing what people typed: they must
know their hours are not what they asked for. Nothing is saved unless everything is valid.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import available_timezones

from django import forms
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portal import modeoff
from portal.accounts.models import WEEKDAYS, WorkingHours, validate_time_zone

#: The furthest ahead one may switch off by hand.
MAX_OFF = dt.timedelta(days=366)

FIELDS = ["time_zone", "days", "start", "end", "off_until", "show_read_receipts"]


@lru_cache(maxsize=1)
def time_zone_names() -> list[str]:
    return sorted(available_timezones())


def day_names(days: str) -> str:
    labels = dict(WEEKDAYS)
    return ", ".join(str(labels[day]) for day in days if day in labels)


def floor_description(company) -> dict:
    """The company's floor, for the page and the API."""
    start = company.earliest_start or dt.time(0, 0)
    end = company.latest_end
    return {
        "enabled": company.enabled,
        "earliest_start": start.strftime("%H:%M"),
        "latest_end": end.strftime("%H:%M") if end else "24:00",
        "days": [int(day) for day in company.days],
        "day_names": day_names(company.days),
        "time_zone": modeoff.company_zone(company).key,
    }


class ModeOffForm(forms.Form):
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        validators=[validate_time_zone],
        help_text=_("For example Europe/Paris. Empty: the company's time zone."),
        widget=forms.TextInput(attrs={"list": "modeoff-time-zones", "autocomplete": "off"}),
    )
    days = forms.MultipleChoiceField(
        label=_("Working days"),
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.TimeField(
        label=_("Start of the day"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("End of the day"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    off_until = forms.DateTimeField(
        label=_("Off until"),
        required=False,
        help_text=_("Holidays, an afternoon: nothing reaches you until then. Empty: not off."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "iso-8601"],
    )
    show_read_receipts = forms.BooleanField(
        label=_("Show and see read receipts in conversations"), required=False
    )

    def __init__(self, *args, company=None, at=None, **kwargs):
        self.company = company or modeoff.policy()
        self.at = at or timezone.now()
        super().__init__(*args, **kwargs)

    def clean_off_until(self):
        value = self.cleaned_data.get("off_until")
        if value is None:
            return None
        if value <= self.at:
            raise forms.ValidationError(_("Choose a moment in the future."), code="past")
        if value > self.at + MAX_OFF:
            raise forms.ValidationError(_("Choose a date within a year."), code="too_far")
        return value

    def clean_days(self):
        days = "".join(sorted(set(self.cleaned_data.get("days") or [])))
        allowed = set(self.company.days)
        closed = [day for day in days if day not in allowed]
        if closed:
            raise forms.ValidationError(
                _("The company does not allow work on %(days)s.") % {"days": day_names(closed)},
                code="floor",
            )
        if not days:
            raise forms.ValidationError(_("Choose at least one working day."), code="required")
        return days

    def clean_start(self):
        start = self.cleaned_data.get("start")
        floor = self.company.earliest_start or dt.time(0, 0)
        if start is not None and start < floor:
            raise forms.ValidationError(
                _("The company's day starts at %(time)s: choose %(time)s or later.")
                % {"time": formats.time_format(floor, "TIME_FORMAT")},
                code="floor",
            )
        return start

    def clean_end(self):
        end = self.cleaned_data.get("end")
        floor = self.company.latest_end
        if end is not None and floor is not None and end > floor:
            raise forms.ValidationError(
                _("The company's day ends at %(time)s: choose %(time)s or earlier.")
                % {"time": formats.time_format(floor, "TIME_FORMAT")},
                code="floor",
            )
        return end

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", _("The end of the day must come after its start."))
        return cleaned

    def save(self, user) -> WorkingHours:
        """Store everything at once (the form is valid), then re-hold what is held."""
        data = self.cleaned_data
        with transaction.atomic():
            hours, _created = WorkingHours.objects.select_for_update().get_or_create(user=user)
            was_off = hours.off_until
            hours.time_zone = data["time_zone"]
            hours.days = data["days"]
            hours.start = data["start"]
            hours.end = data["end"]
            hours.off_until = data["off_until"]
            if hours.off_until and hours.off_until != was_off:
                hours.off_since = self.at
            elif not hours.off_until:
                hours.off_since = None
            hours.show_read_receipts = data["show_read_receipts"]
            hours.save()
            modeoff.changed(user, self.at)
        return hours


def initial_for(user) -> dict:
    """The form's values for ``user``: their hours, or the defaults within the floor."""
    hours = WorkingHours.objects.filter(user=user).first() or WorkingHours(user=user)
    return {
        "time_zone": hours.time_zone,
        "days": list(hours.days),
        "start": hours.start,
        "end": hours.end,
        "off_until": hours.off_until,
        "show_read_receipts": hours.show_read_receipts,
    }


def zone_for(user, company=None) -> dt.tzinfo:
    """The time zone ``user``'s dates are typed and shown in."""
    hours = WorkingHours.objects.filter(user=user).only("time_zone").first()
    return (hours and modeoff.zone_named(hours.time_zone)) or modeoff.company_zone(company)


def tomorrow_start(user, at=None) -> dt.datetime:
    """ "Switch off now until tomorrow 9:00": the start of their first working day after
    today (the next start after the end of today, in their time zone)."""
    at = at or timezone.now()
    zone = zone_for(user)
    local = at.astimezone(zone)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), zone)
    from portal.accounts.models import WorkingHours as Hours

    plan = modeoff.schedule(modeoff.policy(), Hours.objects.filter(user=user).first())
    return modeoff._next_working_start(
        modeoff.Schedule(plan.zone, plan.days or frozenset(range(1, 8)), plan.start, plan.end),
        midnight,
    )


def switch_off_until_tomorrow(user, at=None) -> WorkingHours:
    at = at or timezone.now()
    with transaction.atomic():
        hours, _created = WorkingHours.objects.select_for_update().get_or_create(user=user)
        hours.off_until = tomorrow_start(user, at)
        hours.off_since = at
        hours.save(update_fields=["off_until", "off_since", "updated_at"])
        modeoff.changed(user, at)
    return hours


def switch_on(user, at=None) -> None:
    at = at or timezone.now()
    WorkingHours.objects.filter(user=user).update(off_until=None, off_since=None)
    modeoff.changed(user, at)
