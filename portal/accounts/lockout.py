"""Growing delays after repeated failed logins for one account, on every login path.

Failures are counted by the account name as typed (so an unknown address is treated
exactly like a real one and the answer tells nothing), on the shared cache. After
``PORTAL_LOGIN_LOCKOUT_FAILURES`` failures in a row, the account is refused for
``PORTAL_LOGIN_LOCKOUT_SECONDS``, doubled at each further failure up to
``PORTAL_LOGIN_LOCKOUT_MAX_SECONDS``: a guesser is slowed to a few tries an hour while
the real person waits a quarter of an hour at most, or resets their password. A
successful login or a password reset clears the count.

:class:`portal.accounts.backends.LockoutBackend` refuses a locked account before any
password is checked; the ``user_login_failed`` and ``user_logged_in`` receivers in
:mod:`portal.accounts.handlers` keep the count. Every path (the login page, the admin's
login, API tokens) goes through Django's ``authenticate()``, so through both.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

from portal.ratelimit import client_ip, normalise_identifier

logger = logging.getLogger("portal.security")

#: Set on the request by the backend when it refused a locked account: the seconds left.
REFUSED_ATTRIBUTE = "_portal_login_locked"


def _key(kind: str, identifier: str) -> str:
    digest = hashlib.sha256(normalise_identifier(identifier).encode("utf-8", "replace"))
    return f"login-{kind}:{digest.hexdigest()}"


def seconds_left(identifier: str) -> int:
    """How long the account stays refused; 0 when it is not locked."""
    until = cache.get(_key("locked", identifier))
    if until is None:
        return 0
    return max(0, math.ceil(until - time.time()))


def record_failure(identifier: str, request=None) -> int:
    """Count a failed login; lock the account when the failures reach the threshold.

    Returns the seconds of the lock this failure started (0 if none)."""
    if not normalise_identifier(identifier):
        return 0
    failures_key = _key("failures", identifier)
    memory = settings.PORTAL_LOGIN_FAILURES_MEMORY_SECONDS
    cache.add(failures_key, 0, memory)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # expired between add and incr
        cache.set(failures_key, 1, memory)
        failures = 1
    cache.touch(failures_key, memory)
    address = client_ip(request) if request is not None else "unknown"
    logger.warning(
        "Failed login for %s from %s (%d in a row)",
        normalise_identifier(identifier),
        address,
        failures,
    )
    threshold = settings.PORTAL_LOGIN_LOCKOUT_FAILURES
    if failures < threshold:
        return 0
    lock = min(
        settings.PORTAL_LOGIN_LOCKOUT_SECONDS * 2 ** (failures - threshold),
        settings.PORTAL_LOGIN_LOCKOUT_MAX_SECONDS,
    )
    cache.set(_key("locked", identifier), time.time() + lock, lock)
    logger.warning(
        "Login locked for %s for %d seconds after %d failed attempts (last from %s)",
        normalise_identifier(identifier),
        lock,
        failures,
        address,
    )
    return lock


def clear(identifier: str) -> None:
    """Forget the failures and any lock of an account (it logged in or reset its password)."""
    cache.delete_many([_key("failures", identifier), _key("locked", identifier)])


def refused_seconds(request) -> int:
    """The seconds left of the lock that made ``authenticate()`` refuse this request; 0
    when the refusal (if any) was a wrong password."""
    return getattr(request, REFUSED_ATTRIBUTE, 0) if request is not None else 0


def identifier_from_credentials(credentials: dict) -> str:
    """The account name in what was passed to ``authenticate()`` (``username`` for the
    login forms, the user model's own field, ``email``, for API tokens)."""
    from django.contrib.auth import get_user_model

    field = get_user_model().USERNAME_FIELD
    return normalise_identifier(credentials.get("username") or credentials.get(field) or "")
