"""Mode off (portal/modeoff.py): who is off when, the company floor and the manual switch,
time zones and daylight saving, the hold in the notification service, the summary at the
start of hours (once), the urgent override and its log, read receipts, the metric.

Frozen clocks (time-machine) throughout: nothing here depends on when the suite runs."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from plugins.notifications import digest, services, summaries
from plugins.notifications.models import Notification, Preference
from portal import metrics, modeoff
from portal.accounts.models import WorkingHours
from portal.core.models import ModeOffPolicy, ModeOffSummary, UrgentOverride
from portal.notifications import DIGEST, notify
from tests.factories import make_user
from tests.sample_plugin.models import Note

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


# Monday 7 December 2026 (winter: Paris is UTC+1).
MONDAY_10 = paris(2026, 12, 7, 10, 0)
MONDAY_20 = paris(2026, 12, 7, 20, 0)
TUESDAY_9 = paris(2026, 12, 8, 9, 0)
FRIDAY_19 = paris(2026, 12, 11, 19, 0)
NEXT_MONDAY_9 = paris(2026, 12, 14, 9, 0)


def set_hours(user, days="12345", start=(9, 0), end=(18, 0), zone="Europe/Paris", **extra):
    return WorkingHours.objects.update_or_create(
        user=user,
        defaults={
            "days": days,
            "start": dt.time(*start),
            "end": dt.time(*end),
            "time_zone": zone,
            **extra,
        },
    )[0]


def set_floor(**fields):
    company = ModeOffPolicy.load()
    groups = fields.pop("override_groups", None)
    for name, value in fields.items():
        setattr(company, name, value)
    company.save()
    if groups is not None:
        company.override_groups.set(groups)
    return company


# --- Who is off when -------------------------------------------------------------------


def test_someone_who_set_no_hours_is_on_under_the_default_floor(employee):
    assert modeoff.state(employee, MONDAY_20) == modeoff.ON
    assert modeoff.next_start(employee, MONDAY_20) == MONDAY_20


def test_outside_hours_off_since_the_end_until_the_next_start(employee):
    set_hours(employee)
    assert modeoff.state(employee, MONDAY_10) == modeoff.ON
    evening = modeoff.state(employee, MONDAY_20)
    assert evening.off and evening.reason == modeoff.HOURS
    assert evening.since == paris(2026, 12, 7, 18, 0)
    assert evening.until == TUESDAY_9
    assert modeoff.next_start(employee, MONDAY_20) == TUESDAY_9
    weekend = modeoff.state(employee, FRIDAY_19)
    assert weekend.until == NEXT_MONDAY_9
    assert dt.datetime.fromisoformat(weekend.as_json()["until"]) == NEXT_MONDAY_9
    # The first minute is on, the end is off.
    assert not modeoff.state(employee, TUESDAY_9).off
    assert modeoff.state(employee, paris(2026, 12, 8, 18, 0)).off


def test_the_company_floor_wins_over_wider_hours(employee):
    set_hours(employee, days="1234567", start=(7, 0), end=(22, 0))
    set_floor(earliest_start=dt.time(8, 0), latest_end=dt.time(20, 0), days="123456")
    assert modeoff.state(employee, paris(2026, 12, 7, 19, 59)) == modeoff.ON
    late = modeoff.state(employee, MONDAY_20)
    assert late.off and late.until == paris(2026, 12, 8, 8, 0)
    # Sunday is closed for everyone: Saturday evening waits for Monday 8:00.
    sunday = modeoff.state(employee, paris(2026, 12, 13, 12, 0))
    assert sunday.off and sunday.until == paris(2026, 12, 14, 8, 0)


def test_the_floor_applies_to_people_who_set_no_hours(employee):
    set_floor(latest_end=dt.time(20, 0))
    assert modeoff.state(employee, MONDAY_20).until == paris(2026, 12, 8, 0, 0)


def test_the_manual_switch_wins_even_during_hours(employee):
    set_hours(employee, off_until=paris(2026, 12, 9, 12, 0), off_since=MONDAY_10)
    state = modeoff.state(employee, paris(2026, 12, 7, 11, 0))
    assert state.off and state.reason == modeoff.MANUAL
    assert state.since == MONDAY_10
    assert state.until == paris(2026, 12, 9, 12, 0)  # back mid-morning, in their hours
    # Off until Friday evening: back on Monday morning.
    set_hours(employee, off_until=paris(2026, 12, 11, 20, 0))
    assert modeoff.state(employee, MONDAY_10).until == NEXT_MONDAY_9
    # Past switches do nothing.
    assert modeoff.state(employee, paris(2026, 12, 14, 10, 0)) == modeoff.ON


def test_daylight_saving_keeps_the_wall_clock(employee):
    set_hours(employee)
    # Paris goes to summer time on Sunday 28 March 2027: Friday's 9:00 is 8:00 UTC,
    # Monday's is 7:00 UTC.
    friday = modeoff.state(employee, paris(2027, 3, 26, 19, 0))
    assert friday.until == dt.datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
    assert friday.since == dt.datetime(2027, 3, 26, 17, 0, tzinfo=UTC)
    # And back in October (31 October 2027).
    autumn = modeoff.state(employee, paris(2027, 10, 29, 19, 0))
    assert autumn.until == dt.datetime(2027, 11, 1, 8, 0, tzinfo=UTC)


def test_each_person_in_their_own_time_zone(employee, colleague):
    set_hours(employee, start=(9, 0), end=(17, 0), zone="America/New_York")
    set_hours(colleague)
    at = dt.datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 9:00 in New York, 15:00 in Paris
    both = modeoff.states([employee, colleague], at)
    assert both[employee.pk] == modeoff.ON and both[colleague.pk] == modeoff.ON
    early = modeoff.state(employee, at - dt.timedelta(minutes=1))
    assert early.off and early.until == at
    # The floor is read in the person's own time zone too.
    set_floor(latest_end=dt.time(16, 0))
    assert modeoff.state(employee, at + dt.timedelta(hours=7)).until == dt.datetime(
        2026, 12, 8, 14, 0, tzinfo=UTC
    )


def test_no_working_time_at_all_falls_back_to_the_floor(employee):
    set_hours(employee, days="7")
    set_floor(days="123456", latest_end=dt.time(20, 0))
    assert modeoff.state(employee, MONDAY_10) == modeoff.ON
    assert modeoff.state(employee, MONDAY_20).until == paris(2026, 12, 8, 0, 0)
    # A floor with no day at all holds nothing: never off with no end.
    set_floor(days="")
    assert modeoff.state(employee, MONDAY_20) == modeoff.ON


def test_the_company_switch_turns_everything_on(employee):
    set_hours(employee, off_until=NEXT_MONDAY_9)
    set_floor(enabled=False)
    assert modeoff.state(employee, MONDAY_20) == modeoff.ON


def test_states_of_fifty_people_cost_two_queries(django_assert_num_queries):
    people = [make_user(f"p{i}@example.com") for i in range(50)]
    for person in people[::2]:
        set_hours(person)
    ModeOffPolicy.load()
    with django_assert_num_queries(2):
        result = modeoff.states(people, MONDAY_20)
    assert len(result) == 50
    assert sum(state.off for state in result.values()) == 25


def test_time_zones_are_validated():
    from portal.accounts.models import validate_time_zone

    validate_time_zone("Europe/Paris")
    with pytest.raises(ValidationError):
        validate_time_zone("Mars/Olympus_Mons")
    with pytest.raises(ValidationError):
        validate_time_zone("../../etc/passwd")


# --- The hold, per channel, and the summary --------------------------------------------


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def send(kind, recipients, *, actor, target, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notify(kind, recipients, actor=actor, target=target, **kwargs)

    return send


@pytest.fixture
def pushed(monkeypatch):
    """The live pushes (what the socket consumer receives), by person."""
    calls = []
    monkeypatch.setattr(
        services, "push", lambda ids, event="notification.new": calls.append((list(ids), event))
    )
    return calls


def test_nothing_reaches_someone_outside_hours_and_one_summary_at_the_start(
    employee, colleague, send, pushed, django_capture_on_commit_callbacks
):
    set_hours(employee)
    Preference.objects.create(user=employee, kind="mention", channel=DIGEST)
    with time_machine.travel(MONDAY_20, tick=False):
        for i in range(3):
            note = Note.objects.create(author=colleague, text=f"evening {i}")
            send("mention", [employee], actor=colleague, target=note)
        stored = Notification.objects.filter(recipient=employee)
        assert stored.count() == 3
        assert {n.visible_from for n in stored} == {TUESDAY_9}
        # In-app: not counted, not listed. Live: nothing pushed. Email: no digest.
        assert services.unread_count(employee) == 0
        assert services.recent(employee) == []
        assert pushed == []
        assert digest.pending() == []
        assert summaries.deliver_due() == 0
    with time_machine.travel(TUESDAY_9 - dt.timedelta(seconds=1), tick=False):
        assert services.unread_count(employee) == 0
        assert summaries.deliver_due() == 0
    with time_machine.travel(TUESDAY_9 + dt.timedelta(seconds=30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert summaries.deliver_due() == 1
        summary = Notification.objects.get(recipient=employee, kind="modeoff_summary")
        assert services.message(summary) == "While you were off: 3 mentions"
        assert summary.visible_from <= TUESDAY_9 + dt.timedelta(seconds=30)
        assert services.unread_count(employee) == 4
        assert pushed == [([employee.pk], "notification.new")]
        assert len(mail.outbox) == 1 and mail.outbox[0].to == [employee.email]
        assert mail.outbox[0].subject.startswith("While you were off: ")
        # Once: the next run, and the command, send nothing more.
        with django_capture_on_commit_callbacks(execute=True):
            assert summaries.deliver_due() == 0
            call_command("deliver_mode_off_summaries", stdout=io.StringIO())
        assert Notification.objects.filter(kind="modeoff_summary").count() == 1
        assert len(pushed) == 1 and len(mail.outbox) == 1
        # The daily digest does not mail them again.
        assert digest.pending() == []


def test_a_late_run_still_summarises_once(employee, colleague, send, pushed):
    set_hours(employee)
    with time_machine.travel(MONDAY_20, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
    with time_machine.travel(TUESDAY_9 + dt.timedelta(hours=3), tick=False):
        assert summaries.deliver_due() == 1
        assert summaries.deliver_due() == 0
    assert ModeOffSummary.objects.filter(recipient=employee, until=TUESDAY_9).count() == 1


def test_someone_on_gets_everything_at_once(employee, colleague, send, pushed):
    set_hours(employee)
    with time_machine.travel(MONDAY_10, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
        assert services.unread_count(employee) == 1
        assert pushed == [([employee.pk], "notification.new")]
        assert summaries.deliver_due() == 0


def test_held_activity_does_not_change_a_line_already_seen(employee, colleague, send, pushed):
    set_hours(employee)
    note = Note.objects.create(author=colleague, text="one note")
    with time_machine.travel(paris(2026, 12, 7, 17, 0), tick=False):
        send("comment", [employee], actor=colleague, target=note)
    other = make_user("other@example.com")
    with time_machine.travel(MONDAY_20, tick=False):
        send("comment", [employee], actor=other, target=note)
        (seen,) = services.recent(employee)
        assert seen.actor_count == 1
        assert services.unread_count(employee) == 1


def test_switching_on_early_releases_what_was_held(employee, colleague, send, pushed):
    set_hours(employee, off_until=NEXT_MONDAY_9)
    with time_machine.travel(MONDAY_10, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
        assert Notification.objects.get(recipient=employee).visible_from == NEXT_MONDAY_9
    with time_machine.travel(MONDAY_10 + dt.timedelta(minutes=5), tick=False):
        WorkingHours.objects.filter(user=employee).update(off_until=None)
        modeoff.changed(employee)
        assert services.unread_count(employee) == 1
        assert summaries.deliver_due() == 1


def test_switching_off_holds_longer(employee, colleague, send, pushed):
    set_hours(employee)
    with time_machine.travel(MONDAY_20, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
        set_hours(employee, off_until=paris(2026, 12, 10, 12, 0))
        modeoff.changed(employee)
    with time_machine.travel(TUESDAY_9 + dt.timedelta(minutes=1), tick=False):
        assert services.unread_count(employee) == 0
        assert summaries.deliver_due() == 0
    with time_machine.travel(paris(2026, 12, 10, 12, 1), tick=False):
        assert summaries.deliver_due() == 1


def test_holding_many_recipients_asks_mode_off_twice_whatever_their_number(colleague, send):
    """The hold is asked once per recipient, answered from one bulk look-up (the policy
    and everyone's hours): two queries of mode off's own for forty people."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [make_user(f"r{i}@example.com") for i in range(40)]
    for person in people:
        set_hours(person)
    note = Note.objects.create(author=colleague, text="to all")
    ModeOffPolicy.load()  # created on first use
    with time_machine.travel(MONDAY_20, tick=False), CaptureQueriesContext(connection) as seen:
        send("mention", people, actor=colleague, target=note)
    mine = [
        q["sql"]
        for q in seen.captured_queries
        if "accounts_workinghours" in q["sql"] or "core_modeoffpolicy" in q["sql"]
    ]
    assert len(mine) == 2
    assert Notification.objects.filter(visible_from=TUESDAY_9).count() == 40


# --- The urgent override ---------------------------------------------------------------


@pytest.fixture
def allowed_group():
    group = Group.objects.create(name="On call")
    set_floor(override_groups=[group])
    return group


def test_the_override_is_logged_and_bypasses_the_hold(
    employee, colleague, allowed_group, send, pushed
):
    set_hours(employee)
    colleague.groups.add(allowed_group)
    other = make_user("other@example.com")
    set_hours(other)
    assert modeoff.can_override(colleague)
    note = Note.objects.create(author=colleague, text="the server is down")
    with time_machine.travel(MONDAY_20, tick=False):
        override = modeoff.record_override(
            colleague, [employee], "The payment service is down", note, channel="message"
        )
        send("mention", [employee, other], actor=colleague, target=note, urgent=override)
        assert services.unread_count(employee) == 1
        assert services.unread_count(other) == 0  # not named by the override: held
        assert services.recent(employee)[0].data == {"urgent": True}
        assert Notification.objects.get(recipient=other).data == {}
        assert pushed == [([employee.pk], "notification.new")]
    logged = UrgentOverride.objects.get()
    assert logged.actor == colleague and logged.reason == "The payment service is down"
    assert list(logged.recipients.all()) == [employee]
    assert logged.created_at == MONDAY_20 and logged.target == note
    assert logged.channel == "message"
    counted = {m.key: m.value for m in metrics.collect_metrics()}
    assert counted["modeoff.urgent_overrides"] == 1


def test_the_override_is_refused_to_other_roles_and_cannot_be_faked(
    employee, colleague, allowed_group, send
):
    set_hours(employee)
    assert not modeoff.can_override(colleague)
    with pytest.raises(PermissionDenied):
        modeoff.record_override(colleague, [employee], "please", None)
    assert not UrgentOverride.objects.exists()
    note = Note.objects.create(author=colleague, text="not urgent")
    boss = make_user("boss@example.com")
    boss.groups.add(allowed_group)
    someone_elses = modeoff.record_override(boss, [employee], "real", None)
    with time_machine.travel(MONDAY_20, tick=False):
        send("mention", [employee], actor=colleague, target=note, urgent=True)
        send("comment", [employee], actor=colleague, target=note, urgent=someone_elses)
        assert services.unread_count(employee) == 0


def test_the_override_needs_a_bounded_reason(employee, colleague, allowed_group):
    colleague.groups.add(allowed_group)
    with pytest.raises(ValidationError) as empty:
        modeoff.record_override(colleague, [employee], "   ")
    assert "reason" in empty.value.message_dict
    with pytest.raises(ValidationError) as long:
        modeoff.record_override(colleague, [employee], "x" * 501)
    assert "reason" in long.value.message_dict
    assert not UrgentOverride.objects.exists()


def test_inactive_people_may_not_override(colleague, allowed_group):
    colleague.groups.add(allowed_group)
    colleague.is_active = False
    assert not modeoff.can_override(colleague)


# --- Read receipts ---------------------------------------------------------------------


def test_read_receipts_honour_the_company_and_each_person(employee, colleague):
    assert modeoff.receipts_enabled(employee)
    assert modeoff.receipts_between(employee, colleague)
    set_hours(colleague, show_read_receipts=False)
    assert not modeoff.receipts_enabled(colleague)
    assert not modeoff.receipts_between(employee, colleague)
    assert not modeoff.receipts_between(colleague, employee)
    set_floor(read_receipts=False)
    assert modeoff.receipts_for([employee, colleague]) == {employee.pk: False, colleague.pk: False}


def test_the_daily_digest_waits_for_someone_who_is_off(employee, colleague, send, pushed):
    """A notification that arrived in their hours, unread, is not mailed by a digest run
    in the evening: it goes with the first run in their hours."""
    set_hours(employee)
    Preference.objects.create(user=employee, kind="mention", channel=DIGEST)
    with time_machine.travel(MONDAY_10, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
    with time_machine.travel(MONDAY_20, tick=False):
        assert digest.pending() == []
    with time_machine.travel(TUESDAY_9, tick=False):
        (waiting,) = digest.pending()
        assert waiting.user == employee and len(waiting.notifications) == 1


def test_the_summary_command_and_task(employee, colleague, send, pushed):
    from plugins.notifications.tasks import deliver_mode_off_summaries

    set_hours(employee)
    with time_machine.travel(MONDAY_20, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
    with time_machine.travel(TUESDAY_9, tick=False):
        out = io.StringIO()
        call_command("deliver_mode_off_summaries", stdout=out)
        assert "Sent 1" in out.getvalue()
        assert deliver_mode_off_summaries.enqueue().return_value == 0


def test_the_summary_is_in_the_person_s_language(
    employee, colleague, send, pushed, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("fr"):
        folded = translation.gettext("While you were off: %(items)s") != (
            "While you were off: %(items)s"
        )
    if not folded:
        pytest.skip("portal/locale/fr-modeoff.po is folded into the catalogue at merge")
    employee.preferred_language = "fr"
    employee.save()
    set_hours(employee)
    with time_machine.travel(MONDAY_20, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
    with (
        time_machine.travel(TUESDAY_9, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        summaries.deliver_due()
    summary = Notification.objects.get(kind="modeoff_summary")
    assert summary.target_title == "Pendant votre déconnexion : 1 mention"


def test_privacy_exports_and_erases_mode_off(employee, colleague, allowed_group):
    from portal import privacy

    set_hours(employee, show_read_receipts=False)
    colleague.groups.add(allowed_group)
    modeoff.record_override(colleague, [employee], "Outage at the plant")
    exported = privacy.export_user_data(employee)
    assert exported["accounts"]["working_hours"]["show_read_receipts"] is False
    assert len(exported["core"]["urgent_overrides_received"]) == 1
    sent = privacy.export_user_data(colleague)["core"]["urgent_overrides_sent"]
    assert sent[0]["reason"] == "Outage at the plant"
    privacy.erase_user_data(colleague)
    privacy.erase_user_data(employee)
    assert not WorkingHours.objects.exists()
    logged = UrgentOverride.objects.get()  # the company's count stays
    assert logged.actor is None and logged.reason == "" and not logged.recipients.exists()


def test_a_new_floor_re_holds_what_is_held(
    employee, colleague, send, pushed, django_capture_on_commit_callbacks
):
    set_hours(employee)
    with time_machine.travel(MONDAY_20, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
        with django_capture_on_commit_callbacks(execute=True):
            set_floor(earliest_start=dt.time(10, 0))
        assert Notification.objects.get(recipient=employee).visible_from == paris(
            2026, 12, 8, 10, 0
        )


def test_the_summary_lists_and_opens_like_any_notification(
    logged_in, employee, colleague, send, pushed, django_capture_on_commit_callbacks
):
    set_hours(employee)
    with time_machine.travel(MONDAY_20, tick=False):
        send("mention", [employee], actor=colleague, target=Note.objects.create(author=colleague))
    with time_machine.travel(TUESDAY_9, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            summaries.deliver_due()
        page = logged_in.get("/notifications/")
        assert page.status_code == 200
        assert "While you were off: 1 mention" in page.content.decode()
        summary = Notification.objects.get(kind="modeoff_summary")
        opened = logged_in.get(f"/notifications/{summary.pk}/open/")
        assert opened.status_code in (302, 303)
        api = logged_in.get("/api/notifications/").json()
        assert any("While you were off" in str(item) for item in api["results"])
