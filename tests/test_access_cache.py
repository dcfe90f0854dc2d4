"""What the visibility policy remembers between requests, and when it forgets.

Tokens, page restrictions, group ids, follows and permissions are read on every request;
``visibility.remembered`` keeps them in the cache until the person's access (or everyone's)
changes. Each test reads through a *new* user object, as the next request would.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from plugins.feed import queries as feed_queries
from plugins.feed import services as feed_services
from plugins.groups.models import Group, Membership
from portal import visibility
from portal.accounts.models import Department, User
from portal.core.models import PageAudience
from tests.factories import make_content_page, make_user
from tests.sample_plugin.models import Club

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """The person as the next request loads them."""
    return User.objects.get(pk=user.pk)


def tokens(user) -> frozenset[str]:
    return visibility.tokens_for(fresh(user))


def test_a_second_request_reads_nothing_to_know_the_tokens(employee):
    def request():
        reader = fresh(employee)
        with CaptureQueriesContext(connection) as context:
            found = visibility.tokens_for(reader)
            feed_queries.followed(reader)
            visibility.prime_permissions(reader)
            reader.has_perm("feed.pin_post")
        return found, len(context)

    first, cold = request()
    again, warm = request()
    assert again == first
    assert cold > 0 and warm == 0


def test_joining_and_leaving_a_group_change_the_tokens_at_once(employee, colleague):
    group = Group.objects.create(name="Guild", slug="guild", privacy=Group.PRIVATE)
    assert f"group:{group.pk}" not in tokens(employee)
    membership = Membership.objects.create(group=group, user=employee)
    assert f"group:{group.pk}" in tokens(employee)
    assert f"group:{group.pk}" not in tokens(colleague)
    membership.delete()
    assert f"group:{group.pk}" not in tokens(employee)


def test_a_group_made_public_gives_everyone_its_token(employee):
    group = Group.objects.create(name="Guild", slug="guild", privacy=Group.PRIVATE)
    assert f"group:{group.pk}" not in tokens(employee)
    group.privacy = Group.PUBLIC
    group.save()
    assert f"group:{group.pk}" in tokens(employee)
    group.privacy = Group.SECRET
    group.save()
    assert f"group:{group.pk}" not in tokens(employee)


def test_a_new_public_group_reaches_everyone(employee):
    tokens(employee)
    group = Group.objects.create(name="Open", slug="open", privacy=Group.PUBLIC)
    assert f"group:{group.pk}" in tokens(employee)


def test_changing_department_changes_the_tokens(employee, departments):
    before = tokens(employee)
    person = fresh(employee)
    person.department = departments["sales"]
    person.save()
    after = tokens(employee)
    assert after != before
    assert f"dept:{departments['sales'].pk}" in after


def test_a_department_moved_under_another_changes_its_people(employee, departments):
    sales = departments["sales"]
    tokens(employee)
    top = Department.objects.create(name="Holding", code="HOLD")
    platform = Department.objects.get(pk=fresh(employee).department_id)
    platform.parent = top
    platform.save()
    assert f"dept:{top.pk}" in tokens(employee)
    assert sales  # untouched


def test_a_plugin_token_is_forgotten_when_its_data_changes(employee):
    club = Club.objects.create(name="Chess")
    assert f"club:{club.pk}" not in tokens(employee)
    club.members.add(employee)
    assert f"club:{club.pk}" in tokens(employee)
    club.members.clear()
    assert f"club:{club.pk}" not in tokens(employee)


def test_following_changes_the_feed_sources_at_once(employee, colleague):
    assert feed_queries.followed(fresh(employee)) == ([], [])
    feed_services.follow(fresh(employee), person=colleague)
    assert feed_queries.followed(fresh(employee)) == ([colleague.pk], [])


def test_a_follow_in_the_same_request_is_seen_on_the_same_user_object(employee, colleague):
    reader = fresh(employee)
    assert feed_queries.followed(reader) == ([], [])
    feed_services.follow(reader, person=colleague)
    assert feed_queries.followed(reader) == ([colleague.pk], [])


def test_permissions_follow_groups_and_grants(employee):
    person = fresh(employee)
    visibility.prime_permissions(person)
    assert not person.has_perm("feed.pin_post")
    pin = Permission.objects.get(codename="pin_post")
    team = AuthGroup.objects.create(name="Animators")
    team.user_set.add(employee)
    person = fresh(employee)
    visibility.prime_permissions(person)
    assert not person.has_perm("feed.pin_post")
    team.permissions.add(pin)  # a group's permissions: everyone's cache is forgotten
    person = fresh(employee)
    visibility.prime_permissions(person)
    assert person.has_perm("feed.pin_post")
    team.user_set.remove(employee)
    person = fresh(employee)
    visibility.prime_permissions(person)
    assert not person.has_perm("feed.pin_post")


def test_page_restrictions_are_forgotten_when_pages_change(employee, home_page, departments):
    page = make_content_page(home_page, "Plans")
    assert visibility.can_view(fresh(employee), page)
    PageAudience.objects.create(page=page, department=departments["sales"])
    assert not visibility.can_view(fresh(employee), page)
    PageAudience.objects.filter(page=page).delete()
    assert visibility.can_view(fresh(employee), page)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    from wagtail.models import Page

    assert not visibility.filter_visible(fresh(employee), Page.objects.filter(pk=page.pk)).exists()


def test_an_evicted_version_never_brings_back_an_older_entry(employee):
    group = Group.objects.create(name="Guild", slug="guild", privacy=Group.PRIVATE)
    Membership.objects.create(group=group, user=employee)
    assert f"group:{group.pk}" in tokens(employee)
    # The versions vanish (evicted, or another process's cache restarted) while the
    # remembered entries stay: the next read must not find the old entry again.
    cache.delete_many(["portal:access:version", f"portal:access:version:{employee.pk}"])
    Membership.objects.filter(group=group, user=employee).update(role=Membership.MEMBER)
    Membership.objects.all()._raw_delete(Membership.objects.db)  # no signal at all
    assert f"group:{group.pk}" not in tokens(employee)


def test_anonymous_and_inactive_people_are_not_remembered(employee):
    from django.contrib.auth.models import AnonymousUser

    assert visibility.tokens_for(AnonymousUser()) == frozenset()
    person = fresh(employee)
    person.is_active = False
    assert visibility.tokens_for(person) == frozenset()


def test_nothing_is_remembered_across_people(employee, colleague, departments):
    other = make_user("other@example.com", department=departments["sales"])
    assert tokens(other) != tokens(employee)
    assert f"user:{colleague.pk}" in tokens(colleague)


def test_department_names_on_cards_follow_a_rename(employee):
    sales = fresh(employee).department
    post = feed_services.create_post(fresh(employee), text="Hi", audience=f"dept:{sales.pk}")
    [card] = feed_queries.load_posts([feed_queries.visible_posts(fresh(employee)).get()], employee)
    assert sales.name in str(card.audience_label)
    sales.name = "Ventes"
    sales.save()
    [card] = feed_queries.load_posts([post.__class__.objects.get(pk=post.pk)], fresh(employee))
    assert "Ventes" in str(card.audience_label)


def test_news_in_the_feed_are_shared_only_between_people_with_the_same_restrictions(
    employee, departments, home_page
):
    from portal.editorial.news.factories import make_news, make_news_index

    index = make_news_index(home_page)
    make_news(index, "For everyone")
    for_sales = make_news(index, "Sales figures")
    PageAudience.objects.create(page=for_sales, department=departments["sales"])
    seller = make_user("seller@example.com", department=departments["sales"])

    def titles(person):
        page = feed_queries.home_feed(fresh(person))
        return {item.page.title for item in page.items if item.page is not None}

    assert titles(seller) == {"For everyone", "Sales figures"}
    assert titles(employee) == {"For everyone"}  # not the seller's cached rows
    assert titles(seller) == {"For everyone", "Sales figures"}
    make_news(index, "Just published")
    assert "Just published" in titles(employee)
    for_sales.title = "Sales figures, corrected"
    for_sales.save_revision().publish()
    assert "Sales figures, corrected" in titles(seller)


def test_section_links_in_the_navigation_are_shared_and_follow_restrictions(
    client, employee, colleague, departments, home_page
):
    """A section's navigation entry (the first news index a person may see) is looked up
    once for everyone with the same page restrictions, and follows a restriction or an
    unpublication at once."""
    from portal.editorial.news.factories import make_news_index

    index = make_news_index(home_page)

    def news_link(user) -> bool:
        client.force_login(user)
        return f'href="{index.url}"' in client.get("/people/").content.decode()

    assert news_link(employee) and news_link(colleague)
    client.force_login(employee)
    with CaptureQueriesContext(connection) as queries:
        client.get("/people/")
    assert not [q for q in queries if "news_newsindexpage" in q["sql"]]

    PageAudience.objects.create(page=index, department=departments["engineering"])
    assert news_link(employee) and not news_link(colleague)
    index.unpublish()
    assert not news_link(employee)
