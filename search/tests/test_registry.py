"""The search registry: the core's types (people, pages) and the plugins' ones, their
documents, which objects they index and which changes re-index them. (A disabled plugin's
types disappearing is tests/test_plugin_contract.py's business.)"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.rich_text import RichText

from portal import visibility
from portal.core.models import ContentPage
from portal.editorial.learning.factories import make_course, make_course_index, make_lesson
from portal.editorial.learning.models import CoursePage, LessonPage
from portal.editorial.news.factories import make_news, make_news_index
from portal.editorial.news.models import NewsPage
from portal.editorial.wellness.models import WellnessSessionPage
from portal.editorial.wellness.tests.factories import make_section, make_session
from search import documents
from search.registry import searchable_types, types_for_model, watchers_of
from tests.factories import make_content_page, make_user

PAGE_KEYS = {
    "pages.contentpage",
    "pages.newspage",
    "pages.resourcepage",
    "pages.coursepage",
    "pages.lessonpage",
    "pages.wellnesssessionpage",
    "pages.themedweekpage",
}


def test_core_and_plugin_types_are_registered():
    types = searchable_types()
    assert {"people.person", *PAGE_KEYS} <= set(types)
    assert {"feed.post", "comments.comment", "groups.group"} <= set(types)
    assert types["people.person"].model is get_user_model()
    assert types["people.person"].person
    assert [key for key, s in types.items() if s.person] == ["people.person"]
    # Courses and wellness sessions are types of their own, named like their pages.
    assert types["pages.coursepage"].model is CoursePage
    assert str(types["pages.coursepage"].label) == "Courses"
    assert types["pages.wellnesssessionpage"].model is WellnessSessionPage
    assert str(types["pages.wellnesssessionpage"].label) == "Wellness sessions"
    assert str(types["pages.newspage"].label) == "News"


def test_a_page_belongs_to_its_concrete_type_only():
    assert [s.key for s in types_for_model(LessonPage)] == ["pages.lessonpage"]
    assert [s.key for s in types_for_model(ContentPage)] == ["pages.contentpage"]
    from wagtail.models import Page

    assert types_for_model(Page) == []


def test_watch_relations():
    from plugins.comments.models import Comment
    from plugins.feed.models import Event, Poll, Post
    from plugins.people.models import Profile
    from portal.accounts.models import Department

    def watchers(model):
        return {searchable.key for searchable, _related in watchers_of(model)}

    assert watchers(Post) == {"comments.comment"}
    assert watchers(Event) == watchers(Poll) == {"feed.post"}
    assert watchers(Profile) == watchers(Department) == {"people.person"}
    assert watchers(Comment) == set()


@pytest.mark.django_db
def test_a_post_re_indexes_its_comments(employee):
    from plugins.comments import services as comments
    from plugins.feed import services as feed

    post = feed.create_post(employee, text="Hello")
    comment = comments.add_comment(employee, post, "First")
    [(searchable, related)] = list(watchers_of(type(post)))
    assert [c.pk for c in related(post)] == [comment.pk]


@pytest.mark.django_db
def test_people_documents(employee, departments):
    from plugins.people.models import Profile

    profile, _ = Profile.objects.get_or_create(user=employee)
    profile.job_title = "Data engineer"
    profile.location = "Lyon"
    profile.save()
    profile.skills.set(["python", "sql"])
    searchable = searchable_types()["people.person"]
    person = searchable.all_objects().get(pk=employee.pk)
    document = documents.build(searchable, person)
    assert document.title == employee.get_full_name()
    assert "Data engineer" in document.body and "Platform" in document.body
    assert "Lyon" in document.body
    assert document.tags == ["python", "sql"]
    assert document.url == employee.get_absolute_url()
    assert document.tokens == {visibility.EVERYONE}

    employee.is_active = False
    employee.save()
    assert not searchable.should_index(employee)
    assert documents.build(searchable, employee) is None
    assert not searchable.all_objects().filter(pk=employee.pk).exists()


@pytest.mark.django_db
def test_a_person_without_profile_still_has_a_document(departments):
    person = make_user("noprofile@example.com", department=departments["sales"])
    from plugins.people.models import Profile

    Profile.objects.filter(user=person).delete()
    person = get_user_model().objects.get(pk=person.pk)
    document = documents.build(searchable_types()["people.person"], person)
    assert document.title == person.get_full_name()
    assert document.body == "Sales"


@pytest.mark.django_db
def test_page_documents(home_page):
    page = make_content_page(
        home_page,
        "Travel policy",
        intro="How to book trains",
        body=[("paragraph", RichText("<p>Second class <b>always</b></p>"))],
    )
    searchable = searchable_types()["pages.contentpage"]
    document = documents.build(searchable, searchable.all_objects().get(pk=page.pk))
    assert document.key == "pages.contentpage"
    assert document.title == "Travel policy"
    assert "How to book trains" in document.body
    assert "Second class always" in document.body
    assert "<b>" not in document.body
    assert document.url == page.url
    page.refresh_from_db()
    assert document.date == page.first_published_at
    assert document.tokens == {visibility.EVERYONE}


@pytest.mark.django_db
def test_news_course_lesson_and_session_documents(home_page):
    news = make_news(
        make_news_index(home_page), "Canteen reopens", tags=("food",), summary="New menu"
    )
    course_index = make_course_index(home_page)
    course = make_course(course_index, "Python basics", intro="Learn loops")
    lesson = make_lesson(course, "Variables", text="Names for values")
    session = make_session(make_section(home_page), "Lunchtime yoga", coach="Ada")
    types = searchable_types()

    def build(key, page):
        searchable = types[key]
        return documents.build(searchable, searchable.all_objects().get(pk=page.pk))

    news_doc = build("pages.newspage", news)
    assert news_doc.tags == ["food"] and "New menu" in news_doc.body
    assert news_doc.date.date() == news.date
    assert "Learn loops" in build("pages.coursepage", course).body
    assert "Names for values" in build("pages.lessonpage", lesson).body
    session_doc = build("pages.wellnesssessionpage", session)
    assert "Ada" in session_doc.body and "Room Everest" in session_doc.body
    assert session_doc.date == session.starts_at


@pytest.mark.django_db
def test_only_live_pages_are_indexed(home_page):
    page = make_content_page(home_page, "Draft soon")
    searchable = searchable_types()["pages.contentpage"]
    assert searchable.all_objects().filter(pk=page.pk).exists()
    page.unpublish()
    page.refresh_from_db()
    assert not searchable.all_objects().filter(pk=page.pk).exists()
    assert not searchable.should_index(page)
    assert documents.build(searchable, page) is None


@pytest.mark.django_db
def test_plugin_declarations_keep_their_document_shape(employee):
    from plugins.feed import services as feed

    post = feed.create_post(employee, text="Shape #check")
    searchable = searchable_types()["feed.post"]
    loaded = searchable.all_objects().get(pk=post.pk)
    assert set(searchable.to_document(loaded)) == {
        "title",
        "body",
        "author",
        "date",
        "tags",
        "type",
        "url",
    }
    assert NewsPage in {s.model for s in searchable_types().values()}
