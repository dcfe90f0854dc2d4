"""Links to people: the bookmark button on a profile, and account links that lead there."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_person_is_bookmarked_from_their_profile_and_listed_with_a_link(
    client, employee, colleague
):
    from plugins.bookmarks.models import Bookmark

    client.force_login(employee)
    profile_url = f"/people/{colleague.profile.pk}/"
    html = client.get(profile_url).content.decode()
    assert "data-bookmark-toggle" in html and 'value="accounts.user"' in html
    client.post("/bookmarks/toggle/", {"type": "accounts.user", "id": colleague.pk})
    assert Bookmark.objects.filter(user=employee, object_id=colleague.pk).exists()
    listed = client.get("/api/bookmarks/").json()["results"][0]
    assert listed["url"] == f"/people/account/{colleague.pk}/"
    assert client.get(listed["url"])["Location"] == profile_url


def test_the_account_link_of_a_deactivated_person_is_not_found(client, employee, colleague):
    colleague.is_active = False
    colleague.save()
    client.force_login(employee)
    assert client.get(f"/people/account/{colleague.pk}/").status_code == 404
