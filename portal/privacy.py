"""Data-protection requests: export or erase everything the portal holds about a person.

Each plugin's ``privacy.py`` provides ``export_user_data(user)`` (JSON-serialisable data)
and ``erase_user_data(user)``. Erasure runs in one transaction: if any plugin fails,
nothing is erased.
"""

from __future__ import annotations

from django.db import transaction

from portal import signals
from portal.plugins import plugin_submodules


def export_user_data(user) -> dict:
    data = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "department": user.department.name if user.department else None,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": user.role_names,
        }
    }
    for config, module in plugin_submodules("privacy"):
        data[config.label] = module.export_user_data(user)
    return data


@transaction.atomic
def erase_user_data(user) -> None:
    """Erase the person's content in every plugin and anonymise the account (kept
    inactive so that references from other people's content stay valid)."""
    for _config, module in plugin_submodules("privacy"):
        module.erase_user_data(user)
    signals.user_erased.send(sender=type(user), user=user)
    user.first_name = ""
    user.last_name = ""
    user.email = f"erased-{user.pk}@invalid"
    user.is_active = False
    user.preferred_language = ""
    user.set_unusable_password()
    user.save()
