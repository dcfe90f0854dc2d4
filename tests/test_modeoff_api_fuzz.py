"""schemathesis on /api/me/modeoff/ alone (the whole schema's fuzz runs in
tests/test_api_schema_fuzz.py): valid and invalid bodies never give a server error, and
every answer matches the schema."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from schemathesis import GenerationMode

from tests.test_api_schema_fuzz import (  # noqa: F401 (wsgi_app is a fixture)
    CHECKS,
    FUZZ_SETTINGS,
    _ensure_token,
    _load_schema,
    wsgi_app,
)

pytestmark = pytest.mark.django_db


def test_the_modeoff_endpoint_survives_fuzzing(wsgi_app):  # noqa: F811
    loaded = _load_schema(wsgi_app)
    failures, seen = [], 0
    for result in loaded.get_all_operations():
        operation = result.ok()
        if operation.path != "/api/me/modeoff/":
            continue
        seen += 1
        modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE][: 2 if operation.body else 1]
        for mode in modes:

            @settings(FUZZ_SETTINGS, max_examples=40)
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                key = _ensure_token("employee")
                case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=CHECKS)

            try:
                run()
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode}): {str(error)[:1500]}")
    assert seen == 3
    assert not failures, "\n\n".join(failures)
