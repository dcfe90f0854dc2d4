"""Mode off over a real websocket (daphne serving the portal, a real client): nothing is
pushed to the live badge of someone who is off; at the start of their hours the summary
run pushes once, and the badge counts what was held plus the summary. The clock is frozen
(time-machine moves it for the server's threads too)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plugins.notifications import summaries
from portal.accounts.models import WorkingHours
from portal.notifications import notify
from tests.realtime.test_live_notifications import in_server, make_post, open_socket

pytestmark = pytest.mark.django_db(transaction=True)

PARIS = ZoneInfo("Europe/Paris")
MONDAY_20 = dt.datetime(2026, 12, 7, 20, 0, tzinfo=PARIS)
TUESDAY_9 = dt.datetime(2026, 12, 8, 9, 0, tzinfo=PARIS)


def test_nothing_is_pushed_while_off_then_one_push_with_the_summary(
    asgi_server, employee, colleague
):
    WorkingHours.objects.create(user=employee, time_zone="Europe/Paris")
    post = make_post(colleague)
    with time_machine.travel(MONDAY_20) as clock:
        socket = open_socket(asgi_server, employee)
        try:
            assert socket.receive_json() == {"type": "unread", "unread": 0}
            for _ in range(2):
                in_server(
                    asgi_server,
                    lambda: notify("mention", [employee], actor=colleague, target=post, url="/"),
                )
            in_server(
                asgi_server,
                lambda: notify("comment", [employee], actor=colleague, target=post, url="/"),
            )
            assert in_server(asgi_server, summaries.deliver_due) == 0
            clock.move_to(TUESDAY_9 + dt.timedelta(seconds=5))
            assert in_server(asgi_server, summaries.deliver_due) == 1
            # The first thing the badge hears: what was held (2 lines) and the summary.
            assert socket.receive_json() == {"type": "unread", "unread": 3}
            assert in_server(asgi_server, summaries.deliver_due) == 0
            # Nothing else was queued for it: the next push is the next notification's.
            in_server(
                asgi_server,
                lambda: notify("reaction", [employee], actor=colleague, target=post, url="/"),
            )
            assert socket.receive_json() == {"type": "unread", "unread": 4}
        finally:
            socket.close()


def test_an_urgent_override_is_pushed_at_once(asgi_server, employee, colleague):
    from django.contrib.auth.models import Group

    from portal import modeoff
    from portal.core.models import ModeOffPolicy

    WorkingHours.objects.create(user=employee, time_zone="Europe/Paris")
    on_call = Group.objects.create(name="On call")
    company = ModeOffPolicy.objects.create()
    company.override_groups.add(on_call)
    colleague.groups.add(on_call)
    post = make_post(colleague)
    with time_machine.travel(MONDAY_20):
        socket = open_socket(asgi_server, employee)
        try:
            assert socket.receive_json() == {"type": "unread", "unread": 0}

            def urgent():
                override = modeoff.record_override(colleague, [employee], "Outage", post)
                notify(
                    "mention", [employee], actor=colleague, target=post, url="/", urgent=override
                )

            in_server(asgi_server, urgent)
            assert socket.receive_json() == {"type": "unread", "unread": 1}
        finally:
            socket.close()
