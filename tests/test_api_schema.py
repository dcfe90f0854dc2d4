"""The OpenAPI schema says what the API does: error answers, nullable fields, objects that
are not lists, bounds of query parameters (schemathesis checks the answers against it in
tests/test_api_schema_fuzz.py)."""

from __future__ import annotations

import pytest

UNSAFE = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_error_answer_has_the_error_body(schema):
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        assert "401" in responses, (method, path)
        for code, response in responses.items():
            if code.startswith("4"):
                assert response["content"] == error, (method, path, code)
    body = schema["components"]["schemas"]["Error"]
    assert set(body["required"]) == {"status", "code", "detail"}
    assert "errors" in body["properties"]


def test_error_answers_follow_the_operation(schema):
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        if method in UNSAFE:
            assert {"400", "403"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if "requestBody" in operation:
            assert {"413", "415"} <= codes, (method, path)
    token = schema["paths"]["/api/auth/token/"]["post"]["responses"]
    assert "429" in token
    assert "429" not in schema["paths"]["/api/me/"]["get"]["responses"]
    # Reads that refuse some people say so.
    assert "403" in schema["paths"]["/api/people/completeness/"]["get"]["responses"]
    assert "404" in schema["paths"]["/api/orgchart/chain/"]["get"]["responses"]
    assert "404" in schema["paths"]["/api/posts/"]["get"]["responses"]  # a page too far


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("/api/feed/", "FeedPage"),
        ("/api/orgchart/", "OrgChart"),
        ("/api/search/", "SearchResults"),
    ],
)
def test_object_answers_are_not_lists(schema, path, component):
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": f"#/components/schemas/{component}"}


def test_nullable_fields_are_nullable(schema):
    post = schema["components"]["schemas"]["Post"]["properties"]
    for name, component in (("event", "EventData"), ("poll", "PollData")):
        assert post[name]["nullable"] is True
        assert post[name]["allOf"] == [{"$ref": f"#/components/schemas/{component}"}]
    group = schema["components"]["schemas"]["Group"]["properties"]
    assert group["my_request"]["nullable"] is True
    assert group["my_invitation"]["nullable"] is True


def test_query_parameters_have_their_bounds(schema):
    def parameter(path, name):
        parameters = schema["paths"][path]["get"]["parameters"]
        return next(p["schema"] for p in parameters if p["name"] == name)

    assert parameter("/api/feed/", "limit") == {
        "type": "integer",
        "minimum": 1,
        "maximum": 50,
        "default": 20,
    }
    assert parameter("/api/posts/", "page_size")["maximum"] == 100
    assert parameter("/api/posts/", "page")["minimum"] == 1
    assert sorted(parameter("/api/posts/", "kind")["enum"]) == ["event", "poll", "share", "status"]
    assert parameter("/api/search/", "page")["maximum"] == 500
    # Writes answering a list are not paginated.
    invite = schema["paths"]["/api/groups/{id}/members/"]["post"]
    assert not [p for p in invite.get("parameters", []) if p["in"] == "query"]
