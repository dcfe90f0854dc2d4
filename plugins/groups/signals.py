"""The groups plugin's contributions to the core."""

from django.contrib.auth import get_user_model

from portal import signals, visibility


def group_tokens(sender, user, **kwargs):
    """Members hold ``group:<id>`` for their groups; everyone holds it for public groups."""
    from plugins.groups.services import token_group_ids

    return [visibility.group_token(pk) for pk in token_group_ids(user)]


signals.audience_tokens.connect(
    group_tokens, sender=get_user_model(), dispatch_uid="groups_audience_tokens"
)
