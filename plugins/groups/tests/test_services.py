"""The rules of groups: creation, joining, requests, invitations, roles, leaving."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plugins.groups import privacy, services
from plugins.groups.models import Group, Invitation, JoinRequest, Membership
from plugins.groups.tests.conftest import image_upload
from portal import signals, visibility
from portal.text import render, suggest_mentions
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def role(group, user):
    found = Membership.objects.filter(group=group, user=user).first()
    return found.role if found else None


class TestCreate:
    def test_creator_is_owner_and_slug_is_unique(self, owner, employee):
        first = services.create_group(owner, name="Café Lyon", tags="food, #lyon, food")
        second = services.create_group(employee, name="Café Lyon")
        third = services.create_group(employee, name="Café Lyon")
        assert (first.slug, second.slug, third.slug) == ("cafe-lyon", "cafe-lyon-2", "cafe-lyon-3")
        assert role(first, owner) == Membership.OWNER
        assert sorted(t.name for t in first.tags.all()) == ["food", "lyon"]
        assert first.created_by == owner

    def test_reserved_addresses_are_not_used(self, owner):
        assert services.create_group(owner, name="New").slug == "new-2"

    def test_every_wrong_field_is_named_and_nothing_is_written(self, owner):
        with pytest.raises(ValidationError) as caught:
            services.create_group(owner, name="  ", privacy="hidden", tags=["x" * 60])
        assert set(caught.value.message_dict) == {"name", "privacy", "tags"}
        assert not Group.objects.filter(department__isnull=True).exists()

    def test_cover_is_checked_by_content_and_size(self, owner, settings):
        from django.core.files.uploadedfile import SimpleUploadedFile

        with pytest.raises(ValidationError) as caught:
            services.create_group(
                owner, name="Covers", cover=SimpleUploadedFile("x.png", b"not an image")
            )
        assert "JPEG, PNG, WebP or GIF" in caught.value.message_dict["cover"][0]
        big = image_upload()
        big.size = services.MAX_COVER_BYTES + 1
        with pytest.raises(ValidationError) as caught:
            services.create_group(owner, name="Covers", cover=big)
        assert "5 MB" in caught.value.message_dict["cover"][0]
        group = services.create_group(owner, name="Covers", cover=image_upload())
        assert group.cover.name.startswith("groups/covers/")

    def test_creation_takes_the_permission(self, owner):
        from portal.accounts import roles

        roles.remove_role(owner, roles.EMPLOYEE)
        owner = type(owner).objects.get(pk=owner.pk)
        with pytest.raises(PermissionDenied):
            services.create_group(owner, name="Nope")


class TestUpdateAndDelete:
    def test_moderators_edit_but_only_owners_change_privacy(self, public_group, owner, employee):
        services.join(employee, public_group)
        with pytest.raises(PermissionDenied):
            services.update_group(employee, public_group, description="mine now")
        services.set_role(owner, public_group, employee, Membership.MODERATOR)
        services.update_group(employee, public_group, description="Runs on Tuesdays")
        with pytest.raises(ValidationError) as caught:
            services.update_group(employee, public_group, privacy="secret")
        assert "privacy" in caught.value.message_dict
        services.update_group(owner, public_group, privacy="secret", tags=["run"])
        public_group.refresh_from_db()
        assert public_group.privacy == "secret"
        assert public_group.description == "Runs on Tuesdays"
        assert [t.name for t in public_group.tags.all()] == ["run"]

    def test_delete_is_for_owners(self, public_group, owner, employee):
        services.join(employee, public_group)
        with pytest.raises(PermissionDenied):
            services.delete_group(employee, public_group)
        services.delete_group(owner, public_group)
        assert not Group.objects.filter(pk=public_group.pk).exists()

    def test_administrators_delete_any_group(self, public_group, administrator):
        services.delete_group(administrator, public_group)
        assert not Group.objects.filter(pk=public_group.pk).exists()


class TestJoining:
    def test_join_a_public_group(self, public_group, employee):
        received = []

        def record(sender, actor, verb, obj, **kwargs):
            received.append((actor, verb, obj))

        signals.activity.connect(record, dispatch_uid="groups_test_activity")
        try:
            services.join(employee, public_group)
        finally:
            signals.activity.disconnect(dispatch_uid="groups_test_activity")
        assert role(public_group, employee) == Membership.MEMBER
        assert received == [(employee, "joined_group", public_group)]
        assert services.join(employee, public_group).role == Membership.MEMBER  # idempotent

    def test_private_group_needs_a_request(
        self, private_group, employee, owner, delivered, django_capture_on_commit_callbacks
    ):
        with pytest.raises(ValidationError):
            services.join(employee, private_group)
        with django_capture_on_commit_callbacks(execute=True):
            join_request = services.request_to_join(employee, private_group, "Hello")
        assert join_request.status == JoinRequest.PENDING
        assert services.request_to_join(employee, private_group) == join_request
        assert delivered == [("group_request", [owner.email])]
        assert not services.is_member(employee, private_group)

    def test_approve_and_decline(
        self, private_group, employee, colleague, owner, delivered,
        django_capture_on_commit_callbacks,
    ):  # fmt: skip
        first = services.request_to_join(employee, private_group)
        second = services.request_to_join(colleague, private_group)
        with pytest.raises(PermissionDenied):
            services.approve_request(colleague, first)
        with django_capture_on_commit_callbacks(execute=True):
            services.approve_request(owner, first)
            services.decline_request(owner, second)
        assert services.is_member(employee, private_group)
        assert not services.is_member(colleague, private_group)
        assert ("group_request_answered", [employee.email]) in delivered
        assert ("group_request_answered", [colleague.email]) in delivered
        with pytest.raises(ValidationError):
            services.approve_request(owner, second)

    def test_secret_group_cannot_be_asked_or_joined(self, secret_group, employee):
        with pytest.raises(ValidationError):
            services.join(employee, secret_group)
        with pytest.raises(ValidationError):
            services.request_to_join(employee, secret_group)

    def test_a_request_can_be_withdrawn(self, private_group, employee):
        services.request_to_join(employee, private_group)
        services.cancel_request(employee, private_group)
        assert services.pending_request(employee, private_group) is None


class TestInvitations:
    def test_members_invite_to_private_groups(
        self, private_group, owner, employee, colleague, delivered,
        django_capture_on_commit_callbacks,
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.invite(colleague, private_group, [employee])
        with django_capture_on_commit_callbacks(execute=True):
            created = services.invite(owner, private_group, [employee, owner])
        assert [i.user for i in created] == [employee]
        assert services.invite(owner, private_group, [employee]) == []  # already invited
        assert delivered == [("group_invitation", [employee.email])]

    def test_only_moderators_invite_to_secret_groups(
        self, secret_group, owner, employee, colleague
    ):
        services.invite(owner, secret_group, [employee])
        services.accept_invitation(employee, services.pending_invitation(employee, secret_group))
        with pytest.raises(PermissionDenied):
            services.invite(employee, secret_group, [colleague])
        services.set_role(owner, secret_group, employee, Membership.MODERATOR)
        assert len(services.invite(employee, secret_group, [colleague])) == 1

    def test_invited_people_see_the_secret_group_until_they_decline(
        self, secret_group, owner, employee
    ):
        assert not visibility.can_view(employee, secret_group)
        services.invite(owner, secret_group, [employee])
        assert visibility.can_view(employee, secret_group)
        assert not services.can_see_content(employee, secret_group)
        invitation = services.pending_invitation(employee, secret_group)
        with pytest.raises(PermissionDenied):
            services.decline_invitation(owner, invitation)
        services.decline_invitation(employee, invitation)
        assert not visibility.can_view(employee, secret_group)
        with pytest.raises(ValidationError):
            services.accept_invitation(employee, invitation)

    def test_accepting_joins_and_grants_the_token(self, secret_group, owner, employee):
        services.invite(owner, secret_group, [employee])
        assert visibility.group_token(secret_group.pk) not in visibility.tokens_for(employee)
        services.join(employee, secret_group)  # joining an invited group accepts
        assert visibility.group_token(secret_group.pk) in visibility.tokens_for(employee)
        assert Invitation.objects.get().status == Invitation.ACCEPTED

    def test_inactive_people_are_not_invited(self, public_group, owner, employee):
        employee.is_active = False
        employee.save()
        with pytest.raises(ValidationError):
            services.invite(owner, public_group, [employee])


class TestMembers:
    def test_removed_member_loses_access_at_once(self, private_group, owner, employee):
        services.invite(owner, private_group, [employee])
        services.join(employee, private_group)
        token = visibility.group_token(private_group.pk)
        assert token in visibility.tokens_for(employee)
        services.remove_member(owner, private_group, employee)
        assert token not in visibility.tokens_for(employee)
        assert not services.can_see_content(employee, private_group)

    def test_moderators_remove_members_but_not_owners(
        self, public_group, owner, employee, colleague
    ):
        services.join(employee, public_group)
        services.join(colleague, public_group)
        with pytest.raises(PermissionDenied):
            services.remove_member(colleague, public_group, employee)
        services.set_role(owner, public_group, colleague, Membership.MODERATOR)
        with pytest.raises(PermissionDenied):
            services.remove_member(colleague, public_group, owner)
        services.remove_member(colleague, public_group, employee)
        assert not services.is_member(employee, public_group)

    def test_last_owner_names_a_successor_to_leave(self, public_group, owner, employee):
        with pytest.raises(ValidationError) as caught:
            services.leave(owner, public_group)
        assert "new_owner" in caught.value.message_dict
        services.join(employee, public_group)
        services.leave(owner, public_group, new_owner=employee)
        assert role(public_group, employee) == Membership.OWNER
        assert role(public_group, owner) is None

    def test_roles_are_changed_by_owners_and_an_owner_remains(self, public_group, owner, employee):
        services.join(employee, public_group)
        with pytest.raises(PermissionDenied):
            services.set_role(employee, public_group, employee, Membership.OWNER)
        with pytest.raises(ValidationError):
            services.set_role(owner, public_group, owner, Membership.MEMBER)
        with pytest.raises(ValidationError):
            services.set_role(owner, public_group, employee, "king")
        services.set_role(owner, public_group, employee, Membership.OWNER)  # transfer
        services.set_role(owner, public_group, owner, Membership.MEMBER)
        assert role(public_group, owner) == Membership.MEMBER

    def test_follow_closely_is_for_members(self, public_group, employee):
        with pytest.raises(ValidationError):
            services.set_follow_closely(employee, public_group, True)
        services.join(employee, public_group)
        services.set_follow_closely(employee, public_group, True)
        assert services.close_followers(public_group) == [employee]


class TestMentions:
    def test_group_mention_resolves_and_concerns_members(self, public_group, owner):
        rendered = render(
            f"Hello @[Runners](group:{public_group.pk}) and @[Ghost](group:999999)", owner
        )
        assert ("group", public_group.pk) in rendered.mentions
        assert public_group.get_absolute_url() in rendered.html
        assert "@Ghost" in rendered.html and "group:999999" not in rendered.html
        assert rendered.mentioned_users() == [owner]

    def test_suggestions_never_show_a_secret_group_to_outsiders(
        self, secret_group, private_group, owner, employee
    ):
        def groups(user, q):
            return [s["label"] for s in suggest_mentions(user, q) if s["kind"] == "group"]

        assert groups(employee, "Acquisition") == []
        assert groups(employee, "Board") == ["Board"]
        assert groups(owner, "Acquisition") == ["Acquisition project"]


class TestPrivacy:
    def test_export_and_erase_hand_over_ownership(
        self, public_group, private_group, owner, employee
    ):
        services.join(employee, public_group)
        services.request_to_join(employee, private_group)
        exported = privacy.export_user_data(employee)
        assert "Runners" in [m["group"] for m in exported["memberships"]]
        assert exported["join_requests"][0]["group"] == "Board"
        lonely = services.create_group(owner, name="Alone")
        privacy.erase_user_data(owner)
        assert role(public_group, employee) == Membership.OWNER
        assert Group.objects.filter(pk=lonely.pk).exists()
        assert not Membership.objects.filter(user=owner).exists()
        privacy.erase_user_data(employee)
        assert not JoinRequest.objects.filter(user=employee).exists()


def test_search_document_and_tokens(secret_group, public_group, private_group):
    from search.registry import searchable_types

    searchable = searchable_types()["groups.group"]
    document = searchable.to_document(public_group)
    assert document["title"] == "Runners" and document["tags"] == ["sport"]
    assert visibility.tokens_for_object(secret_group) == {visibility.group_token(secret_group.pk)}
    assert visibility.tokens_for_object(private_group) == {visibility.EVERYONE}


def test_metrics(public_group):
    from plugins.groups.metrics import collect_metrics

    metrics = {m.key: m.value for m in collect_metrics()}
    assert metrics["groups.user_created"] == 1


def test_outsiders_hold_no_secret_token(secret_group):
    stranger = make_user("stranger@example.com")
    assert visibility.group_token(secret_group.pk) not in visibility.tokens_for(stranger)
