"""Shares: a post that links a news article, a course, a session... shown as a preview
card only to the people who may see the object, a neutral placeholder to the others."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from plugins.feed import queries, services, sharing
from plugins.feed.models import Post
from plugins.feed.tests.test_services import delivered, make_group, mention  # noqa: F401
from plugins.groups import services as groups
from plugins.groups.models import Group
from portal import interactions, visibility
from portal.lookups import NOT_FOUND
from tests.factories import make_user

User = get_user_model()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def news(home_page):
    from portal.editorial.news.factories import make_image, make_news, make_news_index

    index = make_news_index(home_page)
    return make_news(
        index,
        "Quarterly results are in",
        summary="Revenue grew by a tenth.",
        hero_image=make_image(),
        hero_alt="A chart",
    )


@pytest.fixture
def course(home_page):
    from portal.editorial.learning.factories import make_course, make_course_index

    return make_course(make_course_index(home_page), "Safety basics", intro="Stay safe at work.")


@pytest.fixture
def session(home_page):
    from portal.editorial.wellness.tests.factories import make_section, make_session

    return make_session(make_section(home_page), "Lunchtime yoga", intro="<p>Bring a mat.</p>")


@pytest.fixture
def platform_only_news(home_page, departments, news):
    """News for the Platform department only (the employee's; not the colleague's)."""
    from portal.core.models import PageAudience
    from portal.editorial.news.factories import make_news

    secret = make_news(news.get_parent(), "Platform reorganisation", summary="Who moves where.")
    PageAudience.objects.create(page=secret, department=departments["platform"])
    return secret


@pytest.fixture
def guild(employee, colleague):
    return make_group(employee, "Guild", members=[colleague])


# --- The service ------------------------------------------------------------------------------


def test_sharing_a_news_article_to_the_feed(employee, colleague, news):
    post = services.share(employee, news, text="Worth a read")
    assert post.kind == Post.SHARE and post.audience == visibility.EVERYONE
    assert post.shared_type == ContentType.objects.get_for_model(type(news))
    assert post.shared_id == news.pk
    [card] = queries.load_posts([Post.objects.get(pk=post.pk)], fresh(colleague))
    preview = card.shared_preview
    assert preview["title"] == "Quarterly results are in"
    assert preview["kind"] == "News"
    assert preview["excerpt"] == "Revenue grew by a tenth."
    assert preview["url"] == news.get_url()
    assert preview["image"].endswith(".png") and "fill-480x270" in preview["image"]
    assert (preview["type"], preview["id"]) == ("pages", news.pk)


def test_sharing_a_course_and_a_session_to_a_group(employee, colleague, guild, course, session):
    on_course = services.share(employee, course, text="Join me", group=guild)
    on_session = services.share(employee, session, group=guild)  # no comment: allowed
    assert on_course.group == guild and on_course.audience == f"group:{guild.pk}"
    assert on_session.text == "" and on_session.group == guild
    page = queries.group_feed(fresh(colleague), guild)
    previews = {p.pk: p.shared_preview for p in page.posts}
    assert previews[on_course.pk]["kind"] == "Course"
    assert previews[on_course.pk]["excerpt"] == "Stay safe at work."
    assert previews[on_session.pk]["kind"] == "Wellness session"
    assert previews[on_session.pk]["excerpt"] == "Bring a mat."  # rich text, as plain text
    assert previews[on_session.pk]["image"] == ""


def test_the_audience_and_the_group_are_checked_like_a_post(employee, colleague, departments, news):
    theirs = make_group(colleague, "Sales club", privacy=Group.PUBLIC)
    secret = make_group(colleague, "Board", privacy=Group.SECRET)
    with pytest.raises(ValidationError) as error:
        services.share(employee, news, group=theirs)
    assert "group" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.share(employee, news, group=secret)
    assert error.value.message_dict == {"group": [str(NOT_FOUND)]}
    with pytest.raises(ValidationError) as error:
        services.share(employee, news, audience=f"dept:{departments['sales'].pk}")
    assert "audience" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.share(employee, news, text="x" * 30_000)
    assert "text" in error.value.message_dict
    post = services.share(employee, news, audience=f"dept:{departments['platform'].pk}")
    assert post.audience == f"dept:{departments['platform'].pk}"
    assert Post.objects.count() == 1


def test_a_share_is_made_by_sharing_only(employee, news):
    with pytest.raises(ValidationError) as error:
        services.create_post(employee, text="x", kind=Post.SHARE)
    assert "kind" in error.value.message_dict


def test_an_invisible_object_answers_like_a_missing_one(
    employee, colleague, platform_only_news, content_page
):
    hidden = [platform_only_news, content_page]  # hidden from the colleague; not shareable
    for obj in hidden:
        with pytest.raises(Http404) as error:
            services.share(colleague, obj)
        assert str(error.value) == str(NOT_FOUND)
    for prefix, pk in [
        ("pages", platform_only_news.pk),
        ("pages", 999_999),
        ("pages", content_page.pk),
        ("nothing", 1),
        ("pages", "12abc"),
        ("posts", 999_999),
    ]:
        with pytest.raises(Http404) as error:
            sharing.lookup(fresh(colleague), prefix, pk)
        assert str(error.value) == str(NOT_FOUND)
    assert not Post.objects.exists()


def test_mentions_and_group_notifications_like_a_post(
    employee,
    colleague,
    guild,
    news,
    delivered,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.share(employee, news, text=f"For you {mention(colleague)}", group=guild)
    assert delivered.of("mention") == [["colleague@example.com"]]


def test_resharing_a_share_shares_the_original(employee, colleague, news, platform_only_news):
    first = services.share(employee, news, text="Read this")
    again = services.share(fresh(colleague), first, text="Indeed")
    assert (again.shared_type_id, again.shared_id) == (first.shared_type_id, news.pk)
    # A share of something the re-sharer may not see is nothing to them.
    hidden = services.share(employee, platform_only_news, text="Our team")
    with pytest.raises(Http404):
        services.share(fresh(colleague), hidden)
    # A post that is no share is not shareable.
    status = services.create_post(employee, text="Plain")
    with pytest.raises(Http404):
        services.share(fresh(colleague), status)


# --- Who sees what ------------------------------------------------------------------------------


def test_an_outsider_sees_the_comment_and_a_placeholder_only(
    client, employee, colleague, platform_only_news
):
    post = services.share(employee, platform_only_news, text="Big changes for us")
    title, slug = platform_only_news.title, platform_only_news.slug
    url = platform_only_news.get_url()

    [mine] = queries.load_posts([Post.objects.get(pk=post.pk)], fresh(employee))
    assert mine.shared_preview["title"] == title
    [theirs] = queries.load_posts([Post.objects.get(pk=post.pk)], fresh(colleague))
    assert theirs.shared_preview is None

    client.force_login(colleague)
    for path in (reverse("feed:home"), reverse("feed:post", args=[post.pk])):
        html = client.get(path).content.decode()
        assert "Big changes for us" in html
        assert "This content is not available to you." in html
        assert title not in html and slug not in html and url not in html
        assert f"/feed/share/posts/{post.pk}/" not in html

    api = client_for(colleague)
    for path in (f"/api/posts/{post.pk}/", "/api/feed/", "/api/posts/?kind=share"):
        response = api.get(path)
        assert response.status_code == 200
        body = response.content.decode()
        assert title not in body and slug not in body and url not in body
        assert f'"id":{platform_only_news.pk},' not in body.replace(" ", "")
        assert "shared_id" not in body and "shared_type" not in body
    assert api.get(f"/api/posts/{post.pk}/").json()["shared"] == {"unavailable": True}
    assert client_for(employee).get(f"/api/posts/{post.pk}/").json()["shared"] == {
        "unavailable": False,
        "type": "pages",
        "id": platform_only_news.pk,
        "kind": "News",
        "title": title,
        "excerpt": "Who moves where.",
        "image": "",
        "url": url,
    }


def test_an_unpublished_or_deleted_object_gives_the_placeholder(employee, news, course):
    on_news = services.share(employee, news, text="News")
    on_course = services.share(employee, course, text="Course")
    news.unpublish()
    course.delete()
    cards = queries.load_posts(Post.objects.filter(pk__in=[on_news.pk, on_course.pk]), employee)
    assert [card.shared_preview for card in cards] == [None, None]
    body = client_for(employee).get(f"/api/posts/{on_news.pk}/").json()
    assert body["shared"] == {"unavailable": True}


def test_a_member_who_leaves_the_group_loses_the_share(employee, colleague, guild, course):
    post = services.share(employee, course, text="For the guild", group=guild)
    api = client_for(colleague)
    assert api.get(f"/api/posts/{post.pk}/").status_code == 200
    groups.leave(fresh(colleague), guild)
    assert api.get(f"/api/posts/{post.pk}/").status_code == 404
    assert post.pk not in [p.pk for p in queries.home_feed(fresh(colleague)).posts]


# --- Query counts ------------------------------------------------------------------------------


def test_feed_queries_stay_constant_with_shares_of_several_kinds(
    employee, colleague, guild, news, course, session, platform_only_news
):
    """Pages of 4 and of 16 posts, each 4 in a row holding a share of each kind (and one
    hidden from the reader), cost the same number of queries."""
    author = fresh(employee)
    for n in range(4):
        services.share(author, news, text=f"News {n}")
        services.share(author, course, text=f"Course {n}", group=guild)
        services.share(author, session, text=f"Session {n}")
        services.share(author, platform_only_news, text=f"Hidden {n}")

    def count(limit):
        reader = fresh(colleague)
        with CaptureQueriesContext(connection) as captured:
            page = queries.home_feed(reader, limit=limit)
        posts = [item.post for item in page.items if item.post is not None]
        assert len(posts) == limit
        assert sum(p.shared_preview is None for p in posts) == limit // 4
        return len(captured)

    # Each size is asked twice: the first fills the caches (content types, renditions,
    # the reader's access, the news rows of that size).
    count(4)
    count(16)
    assert count(4) == count(16)

    api = client_for(colleague)

    def api_count(limit):
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"/api/feed/?limit={limit}").status_code == 200
        return len(captured)

    api_count(4)
    api_count(16)
    assert api_count(4) == api_count(16)


def test_a_page_without_shares_asks_nothing_about_them(
    employee, colleague, django_assert_num_queries
):
    services.create_post(fresh(colleague), text="Nothing shared")
    posts, reader = list(Post.objects.all()), fresh(employee)
    with django_assert_num_queries(0):
        sharing.attach(posts, reader)


# --- The API ---------------------------------------------------------------------------------


def test_sharing_through_the_api(employee, colleague, guild, news, course):
    api = client_for(employee)
    response = api.post(
        "/api/shares/", {"type": "pages", "id": news.pk, "text": "Look"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "share" and body["text"] == "Look"
    assert body["shared"]["title"] == news.title and body["shared"]["unavailable"] is False
    response = api.post(
        "/api/shares/", {"type": "pages", "id": course.pk, "group": guild.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["group"]["id"] == guild.pk
    # Sharing a share again, through the posts prefix.
    again = client_for(colleague).post(
        "/api/shares/", {"type": "posts", "id": body["id"]}, format="json"
    )
    assert again.status_code == 201, again.content
    assert again.json()["shared"]["id"] == news.pk


def test_bad_input_names_the_field(employee, colleague, news):
    api = client_for(employee)
    theirs = make_group(colleague, "Sales club", privacy=Group.PUBLIC)
    cases = [
        ({"type": "widgets", "id": news.pk}, "type"),
        ({"id": news.pk}, "type"),
        ({"type": "pages"}, "id"),
        ({"type": "pages", "id": "abc"}, "id"),
        ({"type": "pages", "id": 2**70}, "id"),
        ({"type": "pages", "id": 0}, "id"),
        ({"type": "pages", "id": news.pk, "group": "x"}, "group"),
        ({"type": "pages", "id": news.pk, "group": theirs.pk}, "group"),
        ({"type": "pages", "id": news.pk, "audience": "dept:999"}, "audience"),
        ({"type": "pages", "id": news.pk, "text": "x" * 30_000}, "text"),
        ({"type": "pages", "id": news.pk, "group": theirs.pk, "audience": "all"}, "audience"),
    ]
    for data, field in cases:
        response = api.post("/api/shares/", data, format="json")
        assert response.status_code == 400, (data, response.content)
        assert field in response.json()["errors"], (data, response.json())
    assert not Post.objects.exists()
    # The composer's endpoint makes no share.
    response = api.post("/api/posts/", {"kind": "share", "text": "x"}, format="json")
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_hidden_missing_and_unshareable_give_one_answer(
    employee, colleague, platform_only_news, content_page
):
    api = client_for(colleague)
    answers = []
    for pk in (platform_only_news.pk, 999_999, content_page.pk):
        response = api.post("/api/shares/", {"type": "pages", "id": pk}, format="json")
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 400 and answers[0][1]["errors"] == {"id": [str(NOT_FOUND)]}
    assert not Post.objects.exists()


# --- The pages --------------------------------------------------------------------------------


def test_share_button_and_share_page(client, employee, colleague, guild, course):
    client.force_login(employee)
    share_url = reverse("feed:share", args=["pages", course.pk])
    page = client.get(course.get_url())
    assert share_url in page.content.decode()
    form = client.get(share_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert course.title in html and f'value="group:{guild.pk}"' in html
    response = client.post(share_url, {"audience": f"group:{guild.pk}", "text": "Join me"})
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == post.get_absolute_url()
    assert post.group == guild and post.shared_id == course.pk
    html = client.get(reverse("feed:group", args=[guild.slug])).content.decode()
    assert "Join me" in html and course.title in html and course.get_url() in html
    # Shares count against the posts' rate limit.
    from plugins.feed import views

    assert views.share.rate_limit_scope == "post"


def test_share_page_refuses_what_one_may_not_share(
    client, employee, colleague, platform_only_news, content_page, news
):
    client.force_login(colleague)
    for prefix, pk in [
        ("pages", platform_only_news.pk),
        ("pages", 999_999),
        ("pages", content_page.pk),
        ("nothing", news.pk),
    ]:
        assert client.get(reverse("feed:share", args=[prefix, pk])).status_code == 404
        assert client.post(reverse("feed:share", args=[prefix, pk]), {}).status_code == 404
    # No button where one may not share: a page that is not shareable.
    assert (
        reverse("feed:share", args=["pages", content_page.pk])
        not in client.get(content_page.get_url()).content.decode()
    )
    theirs = make_group(employee, "Platform crew")
    response = client.post(
        reverse("feed:share", args=["pages", news.pk]), {"audience": f"group:{theirs.pk}"}
    )
    assert response.status_code == 400 and not Post.objects.exists()


# --- The preview's declaration ------------------------------------------------------------------


@pytest.fixture
def custom_course_preview():
    from portal.core.interactive import declare_page
    from portal.editorial.learning.models import CoursePage

    declared = interactions.declaration_for(CoursePage)
    interactions._registry[CoursePage] = interactions.Interactive(
        **{
            **declared.__dict__,
            "preview": lambda course: {"excerpt": f"{course.estimated_duration} minutes"},
        }
    )
    yield
    declare_page(CoursePage)


def test_a_declaration_overrides_the_preview(employee, course, custom_course_preview):
    preview = interactions.preview_of(course)
    assert preview["excerpt"] == f"{course.estimated_duration} minutes"
    assert preview["title"] == "Safety basics" and preview["kind"] == "Course"


def test_what_is_shareable(db):
    labels = {d.label for d in interactions.shareable()}
    assert {
        "news.newspage",
        "learning.coursepage",
        "learning.lessonpage",
        "wellness.wellnesssessionpage",
        "weeks.themedweekpage",
    } <= labels
    assert {"pages", "posts"} <= set(sharing.prefixes())


def test_outsider_with_no_department_sees_the_placeholder(employee, platform_only_news):
    loner = make_user("loner@example.com")
    post = services.share(employee, platform_only_news, text="Ours")
    [card] = queries.load_posts([Post.objects.get(pk=post.pk)], loner)
    assert card.shared_preview is None
