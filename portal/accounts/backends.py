"""The authentication backend: Django's, refusing accounts locked by failed logins."""

from __future__ import annotations

import logging

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from portal.accounts import lockout
from portal.ratelimit import client_ip

logger = logging.getLogger("portal.security")


class LockoutBackend(ModelBackend):
    """Check the lock before the password: a locked account is refused even with the
    right password, and ``PermissionDenied`` stops Django from asking other backends."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = lockout.identifier_from_credentials({"username": username, **kwargs})
        wait = lockout.seconds_left(identifier) if identifier else 0
        if wait:
            if request is not None:
                setattr(request, lockout.REFUSED_ATTRIBUTE, wait)
            logger.warning(
                "Login refused for %s from %s: locked for %d more seconds",
                identifier,
                client_ip(request) if request is not None else "unknown",
                wait,
            )
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
