"""``/api/me/modeoff/``: the signed-in person's mode off, for headless clients.

GET gives their state now, their settings and the company's floor; PUT replaces the
settings, PATCH changes some of them. Validation is the settings page's own form
(:mod:`portal.accounts.modeoff_forms`): the same messages, per field, in the person's
language, the floor never widened, and nothing saved unless everything is valid."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import modeoff
from portal.accounts import modeoff_forms
from portal.api import fields as api_fields


class StateSerializer(serializers.Serializer):
    off = serializers.BooleanField()
    since = serializers.DateTimeField(allow_null=True)
    until = serializers.DateTimeField(allow_null=True, help_text="Back at; set whenever off.")
    reason = serializers.ChoiceField(choices=["", modeoff.HOURS, modeoff.MANUAL])


class SettingsSerializer(serializers.Serializer):
    """What a person sets. Times are "HH:MM" on the wall clock of ``time_zone``;
    ``off_until`` is ISO 8601 (without an offset: in ``time_zone``), or null."""

    time_zone = serializers.CharField(allow_blank=True, max_length=64)
    days = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        help_text="ISO weekdays: 1 is Monday, 7 Sunday.",
    )
    start = serializers.RegexField(
        r"^([01][0-9]|2[0-3]):[0-5][0-9]$", help_text="HH:MM, on the wall clock of time_zone."
    )
    end = serializers.RegexField(
        r"^([01][0-9]|2[0-3]):[0-5][0-9]$", help_text="HH:MM, after start."
    )
    off_until = api_fields.DateTimeField(allow_null=True)
    show_read_receipts = serializers.BooleanField()


class FloorSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    earliest_start = serializers.CharField()
    latest_end = serializers.CharField()
    days = serializers.ListField(child=serializers.IntegerField())
    day_names = serializers.CharField()
    time_zone = serializers.CharField()


class ModeOffSerializer(serializers.Serializer):
    state = StateSerializer()
    settings = SettingsSerializer()
    floor = FloorSerializer()
    read_receipts = serializers.BooleanField(
        help_text="Whether read receipts are on for you (the company's switch and yours)."
    )


def _settings_json(user) -> dict:
    initial = modeoff_forms.initial_for(user)
    zone = modeoff_forms.zone_for(user)
    return {
        "time_zone": initial["time_zone"],
        "days": [int(day) for day in initial["days"]],
        "start": initial["start"].strftime("%H:%M"),
        "end": initial["end"].strftime("%H:%M"),
        "off_until": initial["off_until"].astimezone(zone).isoformat()
        if initial["off_until"]
        else None,
        "show_read_receipts": initial["show_read_receipts"],
    }


def _form_data(raw, user, partial: bool) -> tuple[dict, dict]:
    """The request's JSON as the form's data (PATCH: the current values for the rest),
    and the shape errors the form would not word well (a list expected...)."""
    errors: dict = {}
    if not isinstance(raw, dict):
        return {}, {"non_field_errors": [_invalid_body()]}
    current = _settings_json(user) if partial else {}
    data = {}
    for name in modeoff_forms.FIELDS:
        if name in raw:
            value = raw[name]
        elif partial:
            value = current[name]
        else:
            value = None
        if name == "days":
            if value is None:
                value = []
            if not isinstance(value, list) or len(value) > 7:
                errors["days"] = [_list_expected()]
                continue
            value = [str(day) for day in value if isinstance(day, int | str)]
        elif name == "show_read_receipts":
            if value is not None and not isinstance(value, bool):
                errors[name] = [_boolean_expected()]
                continue
            value = "on" if value else ""
        elif value is None:
            value = ""
        elif not isinstance(value, str):
            errors[name] = [_text_expected()]
            continue
        data[name] = value
    return data, errors


def _invalid_body():
    from django.utils.translation import gettext as _

    return _("Send a JSON object.")


def _list_expected():
    from django.utils.translation import gettext as _

    return _("A list of weekdays from 1 (Monday) to 7 (Sunday) is expected.")


def _boolean_expected():
    from django.utils.translation import gettext as _

    return _("true or false is expected.")


def _text_expected():
    from django.utils.translation import gettext as _

    return _("Text is expected.")


class ModeOffView(APIView):
    """The signed-in person's mode off: their state now, their working hours and off
    switch, the company's floor. PUT replaces the settings, PATCH changes some of them;
    a value the company's floor does not allow is refused (400, naming the field)."""

    serializer_class = ModeOffSerializer

    def _body(self, user) -> dict:
        company = modeoff.policy()
        return {
            "state": modeoff.state(user).as_json(),
            "settings": _settings_json(user),
            "floor": modeoff_forms.floor_description(company),
            "read_receipts": modeoff.receipts_enabled(user),
        }

    @extend_schema(responses=ModeOffSerializer)
    def get(self, request):
        return Response(self._body(getattr(request.user, "_wrapped", request.user)))

    @extend_schema(request=SettingsSerializer, responses=ModeOffSerializer)
    def put(self, request):
        return self._save(request, partial=False)

    @extend_schema(request=SettingsSerializer(partial=True), responses=ModeOffSerializer)
    def patch(self, request):
        return self._save(request, partial=True)

    def _save(self, request, partial: bool):
        user = getattr(request.user, "_wrapped", request.user)
        data, errors = _form_data(request.data, user, partial)
        if errors:
            raise serializers.ValidationError(errors)
        with timezone.override(_zone_of(data, user)):
            form = modeoff_forms.ModeOffForm(data)
            if not form.is_valid():
                raise serializers.ValidationError(
                    {name: [str(e) for e in errs] for name, errs in form.errors.items()}
                )
            form.save(user)
        return Response(self._body(user))


def _zone_of(data, user):
    """Dates without an offset are read in the time zone being saved (else the current)."""
    return modeoff.zone_named(data.get("time_zone")) or modeoff_forms.zone_for(user)
