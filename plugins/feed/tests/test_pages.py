"""The feed's pages: who sees what, the composer, the card's actions, follows, reports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plugins.feed import services
from plugins.feed.models import Follow, Post, Report
from plugins.groups.models import Group, Membership
from portal import visibility
from tests.factories import make_user


def make_group(owner, name, privacy=Group.PUBLIC, members=()):
    group = Group.objects.create(name=name, slug=name.lower().replace(" ", "-"), privacy=privacy)
    Membership.objects.create(group=group, user=owner, role=Membership.OWNER)
    for member in members:
        Membership.objects.create(group=group, user=member)
    return group


def write(author, text="Hello everyone", audience="all", **fields):
    visibility.forget_tokens(author)
    return services.create_post(author, text=text, audience=audience, **fields)


@pytest.fixture
def outsider(departments):
    return make_user("outsider@example.com", department=departments["sales"])


@pytest.fixture
def secret_post(colleague):
    group = make_group(colleague, "Vault", Group.SECRET)
    return write(colleague, "Codename #hidden", audience=f"group:{group.pk}")


def test_home_page_lists_news_with_their_category_link_and_summary(logged_in, employee, home_page):
    from portal.editorial.news.factories import make_category, make_news, make_news_index

    index = make_news_index(home_page)
    news = make_news(
        index,
        "Canteen reopens",
        category=make_category("Life at work"),
        summary="New menu from Monday.",
    )
    body = logged_in.get("/").content.decode()
    assert f'href="{news.url}"' in body and "Canteen reopens" in body
    assert "Life at work" in body and "New menu from Monday." in body
    api = logged_in.get("/api/feed/").json()["results"]
    entry = next(item["page"] for item in api if item["type"] == "news")
    assert entry["url"] == news.url and entry["intro"] == "New menu from Monday."


def test_home_page_shows_the_feed_with_composer(logged_in, colleague, home_page):
    write(colleague, "Coffee is ready #kitchen")
    response = logged_in.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "News feed" in body
    assert "Coffee is ready" in body
    assert 'action="/feed/compose/"' in body
    assert "data-mention-input" in body
    assert reverse("feed:hashtag", args=["kitchen"]) in body


def test_feed_pages_answer_200(logged_in, colleague):
    post = write(colleague, "Tagged #launch")
    for url in (
        reverse("feed:home"),
        reverse("feed:post", args=[post.pk]),
        reverse("feed:hashtag", args=["launch"]),
        reverse("feed:last24h"),
        reverse("feed:following"),
        reverse("feed:author", args=[colleague.pk]),
        reverse("feed:report", args=[post.pk]),
    ):
        assert logged_in.get(url).status_code == 200, url


def test_anonymous_people_are_sent_to_log_in(client, colleague):
    post = write(colleague)
    response = client.get(reverse("feed:post", args=[post.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_secret_group_post_is_404_by_guessed_url(logged_in, secret_post):
    pk = secret_post.pk
    for url in ("post", "edit", "delete", "report"):
        assert logged_in.get(reverse(f"feed:{url}", args=[pk])).status_code == 404, url
    for url in ("pin", "relaunch", "report", "delete"):
        assert logged_in.post(reverse(f"feed:{url}", args=[pk])).status_code == 404, url
    body = logged_in.get(reverse("feed:hashtag", args=["hidden"])).content.decode()
    assert "Codename" not in body
    assert Post.objects.filter(pk=pk).exists()


def test_private_group_feed_hidden_from_non_members(logged_in, colleague, employee):
    group = make_group(colleague, "Board", Group.PRIVATE)
    write(colleague, "Salaries", audience=f"group:{group.pk}")
    assert logged_in.get(reverse("feed:group", args=[group.slug])).status_code == 404
    detail = logged_in.get(group.get_absolute_url())
    assert "Salaries" not in detail.content.decode()
    Membership.objects.create(group=group, user=employee)
    response = logged_in.get(reverse("feed:group", args=[group.slug]))
    assert response.status_code == 200
    assert "Salaries" in response.content.decode()


def test_group_page_section_has_the_feed_composer_and_files(logged_in, colleague, employee):
    group = make_group(colleague, "Writers", Group.PRIVATE, members=[employee])
    write(colleague, "Draft ready", audience=f"group:{group.pk}")
    body = logged_in.get(group.get_absolute_url()).content.decode()
    assert "Draft ready" in body
    assert reverse("feed:group_files", args=[group.slug]) in body
    assert f'name="group" value="{group.pk}"' in body


def test_composer_publishes_a_status(logged_in, employee):
    response = logged_in.post(
        reverse("feed:compose"), {"audience": "all", "kind": "status", "text": "Hi all"}
    )
    post = Post.objects.get(author=employee)
    assert response.status_code == 302
    assert post.html == "<p>Hi all</p>"


def test_composer_publishes_a_poll(logged_in, employee):
    response = logged_in.post(
        reverse("feed:compose"),
        {
            "audience": "all",
            "kind": "poll",
            "text": "Vote please",
            "poll-question": "Where to eat?",
            "poll-options": "Canteen\nPark",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(author=employee)
    assert post.kind == Post.POLL
    assert list(post.poll.options.values_list("label", flat=True)) == ["Canteen", "Park"]


def test_composer_errors_keep_the_text(logged_in, employee):
    response = logged_in.post(
        reverse("feed:compose"),
        {"audience": "all", "kind": "poll", "text": "Keep me please", "poll-question": ""},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Keep me please" in body
    assert "field--error" in body
    assert not Post.objects.exists()


def test_composer_refuses_an_audience_that_is_not_mine(logged_in, colleague):
    group = make_group(colleague, "Closed", Group.PRIVATE)
    response = logged_in.post(
        reverse("feed:compose"),
        {"audience": f"group:{group.pk}", "kind": "status", "text": "Sneaky"},
    )
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_xss_never_renders_as_markup(logged_in, colleague):
    post = write(colleague, '<script>alert("x")</script><img src=x onerror="alert(1)"> hi')
    for url in (reverse("feed:post", args=[post.pk]), reverse("feed:home"), "/"):
        body = logged_in.get(url).content.decode()
        assert "<script>alert" not in body
        assert 'onerror="alert' not in body


def test_load_more_link_and_fragment(logged_in, colleague):
    for n in range(25):
        write(colleague, f"Post number {n}")
    response = logged_in.get(reverse("feed:home"))
    more = response.context["more_url"]
    assert "cursor=" in more
    assert more in response.content.decode().replace("&amp;", "&")
    fragment = logged_in.get(more + "&fragment=1")
    body = fragment.content.decode()
    assert "<html" not in body
    assert "Post number 4" in body
    assert "Post number 24" not in body
    assert logged_in.get(reverse("feed:home"), {"cursor": "garbage"}).status_code == 400


def test_edit_delete_by_author_and_not_by_others(client, employee, colleague):
    post = write(colleague, "Original")
    client.force_login(employee)
    assert client.get(reverse("feed:edit", args=[post.pk])).status_code == 403
    assert client.post(reverse("feed:delete", args=[post.pk])).status_code == 403
    client.force_login(colleague)
    response = client.post(reverse("feed:edit", args=[post.pk]), {"text": "Changed"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.html == "<p>Changed</p>" and post.edited_at is not None
    assert "Edited" in client.get(post.get_absolute_url()).content.decode()
    response = client.post(reverse("feed:delete", args=[post.pk]), {"next": "/"})
    assert response.status_code == 302
    assert not Post.objects.filter(pk=post.pk).exists()


def test_pin_and_relaunch(client, employee, editor, colleague):
    post = write(colleague, "Announcement")
    client.force_login(employee)
    assert client.post(reverse("feed:pin", args=[post.pk])).status_code == 403
    assert client.post(reverse("feed:relaunch", args=[post.pk])).status_code == 403
    client.force_login(editor)
    client.post(reverse("feed:pin", args=[post.pk]), {"pinned": "1"})
    post.refresh_from_db()
    assert post.pinned
    assert client.post(reverse("feed:relaunch", args=[post.pk])).status_code == 302
    response = client.post(reverse("feed:relaunch", args=[post.pk]), follow=True)
    assert "already relaunched" in response.content.decode()
    body = client.get(reverse("feed:home")).content.decode()
    assert "Pinned" in body and "Relaunched" in body


def test_last_24_hours_nav_entry_only_for_relaunchers(client, employee, editor, home_page):
    client.force_login(employee)
    assert reverse("feed:last24h") not in client.get("/").content.decode()
    client.force_login(editor)
    assert reverse("feed:last24h") in client.get("/").content.decode()


def test_report_and_moderation_queue(client, employee, colleague, outsider):
    group = make_group(colleague, "Club", Group.PUBLIC, members=[employee])
    post = write(employee, "Questionable", audience=f"group:{group.pk}")
    client.force_login(outsider)
    response = client.post(reverse("feed:report", args=[post.pk]), {"reason": ""})
    assert response.status_code == 200 and "field--error" in response.content.decode()
    client.post(reverse("feed:report", args=[post.pk]), {"reason": "Spam"})
    assert Report.objects.filter(post=post, reporter=outsider).exists()
    assert client.get(reverse("feed:reports")).status_code == 403

    client.force_login(colleague)  # the group's owner
    response = client.get(reverse("feed:reports"))
    assert response.status_code == 200
    assert "Spam" in response.content.decode()
    report = Report.objects.get()
    client.post(reverse("feed:reports"), {"report": report.pk, "action": "remove"})
    assert not Post.objects.filter(pk=post.pk).exists()


def test_follow_buttons_and_following_page(client, employee, colleague):
    client.force_login(employee)
    profile = colleague.get_absolute_url()
    if profile:
        page = client.get(profile, follow=True).content.decode()
        assert f'name="person" value="{colleague.pk}"' in page
        own = client.get(employee.get_absolute_url(), follow=True).content.decode()
        assert f'name="person" value="{employee.pk}"' not in own
    client.post(reverse("feed:follow"), {"person": colleague.pk})
    assert Follow.objects.filter(follower=employee, user=colleague).exists()
    assert colleague.get_full_name() in client.get(reverse("feed:following")).content.decode()
    client.post(reverse("feed:follow"), {"person": colleague.pk, "action": "unfollow"})
    assert not Follow.objects.exists()
    response = client.post(reverse("feed:follow"), {"person": employee.pk}, follow=True)
    assert "cannot follow yourself" in response.content.decode()


def test_cannot_follow_a_secret_group_one_cannot_see(client, employee, colleague):
    group = make_group(colleague, "Hidden club", Group.SECRET)
    client.force_login(employee)
    assert client.post(reverse("feed:follow"), {"group": group.pk}).status_code == 404
    assert not Follow.objects.exists()


def test_follow_a_public_group_from_its_page(client, employee, colleague):
    group = make_group(colleague, "Cyclists", Group.PUBLIC)
    write(colleague, "Ride on Sunday", audience=f"group:{group.pk}")
    client.force_login(employee)
    assert "Ride on Sunday" not in client.get(reverse("feed:home")).content.decode()
    page = client.get(group.get_absolute_url()).content.decode()
    assert f'name="group" value="{group.pk}"' in page
    client.post(reverse("feed:follow"), {"group": group.pk, "next": group.get_absolute_url()})
    assert "Ride on Sunday" in client.get(reverse("feed:home")).content.decode()
    # Members get the group's posts anyway: no Follow button for them.
    client.force_login(colleague)
    page = client.get(group.get_absolute_url()).content.decode()
    assert f'action="{reverse("feed:follow")}"' not in page


def test_composer_publishes_an_event_in_a_group(logged_in, employee, colleague):
    group = make_group(colleague, "Hikers", Group.PRIVATE, members=[employee])
    response = logged_in.post(
        reverse("feed:compose"),
        {
            "group": group.pk,
            "audience": f"group:{group.pk}",
            "kind": "event",
            "text": "Bring water",
            "event-title": "Summit walk",
            "event-starts_at": "2099-06-01T09:00",
            "event-location": "Trailhead",
            "next": group.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    post = Post.objects.get()
    assert (post.group, post.kind, post.event.title) == (group, Post.EVENT, "Summit walk")


def test_composer_event_errors_next_to_the_fields(logged_in):
    response = logged_in.post(
        reverse("feed:compose"),
        {"audience": "all", "kind": "event", "text": "Party", "event-title": "Party"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_event-starts_at_error"' in body
    assert 'value="Party"' in body
    assert not Post.objects.exists()


def test_the_composer_lists_a_department_and_its_group_once_each_by_kind(
    client, colleague, departments
):
    """Regression: "Sales" was listed twice (the department and the department's group)."""
    import re

    from django.core.management import call_command

    call_command("sync_department_groups", stdout=open("/dev/null", "w"))  # noqa: SIM115
    client.force_login(colleague)
    html = client.get("/feed/").content.decode()
    select = re.search(r'<select name="audience".*?</select>', html, re.S).group(0)
    sales = departments["sales"]
    group = Group.objects.get(name=sales.name)
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select)
    assert (f"dept:{sales.pk}", "Sales · department") in options
    assert (f"group:{group.pk}", "Sales · group") in options
    labels = [label for _value, label in options]
    assert len(labels) == len(set(labels)) and "Sales" not in labels
    assert '<optgroup label="Departments">' in select and '<optgroup label="Groups">' in select
    # The values are the audience tokens, as the API takes them.
    data = {"audience": f"dept:{sales.pk}", "kind": "status", "text": "Hi"}
    response = client.post(reverse("feed:compose"), data)
    assert response.status_code == 302
    assert Post.objects.get(text="Hi").audience == f"dept:{sales.pk}"
