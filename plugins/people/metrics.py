"""Adoption KPIs of the people plugin: how far employees have filled in their profiles."""

from django.utils.translation import gettext_lazy as _

from plugins.people.completeness import by_department
from plugins.people.models import Profile
from portal.metrics import Metric


def collect_metrics() -> list[Metric]:
    # The same aggregate HR sees per department (one query whatever the number of people),
    # over active accounts only: people who left do not count against adoption.
    total, _rows = by_department(Profile.objects.filter(user__is_active=True))
    return [
        Metric("people.profiles", _("Profiles of active employees"), total.people),
        Metric("people.complete", _("Complete profiles"), total.complete),
        Metric("people.completeness", _("Profile completeness (average, %)"), total.average),
        Metric(
            "people.with_photo",
            _("Profiles with a photo"),
            total.people - total.missing["photo"],
        ),
    ]
