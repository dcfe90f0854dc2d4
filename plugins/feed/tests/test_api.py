"""/api/posts/, /api/feed/, /api/follows/, /api/reports/, /api/mentions/: permissions of
every endpoint, writes, cursor pagination, pins and relaunches, query counts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from plugins.feed import services
from plugins.feed.models import Post, Report
from plugins.feed.tests.test_services import make_group
from plugins.groups import services as groups
from plugins.groups.models import Group
from tests.factories import make_user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return client


@pytest.fixture
def outsider(departments):
    return make_user("outsider@example.com", department=departments["sales"])


@pytest.fixture
def private_group(employee, colleague):
    return make_group(employee, "Design", members=[colleague])


@pytest.fixture
def private_post(employee, private_group):
    return services.create_post(employee, text="Group only", audience=f"group:{private_group.pk}")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 2), "blue").save(buffer, "PNG")
    return buffer.getvalue()


# --- Every endpoint: anonymous 401 ---------------------------------------------------------


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/posts/"),
        ("post", "/api/posts/"),
        ("get", "/api/posts/{pk}/"),
        ("patch", "/api/posts/{pk}/"),
        ("delete", "/api/posts/{pk}/"),
        ("post", "/api/posts/{pk}/pin/"),
        ("delete", "/api/posts/{pk}/pin/"),
        ("post", "/api/posts/{pk}/relaunch/"),
        ("post", "/api/posts/{pk}/report/"),
        ("get", "/api/feed/"),
        ("get", "/api/feed/last-24-hours/"),
        ("get", "/api/follows/"),
        ("post", "/api/follows/"),
        ("get", "/api/reports/"),
        ("get", "/api/mentions/"),
    ],
)
def test_anonymous_callers_get_401(api_client, employee, method, url):
    post = services.create_post(employee, text="Hello")
    response = getattr(api_client, method)(url.format(pk=post.pk), {}, format="json")
    assert response.status_code == 401
    assert response.json()["status"] == 401


# --- Outsiders: 404 for every action on a post they may not see -------------------------------


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("get", "", None),
        ("patch", "", {"text": "x"}),
        ("delete", "", None),
        ("post", "pin/", None),
        ("delete", "pin/", None),
        ("post", "relaunch/", None),
        ("post", "report/", {"reason": "spam"}),
    ],
)
def test_outsiders_get_404_for_every_action(
    outsider, administrator, private_post, method, path, data
):
    for user in (outsider, administrator):
        response = getattr(client_for(user), method)(
            f"/api/posts/{private_post.pk}/{path}", data, format="json"
        )
        assert response.status_code == 404, (user, method, path)
    assert Post.objects.filter(pk=private_post.pk, pinned=False, relaunched_at=None).exists()
    assert not Report.objects.exists()


def test_outsiders_never_see_private_posts_in_lists(outsider, private_group, private_post):
    client = client_for(outsider)
    public = services.create_post(outsider, text="Public")
    ids = [p["id"] for p in client.get("/api/posts/").json()["results"]]
    assert ids == [public.pk]
    assert client.get(f"/api/posts/?group={private_group.pk}").json()["results"] == []
    feed = client.get("/api/feed/").json()
    assert private_post.pk not in [i["post"]["id"] for i in feed["results"] if i["type"] == "post"]


def test_a_removed_member_loses_access_at_once(employee, colleague, private_group, private_post):
    client = client_for(colleague)
    assert client.get(f"/api/posts/{private_post.pk}/").status_code == 200
    groups.remove_member(employee, private_group, colleague)
    client = client_for(colleague)
    assert client.get(f"/api/posts/{private_post.pk}/").status_code == 404


# --- Reading ----------------------------------------------------------------------------------


def test_post_json(employee, colleague, private_group):
    client = client_for(employee)
    response = client.post(
        "/api/posts/",
        {
            "text": f"Hi @[C](user:{colleague.pk}) #Design <script>x()</script>",
            "audience": f"group:{private_group.pk}",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["kind"] == "status" and data["audience"] == f"group:{private_group.pk}"
    assert data["author"]["id"] == employee.pk and data["author"]["name"]
    assert data["group"] == {
        "id": private_group.pk,
        "name": "Design",
        "url": private_group.get_absolute_url(),
    }
    assert "<script" not in data["html"] and 'class="mention"' in data["html"]
    assert data["hashtags"] == ["design"]
    assert data["link_preview"] is None and data["attachments"] == []
    assert data["permissions"] == {
        "edit": True,
        "delete": True,
        "pin": True,
        "relaunch": True,
        "moderate": True,
    }
    assert data["url"] == f"/feed/posts/{data['id']}/"
    assert {"comment_count", "reaction_count", "extras", "event", "poll"} <= set(data)
    other = client_for(colleague).get(f"/api/posts/{data['id']}/").json()
    assert other["permissions"]["edit"] is False and other["permissions"]["pin"] is False


def test_list_filters(employee, colleague, private_group):
    status = services.create_post(employee, text="Status #alpha")
    in_group = services.create_post(colleague, text="Group", audience=f"group:{private_group.pk}")
    client = client_for(employee)

    def ids(query):
        response = client.get(f"/api/posts/?{query}")
        assert response.status_code == 200, response.json()
        return [p["id"] for p in response.json()["results"]]

    assert ids("") == [in_group.pk, status.pk]
    assert ids(f"group={private_group.pk}") == [in_group.pk]
    assert ids(f"author={employee.pk}") == [status.pk]
    assert ids("tag=alpha") == [status.pk]
    assert ids("kind=status") == [in_group.pk, status.pk]
    assert ids("kind=poll") == []
    response = client.get("/api/posts/?group=abc")
    assert response.status_code == 400 and "group" in response.json()["errors"]
    assert client.get("/api/posts/?kind=story").status_code == 400


# --- Writing ----------------------------------------------------------------------------------


def test_create_with_files_as_multipart(employee):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(employee).post(
        "/api/posts/",
        {
            "text": "Photos",
            "files": [
                SimpleUploadedFile("a.png", png(), content_type="image/png"),
                SimpleUploadedFile("b.pdf", b"%PDF-1.4", content_type="application/pdf"),
            ],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    image, document = response.json()["attachments"]
    assert (image["is_image"], image["width"], image["height"]) == (True, 3, 2)
    assert document["name"] == "b.pdf" and document["url"].startswith("/feed/attachments/")


def test_bad_input_says_which_field(employee, colleague, departments):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(employee)
    group = make_group(colleague, "Elsewhere")
    for payload, field in [
        ({"text": "x", "audience": f"group:{group.pk}"}, "audience"),
        ({"text": "x", "audience": f"dept:{departments['sales'].pk}"}, "audience"),
        ({"text": ""}, "text"),
        ({"text": "x", "kind": "story"}, "kind"),
        ({"text": "x" * 20_001}, "text"),
        ({"kind": "event", "event": {"title": ""}}, "event"),
        ({"kind": "poll", "poll": {"question": "Q?", "options": ["one"]}}, "poll"),
    ]:
        response = client.post("/api/posts/", payload, format="json")
        assert response.status_code == 400, payload
        body = response.json()
        assert body["code"] == "invalid" and field in body["errors"], (payload, body)
    response = client.post(
        "/api/posts/",
        {"text": "x", "files": [SimpleUploadedFile("run.exe", b"MZ")]},
        format="multipart",
    )
    assert response.status_code == 400 and "run.exe" in response.json()["errors"]["files"][0]
    assert not Post.objects.exists()


def test_event_and_poll_posts(employee, colleague):
    client = client_for(employee)
    starts = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    response = client.post(
        "/api/posts/",
        {
            "kind": "event",
            "text": "Come along",
            "event": {"title": "Summer party", "starts_at": starts.isoformat(), "location": "Roof"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    event = response.json()["event"]
    assert event["title"] == "Summer party" and event["location"] == "Roof"

    response = client.post(
        "/api/posts/",
        {"kind": "poll", "poll": {"question": "Lunch?", "options": ["Pizza", "Salad"]}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    poll = response.json()["poll"]
    assert poll["question"] == "Lunch?"
    assert [o["label"] for o in poll["options"]] == ["Pizza", "Salad"]
    option = poll["options"][0]["id"]
    voted = client_for(colleague).post(
        f"/api/posts/{response.json()['id']}/vote/", {"options": [option]}, format="json"
    )
    assert voted.status_code == 200, voted.json()


def test_only_the_author_edits_and_moderators_delete(employee, colleague, outsider, private_group):
    post = services.create_post(colleague, text="Mine", audience=f"group:{private_group.pk}")
    response = client_for(employee).patch(
        f"/api/posts/{post.pk}/", {"text": "Owner's words"}, format="json"
    )
    assert response.status_code == 403  # the group's owner moderates, but does not edit
    response = client_for(colleague).patch(
        f"/api/posts/{post.pk}/", {"text": "Edited #new", "audience": "all"}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["edited_at"] and data["hashtags"] == ["new"]
    assert data["audience"] == f"group:{private_group.pk}"  # the audience never changes
    assert client_for(colleague).put(f"/api/posts/{post.pk}/", {"text": "x"}).status_code == 405

    public = services.create_post(colleague, text="Public")
    assert client_for(outsider).delete(f"/api/posts/{public.pk}/").status_code == 403
    assert client_for(employee).delete(f"/api/posts/{post.pk}/").status_code == 204
    assert not Post.objects.filter(pk=post.pk).exists()


# --- Pins, relaunches ---------------------------------------------------------------------------


def test_pin_and_relaunch(employee, colleague, editor):
    old = services.create_post(colleague, text="Everyone missed this")
    for index in range(3):
        services.create_post(colleague, text=f"Later {index}")
    client = client_for(employee)
    assert client.post(f"/api/posts/{old.pk}/pin/").status_code == 403
    assert client.post(f"/api/posts/{old.pk}/relaunch/").status_code == 403

    editor_client = client_for(editor)
    response = editor_client.post(f"/api/posts/{old.pk}/relaunch/")
    assert response.status_code == 200 and response.json()["relaunched_at"]
    assert response.json()["permissions"]["relaunch"] is False
    again = editor_client.post(f"/api/posts/{old.pk}/relaunch/")
    assert again.status_code == 400 and "already" in str(again.json()["errors"])

    first = client.get("/api/feed/").json()["results"][0]
    assert first["type"] == "post" and first["post"]["id"] == old.pk
    assert first["post"]["relaunched_at"]

    pinned = services.create_post(colleague, text="Pin me")
    assert editor_client.post(f"/api/posts/{pinned.pk}/pin/").json()["pinned"] is True
    feed = client.get("/api/feed/").json()
    assert [p["id"] for p in feed["pinned"]] == [pinned.pk]
    assert editor_client.delete(f"/api/posts/{pinned.pk}/pin/").json()["pinned"] is False


def test_group_moderators_pin_in_their_group(employee, colleague, private_group):
    post = services.create_post(colleague, text="Rules", audience=f"group:{private_group.pk}")
    newer = services.create_post(colleague, text="Newer", audience=f"group:{private_group.pk}")
    assert client_for(colleague).post(f"/api/posts/{post.pk}/pin/").status_code == 403
    assert client_for(employee).post(f"/api/posts/{post.pk}/pin/").status_code == 200
    results = client_for(colleague).get(f"/api/posts/?group={private_group.pk}").json()["results"]
    assert [p["id"] for p in results] == [post.pk, newer.pk]


# --- The home feed: cursor pagination ----------------------------------------------------------


def test_cursor_pagination_has_no_duplicates_or_gaps_while_posts_arrive(employee, colleague):
    originals = [services.create_post(colleague, text=f"Post {i}") for i in range(23)]
    client = client_for(employee)
    seen = []
    url = "/api/feed/?limit=5"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json()
        body = response.json()
        seen.extend(i["post"]["id"] for i in body["results"] if i["type"] == "post")
        if pages == 1:  # new posts arrive while the reader scrolls
            services.create_post(colleague, text="Breaking")
            services.create_post(colleague, text="Breaking again")
        url = body["next"]
        pages += 1
        assert pages < 20
    assert len(seen) == len(set(seen))
    assert [p for p in seen if p in {o.pk for o in originals}] == [o.pk for o in originals][::-1]


def test_feed_limit_and_cursor_are_checked(employee):
    client = client_for(employee)
    assert client.get("/api/feed/?limit=51").status_code == 400
    assert client.get("/api/feed/?limit=0").status_code == 400
    response = client.get("/api/feed/?cursor=not-a-cursor")
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


def test_feed_includes_published_news(employee, home_page):
    from portal.editorial.news.models import NewsIndexPage, NewsPage

    index = home_page.add_child(instance=NewsIndexPage(title="News", slug="news"))
    fields = {"title": "We moved", "slug": "we-moved"}
    if "summary" in {f.name for f in NewsPage._meta.get_fields()}:
        fields["summary"] = "New offices."
    news = index.add_child(instance=NewsPage(**fields))
    news.save_revision().publish()
    results = client_for(employee).get("/api/feed/").json()["results"]
    pages = [item["page"] for item in results if item["type"] == "news"]
    assert pages and pages[0]["id"] == news.pk and pages[0]["title"] == "We moved"
    assert set(pages[0]) == {"id", "title", "url", "intro", "first_published_at"}


def test_last_24_hours(employee, colleague):
    post = services.create_post(colleague, text="Fresh")
    for url in ("/api/feed/last-24-hours/", "/api/feed/?view=last24h"):
        body = client_for(employee).get(url).json()
        assert [i["post"]["id"] for i in body["results"]] == [post.pk]


def test_feed_query_count_does_not_grow_with_the_page(employee, colleague, private_group):
    def count(limit):
        client = client_for(employee)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/feed/?limit={limit}").status_code == 200
        return len(queries)

    def posts_count(size):
        client = client_for(employee)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/posts/?page_size={size}").status_code == 200
        return len(queries)

    for index in range(12):
        audience = f"group:{private_group.pk}" if index % 2 else "all"
        services.create_post(colleague, text=f"Post {index} #tag{index % 3}", audience=audience)
    count(2)  # warm the caches (content types, permissions)
    assert count(3) == count(12)
    posts_count(2)
    assert posts_count(3) == posts_count(12)


# --- Follows, reports, mentions ---------------------------------------------------------------


def test_follows(employee, colleague, outsider):
    client = client_for(employee)
    response = client.post("/api/follows/", {"user_id": colleague.pk}, format="json")
    assert response.status_code == 201 and response.json()["user"]["id"] == colleague.pk
    assert client.post("/api/follows/", {"user_id": employee.pk}, format="json").status_code == 400
    assert client.post("/api/follows/", {"user_id": 999999}, format="json").status_code == 400
    secret = make_group(outsider, "Hidden", privacy=Group.SECRET)
    response = client.post("/api/follows/", {"group_id": secret.pk}, format="json")
    assert response.status_code == 400 and "group_id" in response.json()["errors"]
    public = make_group(outsider, "Open", privacy=Group.PUBLIC)
    assert client.post("/api/follows/", {"group_id": public.pk}, format="json").status_code == 201
    assert client.post("/api/follows/", {}, format="json").status_code == 400
    follows = client.get("/api/follows/").json()["results"]
    assert len(follows) == 2
    mine = follows[0]["id"]
    assert client_for(colleague).delete(f"/api/follows/{mine}/").status_code == 404
    assert client.delete(f"/api/follows/{mine}/").status_code == 204
    assert len(client.get("/api/follows/").json()["results"]) == 1


def test_reports_queue(employee, colleague, outsider, administrator, private_group):
    public = services.create_post(employee, text="Rude")
    in_group = services.create_post(employee, text="Rude too", audience=f"group:{private_group.pk}")
    response = client_for(outsider).post(
        f"/api/posts/{public.pk}/report/", {"reason": "Rude"}, format="json"
    )
    assert response.status_code == 201
    again = client_for(outsider).post(
        f"/api/posts/{public.pk}/report/", {"reason": "Rude"}, format="json"
    )
    assert again.status_code == 400
    assert client_for(outsider).post(f"/api/posts/{public.pk}/report/", {}).status_code == 400
    client_for(colleague).post(f"/api/posts/{in_group.pk}/report/", {"reason": "Off"})

    admin_queue = client_for(administrator).get("/api/reports/").json()["results"]
    assert [r["post"]["id"] for r in admin_queue] == [public.pk]
    group_queue = client_for(employee).get("/api/reports/").json()["results"]
    assert [r["post"]["id"] for r in group_queue] == [in_group.pk]
    assert client_for(outsider).get("/api/reports/").json()["results"] == []

    report = admin_queue[0]["id"]
    assert client_for(employee).post(f"/api/reports/{report}/resolve/").status_code == 404
    response = client_for(administrator).post(
        f"/api/reports/{report}/resolve/", {"remove": True}, format="json"
    )
    assert response.status_code == 200
    assert not Post.objects.filter(pk=public.pk).exists()


def test_mention_suggestions(employee, colleague):
    response = client_for(employee).get("/api/mentions/?q=colleague")
    assert response.status_code == 200
    found = response.json()
    assert found and found[0]["kind"] == "user" and found[0]["id"] == colleague.pk


def test_the_author_renames_a_poll_after_it_closed(employee):
    """Its closing time, now in the past, is kept rather than refused as "not in the future"."""
    post = services.create_post(
        employee,
        kind=Post.POLL,
        poll={
            "question": "Lunch place?",
            "options": ["Pizza", "Sushi"],
            "closes_at": timezone.now() + timedelta(hours=1),
        },
    )
    closes_at = timezone.now() - timedelta(minutes=5)
    type(post.poll).objects.filter(pk=post.poll.pk).update(closes_at=closes_at)
    post.refresh_from_db()
    response = client_for(employee).patch(
        f"/api/posts/{post.pk}/",
        {
            "poll": {
                "question": "Lunch place on Friday?",
                "options": ["Pizza", "Sushi"],
                "closes_at": closes_at.isoformat(),
            }
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    post.poll.refresh_from_db()
    assert post.poll.question == "Lunch place on Friday?"
    assert post.poll.closes_at == closes_at
