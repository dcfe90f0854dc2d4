"""schemathesis over the messaging part of the API schema (/api/conversations/...), as an
employee who takes part in the demo conversations: no server error, only status codes the
schema lists, bodies that fit it (the whole API's run is tests/test_api_schema_fuzz.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from schemathesis import GenerationMode

from tests.test_api_schema_fuzz import (  # noqa: F401  (the fixture)
    CHECKS,
    EXAMPLES,
    FUZZ_SETTINGS,
    _ensure_token,
    _load_schema,
    wsgi_app,
)

pytestmark = pytest.mark.django_db


def test_messaging_api_matches_its_schema(wsgi_app):  # noqa: F811
    from django.contrib.auth import get_user_model

    from plugins.messaging import services

    User = get_user_model()
    employee = User.objects.get(email="employee@example.com")
    others = list(User.objects.filter(is_active=True).exclude(pk=employee.pk)[:3])
    conversation = services.start_group(employee, [u.pk for u in others], "Fuzz")
    services.post_message(others[0], conversation, "hello https://example.org")
    loaded = _load_schema(wsgi_app)
    failures = []
    operations = 0
    for result in loaded.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/conversations"):
            continue
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(FUZZ_SETTINGS, max_examples=EXAMPLES[mode])
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                key = _ensure_token("employee")
                case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)

            try:
                run()
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode}): {str(error)[:1500]}")
    assert operations >= 10
    assert not failures, "\n\n".join(failures)
