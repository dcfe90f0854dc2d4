"""Nobody approves (or features) their own initiative unless PORTAL_ALLOW_SELF_APPROVAL:
the API answers 403 with a reason, the admin queue offers no approve button to the
author and refuses with a message; rejecting one's own stays possible."""

from __future__ import annotations

import pytest
from django.test import override_settings

from portal import approvals
from portal.editorial.weeks import services
from portal.editorial.weeks.models import Initiative
from portal.editorial.weeks.tests.factories import grant_moderation, make_initiative
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def moderate_url(initiative) -> str:
    return f"/api/weeks/initiatives/{initiative.pk}/moderate/"


@pytest.fixture
def own(week, moderator):
    return make_initiative(week, moderator, "My own car-sharing")


@pytest.mark.parametrize("action", ["approve", "feature"])
def test_the_api_refuses_approving_ones_own_initiative(api_client, own, moderator, action):
    api_client.force_authenticate(moderator)
    response = api_client.post(moderate_url(own), {"action": action})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "self_approval"
    assert body["detail"] == str(approvals.SELF_APPROVAL_MESSAGE)
    own.refresh_from_db()
    assert (own.status, own.featured, own.moderated_by) == (
        Initiative.Status.SUBMITTED,
        False,
        None,
    )


def test_the_author_may_still_reject_their_own(api_client, own, moderator):
    api_client.force_authenticate(moderator)
    response = api_client.post(moderate_url(own), {"action": "reject"})
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_another_moderator_approves_it(api_client, own, moderator):
    other = make_user("other-editor@example.com", role="editor")
    grant_moderation(other)
    api_client.force_authenticate(other)
    response = api_client.post(moderate_url(own), {"action": "approve"})
    assert response.status_code == 200 and response.json()["status"] == "approved"


@override_settings(PORTAL_ALLOW_SELF_APPROVAL=True)
def test_the_setting_allows_self_approval(api_client, own, moderator):
    api_client.force_authenticate(moderator)
    assert api_client.post(moderate_url(own), {"action": "feature"}).status_code == 200
    own.refresh_from_db()
    assert own.status == Initiative.Status.APPROVED and own.featured


def test_the_service_refuses_too(own, moderator):
    with pytest.raises(approvals.SelfApprovalRefused):
        services.moderate_initiative(moderator, own, services.APPROVE)
    assert not services.may_approve(moderator, own)


def test_the_admin_queue_offers_no_approval_of_ones_own(client, own, week, moderator, colleague):
    make_initiative(week, colleague, "Bike workshop")
    client.force_login(moderator)
    html = client.get("/admin/weeks/initiatives/").content.decode()
    own_row = html[html.index("My own car-sharing") : html.index("Bike workshop")]
    assert 'value="approve"' not in own_row and 'value="feature"' not in own_row
    assert "Your own initiative: another editor approves it." in own_row
    assert 'value="reject"' in own_row
    their_row = html[html.index("Bike workshop") :]
    assert 'value="approve"' in their_row


def test_the_admin_refuses_a_crafted_approval_with_a_message(client, own, moderator):
    client.force_login(moderator)
    response = client.post(
        f"/admin/weeks/initiatives/{own.pk}/moderate/", {"action": "approve"}, follow=True
    )
    assert "You cannot approve your own submission" in response.content.decode()
    own.refresh_from_db()
    assert own.status == Initiative.Status.SUBMITTED


def test_the_featured_button_is_not_offered_for_ones_own_approved_initiative(
    client, week, moderator
):
    make_initiative(week, moderator, "Mine, approved", status=Initiative.Status.APPROVED)
    client.force_login(moderator)
    html = client.get("/admin/weeks/initiatives/").content.decode()
    row = html[html.index("Mine, approved") :]
    assert 'value="feature"' not in row and 'value="reject"' in row
