"""schemathesis over the whole API schema (/api/schema/), in process through WSGI.

Every operation gets a bounded number of generated requests, as an employee and as an
administrator (token auth), on the demo company (groups, posts, a poll, an event, pages,
sessions, courses, weeks), and every answer must be no server error, have a status code the
schema lists for the operation and a body that fits the schema for that code.

Path ids are drawn half of the time from the objects that exist, so that the fuzzer reaches
real posts, groups and pages and not only 404s. The run is deterministic (``derandomize``)
and keeps no Hypothesis database.
"""

from __future__ import annotations

import io
import logging

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

#: Generated requests per operation and role, valid and invalid (about a minute of CPU per
#: role on SQLite).
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

TOKENS = {
    "employee": ("employee@example.com", "e" * 40),
    "administrator": ("admin@example.com", "a" * 40),
}


@pytest.fixture
def wsgi_app(home_page, caplog, settings):
    """The portal as a WSGI server runs it, with the demo company loaded.

    The fuzzer writes far faster than any person: the rate limits are lifted, or most of its
    writes would only meet a 429 (tests/test_ratelimit.py checks the limits).

    Django closes its database connection at the end of each request; a test runs in one
    transaction, so the connection must stay (as Django's own test client arranges)."""
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import close_old_connections

    settings.PORTAL_RATE_LIMITS = dict.fromkeys(settings.PORTAL_RATE_LIMITS, (None, None))
    call_command("load_demo", stdout=io.StringIO())
    # Thousands of 4xx answers: only server errors are worth a log line here.
    caplog.set_level(logging.ERROR, logger="django.request")
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _ensure_token(role: str) -> str:
    """The role's token, created again when a fuzzed DELETE /api/auth/token/ revoked it."""
    from rest_framework.authtoken.models import Token

    from portal.accounts.models import User

    email, key = TOKENS[role]
    Token.objects.get_or_create(user=User.objects.get(email=email), defaults={"key": key})
    return key


def _existing_ids() -> list[int]:
    """Ids of objects that exist, for path parameters (ids of every kind mixed: a post's id
    used as a group's id is another fair question)."""
    from wagtail.models import Page

    from plugins.feed.models import Post
    from plugins.groups.models import Group
    from portal.accounts.models import User

    ids = set()
    for model in (Post, Group, User, Page):
        ids.update(model.objects.values_list("pk", flat=True)[:20])
    return sorted(ids)


def _load_schema(app):
    loaded = schemathesis.openapi.from_wsgi(
        "/api/schema/", app, headers={"Authorization": f"Token {_ensure_token('administrator')}"}
    )
    ids = _existing_ids()

    @loaded.hook
    def flatmap_path_parameters(context, path_parameters):
        if not isinstance(path_parameters, dict) or not path_parameters:
            return st.just(path_parameters)
        real = {
            name: st.sampled_from(ids) if name.endswith("id") else st.just(value)
            for name, value in path_parameters.items()
        }
        return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))

    return loaded


FUZZ_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


def _fuzz(app, role: str) -> tuple[int, list[str]]:
    """Run every operation of the schema as ``role``: how many operations, and the
    failures (one paragraph each)."""
    loaded = _load_schema(app)
    failures = []
    operations = 0
    for result in loaded.get_all_operations():
        operation = result.ok()
        operations += 1
        negatable = operation.path_parameters or operation.query or operation.body
        modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE][: 2 if negatable else 1]
        for mode in modes:

            @settings(FUZZ_SETTINGS, max_examples=EXAMPLES[mode])
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                key = _ensure_token(role)
                case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)

            try:
                run()
            except (Exception, BaseExceptionGroup) as error:  # every failure, reported below
                failures.append(f"{operation.label} ({mode}): {str(error)[:1500]}")
    return operations, failures


def _report(role: str, operations: int, failures: list[str]) -> None:
    assert operations > 90, f"only {operations} operations in the schema"
    assert not failures, f"{len(failures)} failures as {role}:\n\n" + "\n\n".join(failures)


def test_api_matches_its_schema_for_an_employee(wsgi_app):
    _report("employee", *_fuzz(wsgi_app, "employee"))


def test_api_matches_its_schema_for_an_administrator(wsgi_app):
    _report("administrator", *_fuzz(wsgi_app, "administrator"))
