"""Data-protection requests: export or erase everything the portal holds about a person.

Each plugin's (and core app's) ``privacy.py`` provides ``export_user_data(user)``
(JSON-serialisable data) and ``erase_user_data(user)``. Erasure runs in one transaction:
if any of them fails, nothing is erased.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from types import ModuleType

from django.apps import apps
from django.db import transaction

from portal import signals
from portal.plugins import PluginConfig


def privacy_modules() -> Iterator[tuple[str, ModuleType]]:
    """``(label, module)`` for every enabled plugin and core app shipping ``privacy.py``."""
    for config in apps.get_app_configs():
        if not (isinstance(config, PluginConfig) or config.name.startswith("portal.")):
            continue
        dotted = f"{config.name}.privacy"
        if importlib.util.find_spec(dotted) is not None:
            yield config.label, importlib.import_module(dotted)


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
    for label, module in privacy_modules():
        data[label] = module.export_user_data(user)
    return data


@transaction.atomic
def erase_user_data(user) -> None:
    """Erase the person's content in every plugin and anonymise the account (kept
    inactive so that references from other people's content stay valid)."""
    for _label, module in privacy_modules():
        module.erase_user_data(user)
    signals.user_erased.send(sender=type(user), user=user)
    user.first_name = ""
    user.last_name = ""
    user.email = f"erased-{user.pk}@invalid"
    user.is_active = False
    user.preferred_language = ""
    user.set_unusable_password()
    user.save()
