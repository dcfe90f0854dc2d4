"""Notifications: delivery and grouping, preferences, holds, visibility at read time, the
API, the pages, the digest, privacy and metrics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plugins.feed.models import Post
from plugins.groups.models import Group, Membership
from plugins.notifications import metrics, privacy, services
from plugins.notifications.models import Notification, Preference
from portal import signals
from portal.notifications import Notice, default_group_key, notify
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def make_post(author, text="Quarterly results are out", **fields) -> Post:
    fields.setdefault("audience", "all")
    return Post.objects.create(author=author, text=text, html=f"<p>{text}</p>", **fields)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify() as a request would, its deliveries run on commit."""

    def send(kind, recipients, *, actor, target, **kwargs):
        kwargs.setdefault("url", f"/feed/posts/{target.pk}/")
        with django_capture_on_commit_callbacks(execute=True):
            return notify(kind, recipients, actor=actor, target=target, **kwargs)

    return send


@pytest.fixture
def post(employee):
    return make_post(employee)


@pytest.fixture
def people(departments):
    return [
        make_user(f"person{i}@example.com", department=departments["sales"], first_name=f"P{i}")
        for i in range(5)
    ]


@pytest.fixture
def private_group(employee, colleague):
    group = Group.objects.create(name="Board", slug="board", privacy=Group.PRIVATE)
    Membership.objects.create(group=group, user=employee)
    Membership.objects.create(group=group, user=colleague, role=Membership.OWNER)
    return group


def fresh(user):
    """The user as the next request loads them (no cached visibility tokens)."""
    return type(user).objects.get(pk=user.pk)


class TestDelivery:
    def test_a_mention_is_stored_with_its_message(self, send, employee, colleague, post):
        send("mention", [employee], actor=colleague, target=post)
        notification = Notification.objects.get()
        assert notification.recipient == employee and notification.actor == colleague
        assert notification.target == post and notification.url == f"/feed/posts/{post.pk}/"
        assert services.message(notification) == (
            "Colleague Tester mentioned you in “Quarterly results are out”"
        )
        assert services.unread_count(employee) == 1

    def test_five_actors_on_one_post_make_one_unread_row(self, send, employee, people, post):
        for person in people:
            send("reaction", [employee], actor=person, target=post)
        send("reaction", [employee], actor=people[0], target=post)  # the same person again
        notification = Notification.objects.get()
        assert notification.actor_count == 5
        assert notification.actor == people[0]
        assert set(notification.actors.all()) == set(people)
        assert services.message(notification) == (
            "P0 Tester and 4 other people reacted to “Quarterly results are out”"
        )
        assert services.unread_count(employee) == 1

    def test_two_actors_use_the_singular(self, send, employee, people, post):
        send("comment", [employee], actor=people[0], target=post)
        send("comment", [employee], actor=people[1], target=post)
        assert services.message(Notification.objects.get()) == (
            "P1 Tester and 1 other person commented on your post “Quarterly results are out”"
        )

    def test_a_read_notification_starts_a_new_group(self, send, employee, people, post):
        send("reaction", [employee], actor=people[0], target=post)
        services.mark_read(employee)
        send("reaction", [employee], actor=people[1], target=post)
        first, second = Notification.objects.order_by("pk")
        assert first.read_at is not None and first.actor_count == 1
        assert second.read_at is None and second.actor == people[1] and second.actor_count == 1
        assert services.unread_count(employee) == 1

    def test_recipients_who_may_not_see_the_target_get_nothing(
        self, send, employee, colleague, departments, private_group
    ):
        outsider = make_user("outsider@example.com", department=departments["sales"])
        secret_post = make_post(colleague, audience=f"group:{private_group.pk}")
        send("mention", [employee, outsider], actor=colleague, target=secret_post)
        assert list(Notification.objects.values_list("recipient", flat=True)) == [employee.pk]

    def test_a_rolled_back_post_notifies_nobody(self, employee, colleague, post):
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            notify("mention", [employee], actor=colleague, target=post)
            raise RuntimeError("the post failed")
        assert not Notification.objects.exists()

    def test_delivery_costs_the_same_queries_for_5_or_50_recipients(
        self, departments, colleague, editor, post
    ):
        many = [
            make_user(f"reader{i}@example.com", department=departments["sales"]) for i in range(50)
        ]

        def cost(recipients, kind, actor):
            notice = Notice(kind, actor, post, default_group_key(kind, post))
            with CaptureQueriesContext(connection) as queries:
                services.deliver(notice, recipients)
            return len(queries)

        assert cost(many[:5], "mention", colleague) == cost(many, "reaction", colleague)
        # Grouping a second actor into the existing rows costs the same too.
        assert cost(many[:5], "mention", editor) == cost(many, "reaction", editor)
        assert Notification.objects.count() == 55
        assert Notification.objects.filter(actor_count=2).count() == 55

    def test_without_a_channel_layer_delivery_still_works(
        self, send, settings, employee, colleague, post
    ):
        settings.CHANNEL_LAYERS = {}
        send("mention", [employee], actor=colleague, target=post)
        assert services.unread_count(employee) == 1

    def test_a_real_time_layer_that_is_down_only_logs(
        self, send, settings, employee, colleague, post, caplog
    ):
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
            }
        }
        send("mention", [employee], actor=colleague, target=post)
        assert services.unread_count(employee) == 1
        assert "Could not push notifications" in caplog.text

    def test_unknown_kind_is_refused(self, employee, colleague, post):
        with pytest.raises(ValueError):
            notify("gossip", [employee], actor=colleague, target=post)


class TestPreferences:
    def test_off_stores_nothing(self, send, employee, colleague, post):
        Preference.objects.create(user=employee, kind="mention", channel="off")
        send("mention", [employee], actor=colleague, target=post)
        assert not Notification.objects.exists()
        send("comment", [employee], actor=colleague, target=post)
        assert Notification.objects.get().kind == "comment"

    def test_defaults_and_saving(self, employee):
        assert services.preferences(employee)["mention"] == "in_app"
        saved = services.set_preferences(employee, {"mention": "digest", "reaction": "off"})
        assert saved["mention"] == "digest" and saved["reaction"] == "off"
        assert saved["comment"] == "in_app"

    def test_bad_input_names_the_kind_and_saves_nothing(self, employee):
        with pytest.raises(services.PreferenceError) as error:
            services.set_preferences(employee, {"mention": "digest", "reaction": "loud"})
        assert error.value.kind == "reaction"
        assert not Preference.objects.exists()
        with pytest.raises(services.PreferenceError) as error:
            services.set_preferences(employee, {"gossip": "off"})
        assert error.value.kind == "gossip"


class TestHold:
    @pytest.fixture
    def quiet_hours(self):
        until = timezone.now() + timedelta(hours=8)

        def hold(sender, notice, recipient, **kwargs):
            return until if recipient.email == "employee@example.com" else None

        signals.notification_hold.connect(hold, dispatch_uid="test_quiet_hours")
        yield until
        signals.notification_hold.disconnect(dispatch_uid="test_quiet_hours")

    def test_held_notifications_are_neither_counted_nor_listed_until_then(
        self, send, quiet_hours, employee, colleague, editor, post
    ):
        send("mention", [employee, editor], actor=colleague, target=post)
        held = Notification.objects.get(recipient=employee)
        assert held.visible_from == quiet_hours
        assert services.unread_count(employee) == 0 and services.recent(employee) == []
        assert services.unread_count(editor) == 1
        Notification.objects.filter(pk=held.pk).update(
            visible_from=timezone.now() - timedelta(seconds=1)
        )
        assert services.unread_count(employee) == 1
        assert [n.pk for n in services.recent(employee)] == [held.pk]


class TestVisibilityAtReadTime:
    def test_a_removed_member_loses_the_notification_at_once(
        self, send, employee, colleague, private_group, api_client
    ):
        api_client.force_login(employee)  # each request loads the account anew
        employee_client = api_client
        group_post = make_post(colleague, text="Board only", audience=f"group:{private_group.pk}")
        send("mention", [employee], actor=colleague, target=group_post)
        assert employee_client.get("/api/notifications/unread-count/").json() == {"unread": 1}
        Membership.objects.filter(group=private_group, user=employee).delete()
        assert employee_client.get("/api/notifications/unread-count/").json() == {"unread": 0}
        assert employee_client.get("/api/notifications/").json()["count"] == 0
        assert services.recent(fresh(employee)) == []
        notification = Notification.objects.get()
        response = employee_client.post(f"/api/notifications/{notification.pk}/read/")
        assert response.status_code == 404

    def test_deleted_targets_vanish_and_are_purged(self, send, employee, colleague, post):
        send("mention", [employee], actor=colleague, target=post)
        post.delete()
        assert services.unread_count(employee) == 0
        assert services.purge_orphans() == 1
        assert not Notification.objects.exists()

    def test_inactive_people_see_nothing(self, send, employee, colleague, post):
        send("mention", [employee], actor=colleague, target=post)
        employee.is_active = False
        employee.save()
        assert services.unread_count(employee) == 0


class TestApi:
    def test_list_shape_and_unread_filter(self, send, employee, colleague, post, employee_client):
        send("mention", [employee], actor=colleague, target=post)
        send("comment", [employee], actor=colleague, target=post)
        services.mark_read(employee, [Notification.objects.get(kind="mention").pk])
        data = employee_client.get("/api/notifications/").json()
        assert data["count"] == 2
        latest = data["results"][0]
        assert latest["kind"] == "comment" and latest["read"] is False
        assert latest["actor"]["id"] == colleague.pk
        assert latest["actor"]["name"] == "Colleague Tester"
        assert latest["actors_count"] == 1
        assert latest["target"] == {"type": "feed.post", "id": post.pk}
        assert latest["message"].startswith("Colleague Tester commented on your post")
        assert {"url", "created_at", "updated_at"} <= set(latest)
        unread = employee_client.get("/api/notifications/?unread=1").json()
        assert [n["kind"] for n in unread["results"]] == ["comment"]

    def test_read_and_read_all(self, send, employee, colleague, people, post, employee_client):
        send("mention", [employee], actor=colleague, target=post)
        send("reaction", [employee], actor=people[0], target=post)
        mention = Notification.objects.get(kind="mention")
        response = employee_client.post(f"/api/notifications/{mention.pk}/read/")
        assert response.status_code == 200 and response.json()["read"] is True
        assert employee_client.get("/api/notifications/unread-count/").json() == {"unread": 1}
        assert employee_client.post("/api/notifications/read-all/").json() == {"marked": 1}
        assert employee_client.get("/api/notifications/unread-count/").json() == {"unread": 0}

    def test_other_peoples_notifications_do_not_exist(
        self, send, employee, colleague, post, employee_client
    ):
        send("comment", [colleague], actor=employee, target=make_post(colleague))
        theirs = Notification.objects.get()
        assert employee_client.post(f"/api/notifications/{theirs.pk}/read/").status_code == 404
        assert employee_client.get("/api/notifications/").json()["count"] == 0
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_outsiders_get_401(self, api_client):
        for path in [
            "/api/notifications/",
            "/api/notifications/unread-count/",
            "/api/notifications/preferences/",
        ]:
            assert api_client.get(path).status_code == 401
        assert api_client.post("/api/notifications/read-all/").status_code == 401
        assert api_client.post("/api/notifications/1/read/").status_code == 401

    def test_preferences(self, employee_client, employee):
        listed = employee_client.get("/api/notifications/preferences/").json()
        mention = next(p for p in listed if p["kind"] == "mention")
        assert mention["channel"] == "in_app" and mention["label"]
        response = employee_client.patch(
            "/api/notifications/preferences/", {"mention": "digest"}, format="json"
        )
        assert response.status_code == 200
        assert next(p for p in response.json() if p["kind"] == "mention")["channel"] == "digest"
        response = employee_client.put(
            "/api/notifications/preferences/", {"reaction": "off"}, format="json"
        )
        assert response.status_code == 200
        assert services.preferences(employee)["reaction"] == "off"
        assert services.preferences(employee)["mention"] == "digest"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"gossip": "off"}, "gossip"),
            ({"mention": "loud"}, "mention"),
            ({"mention": 3}, "mention"),
            ([], "non_field_errors"),
        ],
    )
    def test_bad_preferences_are_400_naming_the_kind(self, employee_client, body, field):
        response = employee_client.patch("/api/notifications/preferences/", body, format="json")
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert not Preference.objects.exists()

    def test_listing_costs_the_same_queries_whatever_the_number(
        self, send, employee, people, departments, employee_client, django_assert_num_queries
    ):
        group = Group.objects.create(name="Open", slug="open", privacy=Group.PUBLIC)

        def add(count):
            for i in range(count):
                target = make_post(people[i % 5], text=f"post {Post.objects.count()}")
                send("comment", [employee], actor=people[i % 5], target=target)
            send("group_invitation", [employee], actor=people[0], target=group)

        add(2)
        with CaptureQueriesContext(connection) as few:
            assert employee_client.get("/api/notifications/").status_code == 200
        add(15)
        with django_assert_num_queries(len(few)):
            data = employee_client.get("/api/notifications/").json()
        assert data["count"] == 18 and len(data["results"]) == 18


class TestPages:
    def test_the_list_marks_unread_in_words(self, send, employee, colleague, post, logged_in):
        send("mention", [employee], actor=colleague, target=post)
        html = logged_in.get("/notifications/").content.decode()
        assert "Colleague Tester mentioned you in" in html
        assert "notification--unread" in html and ">Unread<" in html
        assert "Mark all as read" in html
        assert 'data-badge="notifications"' in html  # the navigation entry with its count

    def test_open_marks_read_and_redirects(self, send, employee, colleague, post, logged_in):
        send("mention", [employee], actor=colleague, target=post)
        notification = Notification.objects.get()
        response = logged_in.get(f"/notifications/{notification.pk}/open/")
        assert response.status_code == 302
        assert response["Location"] == f"/feed/posts/{post.pk}/"
        notification.refresh_from_db()
        assert notification.read_at is not None

    def test_open_never_redirects_off_site(self, send, employee, colleague, post, logged_in):
        send("mention", [employee], actor=colleague, target=post, url="https://evil.example/")
        notification = Notification.objects.get()
        response = logged_in.get(f"/notifications/{notification.pk}/open/")
        assert response["Location"] == "/notifications/"

    def test_someone_elses_notification_is_404(self, send, employee, colleague, logged_in):
        send("comment", [colleague], actor=employee, target=make_post(colleague))
        theirs = Notification.objects.get()
        assert logged_in.get(f"/notifications/{theirs.pk}/open/").status_code == 404
        assert logged_in.post(f"/notifications/{theirs.pk}/read/").status_code == 404

    def test_mark_all_read_by_form_and_by_script(self, send, employee, colleague, post, logged_in):
        send("mention", [employee], actor=colleague, target=post)
        response = logged_in.post("/notifications/read-all/")
        assert response.status_code == 302 and response["Location"] == "/notifications/"
        assert services.unread_count(employee) == 0
        send("comment", [employee], actor=colleague, target=post)
        notification = Notification.objects.get(kind="comment")
        response = logged_in.post(
            f"/notifications/{notification.pk}/read/", HTTP_ACCEPT="application/json"
        )
        assert response.json()["unread"] == 0

    def test_preferences_form(self, logged_in, employee):
        html = logged_in.get("/notifications/preferences/").content.decode()
        assert "<fieldset" in html and 'type="radio"' in html and "<legend>" in html
        choices = dict.fromkeys(services.preferences(employee), "in_app")
        choices["mention"] = "digest"
        response = logged_in.post("/notifications/preferences/", choices, follow=True)
        assert "Your notification preferences are saved." in response.content.decode()
        assert services.preferences(employee)["mention"] == "digest"

    def test_preferences_form_refuses_bad_input(self, logged_in, employee):
        choices = dict.fromkeys(services.preferences(employee), "in_app")
        choices["mention"] = "loud"
        response = logged_in.post("/notifications/preferences/", choices)
        assert response.status_code == 200
        assert "field--error" in response.content.decode()
        assert not Preference.objects.exists()

    def test_the_badge_shows_the_unread_count(self, send, employee, colleague, post, logged_in):
        send("mention", [employee], actor=colleague, target=post)
        html = logged_in.get("/notifications/preferences/").content.decode()
        badge = html.split('data-badge="notifications"', 1)[1].split("</span></span>", 1)[0]
        assert "hidden" not in badge.split(">", 1)[0] and "1" in badge

    def test_list_page_costs_the_same_queries_whatever_the_number(
        self, send, employee, people, logged_in, django_assert_num_queries
    ):
        def add(count):
            for i in range(count):
                target = make_post(people[i % 5], text=f"post {Post.objects.count()}")
                send("reaction", [employee], actor=people[i % 5], target=target)

        add(2)
        logged_in.get("/notifications/")  # caches of the site and of the reader's access
        with CaptureQueriesContext(connection) as few:
            logged_in.get("/notifications/")
        add(12)
        with django_assert_num_queries(len(few)):
            assert "post 13" in logged_in.get("/notifications/").content.decode()

    def test_anonymous_visitors_go_to_the_login_page(self, client):
        response = client.get("/notifications/")
        assert response.status_code == 302 and "/login/" in response["Location"]


class TestDigest:
    def test_mailed_once_in_the_users_language(self, send, employee, colleague, post, settings):
        settings.WAGTAILADMIN_BASE_URL = "https://intranet.example"
        employee.preferred_language = "fr"
        employee.save()
        services.set_preferences(employee, {"mention": "digest"})
        send("mention", [employee], actor=colleague, target=post)
        send("comment", [employee], actor=colleague, target=post)  # in_app: not mailed
        call_command("send_notification_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["employee@example.com"]
        notification = Notification.objects.get(kind="mention")
        link = f"https://intranet.example/notifications/{notification.pk}/open/"
        assert link in message.body
        assert "vous a mentionné" in message.body and "commenté" not in message.body
        assert link in message.alternatives[0][0]
        assert notification.emailed_at is not None
        call_command("send_notification_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert len(mail.outbox) == 1

    def test_new_activity_is_mailed_again(self, send, employee, colleague, people, post):
        services.set_preferences(employee, {"reaction": "digest"})
        send("reaction", [employee], actor=colleague, target=post)
        call_command("send_notification_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
        send("reaction", [employee], actor=people[0], target=post)
        call_command("send_notification_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert len(mail.outbox) == 2
        assert "and 1 other person" in mail.outbox[1].body

    def test_read_held_or_invisible_ones_are_not_mailed(
        self, send, employee, colleague, post, private_group
    ):
        services.set_preferences(employee, {"mention": "digest", "comment": "digest"})
        send("mention", [employee], actor=colleague, target=post)
        services.mark_read(employee)
        group_post = make_post(colleague, audience=f"group:{private_group.pk}")
        send("comment", [employee], actor=colleague, target=group_post)
        Membership.objects.filter(group=private_group, user=employee).delete()
        call_command("send_notification_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert mail.outbox == []

    def test_dry_run_sends_nothing(self, send, employee, colleague, post, capsys):
        services.set_preferences(employee, {"mention": "digest"})
        send("mention", [employee], actor=colleague, target=post)
        call_command("send_notification_digest", "--dry-run")
        assert "employee@example.com: 1 notification(s)" in capsys.readouterr().out
        assert mail.outbox == []
        assert Notification.objects.get().emailed_at is None


class TestPrivacyAndMetrics:
    def test_export_and_erase(self, send, employee, colleague, people, post):
        services.set_preferences(employee, {"mention": "digest"})
        send("mention", [employee], actor=colleague, target=post)
        theirs = make_post(colleague)
        send("reaction", [colleague], actor=people[0], target=theirs)
        send("reaction", [colleague], actor=employee, target=theirs)
        exported = privacy.export_user_data(employee)
        assert exported["preferences"] == {"mention": "digest"}
        assert exported["notifications"][0]["kind"] == "mention"
        assert "Colleague Tester mentioned you" in exported["notifications"][0]["message"]

        privacy.erase_user_data(employee)
        assert not Notification.objects.filter(recipient=employee).exists()
        assert not Preference.objects.filter(user=employee).exists()
        grouped = Notification.objects.get(recipient=colleague)
        assert grouped.actor == people[0] and grouped.actor_count == 1
        assert list(grouped.actors.all()) == [people[0]]

    def test_metrics(self, send, employee, colleague, post):
        send("mention", [employee], actor=colleague, target=post)
        send("comment", [employee], actor=colleague, target=post)
        services.mark_read(employee, [Notification.objects.get(kind="mention").pk])
        values = {m.key: m.value for m in metrics.collect_metrics()}
        assert values["notifications.delivered_30d"] == 2
        assert values["notifications.read_share_30d"] == 50.0
        assert values["notifications.delivered_30d.mention"] == 1
        assert values["notifications.delivered_30d.reaction"] == 0


class TestLeavingAndHiding:
    """A notification follows the visibility of what it is about (the post, not the group)
    when it is sent, read, counted, marked read and mailed."""

    @pytest.fixture
    def board(self, employee, colleague):
        from plugins.groups import services as groups

        group = groups.create_group(colleague, name="Board", privacy="private")
        [invitation] = groups.invite(colleague, group, [employee])
        groups.accept_invitation(employee, invitation)
        groups.set_follow_closely(employee, group, True)
        return group

    def test_a_new_group_post_is_about_the_post_and_names_the_group(
        self, employee, colleague, board, django_capture_on_commit_callbacks
    ):
        from plugins.feed import services as feed

        with django_capture_on_commit_callbacks(execute=True):
            post = feed.create_post(colleague, text="Agenda", audience=f"group:{board.pk}")
        notification = Notification.objects.get(recipient=employee, kind="group_post")
        assert notification.target == post and notification.url == post.get_absolute_url()
        assert services.message(notification) == "Colleague Tester posted in “Board”"
        with django_capture_on_commit_callbacks(execute=True):
            later = feed.create_post(colleague, text="Minutes", audience=f"group:{board.pk}")
        notification.refresh_from_db()
        assert notification.target == later  # grouped, about the latest post

    def test_a_leaver_loses_the_notifications_about_the_group_s_posts(
        self, employee, colleague, board, api_client, django_capture_on_commit_callbacks
    ):
        from plugins.comments import services as comments
        from plugins.feed import services as feed
        from plugins.groups import services as groups

        services.set_preferences(employee, {"group_post": "digest", "comment": "digest"})
        with django_capture_on_commit_callbacks(execute=True):
            own = feed.create_post(employee, text="My item", audience=f"group:{board.pk}")
            comments.add_comment(colleague, own, "Noted")
            feed.create_post(colleague, text="Agenda", audience=f"group:{board.pk}")
        assert services.unread_count(fresh(employee)) == 2  # a comment, a new post
        api_client.force_login(employee)
        groups.leave(fresh(employee), board)

        assert services.unread_count(fresh(employee)) == 0
        assert services.recent(fresh(employee)) == []
        assert api_client.get("/api/notifications/").json()["count"] == 0
        assert api_client.get("/api/notifications/unread-count/").json() == {"unread": 0}
        assert api_client.post("/api/notifications/read-all/").json() == {"marked": 0}
        for notification in Notification.objects.filter(recipient=employee):
            assert api_client.post(f"/api/notifications/{notification.pk}/read/").status_code == 404
            assert api_client.get(f"/notifications/{notification.pk}/open/").status_code == 404
            assert api_client.post(f"/notifications/{notification.pk}/read/").status_code == 404
        page = api_client.get("/notifications/").content.decode()
        assert "Board" not in page and "My item" not in page
        call_command("send_notification_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert mail.outbox == []
        # Nothing was marked read behind their back: back in the group, they are there.
        assert not Notification.objects.filter(read_at__isnull=False).exists()

    def test_a_post_hidden_before_the_commit_notifies_nobody(
        self, employee, colleague, post, private_group, django_capture_on_commit_callbacks
    ):
        Membership.objects.filter(group=private_group, user=employee).delete()
        with django_capture_on_commit_callbacks(execute=True):
            assert notify("mention", [employee], actor=colleague, target=post) == [employee]
            Post.objects.filter(pk=post.pk).update(audience=f"group:{private_group.pk}")
        assert not Notification.objects.exists()

    def test_a_held_notification_about_a_post_made_hidden_never_shows(
        self, send, employee, colleague, post, private_group
    ):
        services.set_preferences(employee, {"mention": "digest"})
        until = timezone.now() + timedelta(hours=8)

        def hold(sender, notice, recipient, **kwargs):
            return until

        signals.notification_hold.connect(hold, dispatch_uid="test_hold_then_hide")
        try:
            send("mention", [employee], actor=colleague, target=post)
        finally:
            signals.notification_hold.disconnect(dispatch_uid="test_hold_then_hide")
        Membership.objects.filter(group=private_group, user=employee).delete()
        Post.objects.filter(pk=post.pk).update(audience=f"group:{private_group.pk}")
        Notification.objects.update(visible_from=timezone.now() - timedelta(seconds=1))
        assert services.unread_count(fresh(employee)) == 0
        assert services.recent(fresh(employee)) == []
        call_command("send_notification_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert mail.outbox == []

    def test_an_outsider_never_gets_one_even_if_a_code_path_tries(
        self,
        send,
        employee,
        colleague,
        departments,
        private_group,
        django_capture_on_commit_callbacks,
    ):
        outsider = make_user("outsider@example.com", department=departments["sales"])
        hidden = make_post(colleague, text="Board only", audience=f"group:{private_group.pk}")
        assert send("mention", [outsider], actor=colleague, target=hidden) == []
        # Straight to the delivery signal, past the service's own check.
        notice = Notice("mention", colleague, hidden, default_group_key("mention", hidden))
        with django_capture_on_commit_callbacks(execute=True):
            signals.notification_delivery.send(
                sender=None, notice=notice, recipients=[outsider], hold_until=None
            )
        assert not Notification.objects.filter(recipient=outsider).exists()
        # Even a row written by hand is never listed, counted, marked read or mailed.
        services.set_preferences(outsider, {"mention": "digest"})
        forced = Notification.objects.create(
            recipient=outsider,
            kind="mention",
            group_key="forced",
            target=hidden,
            target_title="Board only",
            updated_at=timezone.now(),
            visible_from=timezone.now(),
        )
        assert services.unread_count(outsider) == 0 and services.recent(outsider) == []
        assert services.mark_read(outsider) == 0
        assert services.mark_read(outsider, [forced.pk]) == 0
        call_command("send_notification_digest", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert mail.outbox == []


def test_stored_group_post_notifications_are_moved_to_their_post(employee, colleague):
    """The data migration: a new-post notification stored about the group points at the
    post (kept in its data) and follows the post's visibility from then on."""
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    migration = importlib.import_module(
        "plugins.notifications.migrations.0003_group_posts_point_at_posts"
    )
    group = Group.objects.create(name="Board", slug="board", privacy=Group.PRIVATE)
    post = make_post(colleague, audience=f"group:{group.pk}")

    def stored(data):
        return Notification.objects.create(
            recipient=employee,
            kind="group_post",
            group_key=f"group_post:groups.group:{group.pk}",
            target_type=ContentType.objects.get_for_model(Group),
            target_id=group.pk,
            data=data,
            updated_at=timezone.now(),
            visible_from=timezone.now(),
        )

    kept, unknown = stored({"post": post.pk}), stored({})
    assert services.unread_count(fresh(employee)) == 2  # a private group: everyone sees it
    migration.point_at_posts(apps, None)
    kept.refresh_from_db()
    assert kept.target == post and kept.data == {"post": post.pk, "group": group.pk}
    assert not Notification.objects.filter(pk=unknown.pk).exists()
    assert services.unread_count(fresh(employee)) == 0  # not a member: not their post
