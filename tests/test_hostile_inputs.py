"""Pathological input to every endpoint of the API: never a server error, always the API's
JSON error body naming what was wrong, and nothing stored.

The endpoints come from the URL resolver (drf-spectacular's enumerator walks it), their
fields from the OpenAPI schema built from the same views, so an endpoint added tomorrow is
covered without touching this file. A small seed with a real object behind every route is
built once for the module, in a transaction rolled back at the end; each request runs in a
savepoint rolled back after it.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from functools import cache

import pytest
from django.apps import apps
from django.db import connection, transaction
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator

from portal.api.parsers import MAX_DEPTH

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

HUGE_INTEGERS = [2**63, 2**64, -(2**63) - 1, 10**30]
ODD_DATES = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]
SURROGATE = "a\ud800b"
NUL = "a\x00b"
INVALID_TEXT = [SURROGATE, NUL]
LONG_TEXT = "x" * 5000
#: Path values that are no id of anything: too large for any column, or not a number.
BAD_IDS = [str(2**63), str(2**64), str(10**30), "abc", "-1", "1e3"]
#: Query parameters every list may be sent, described in the schema or not.
COMMON_PARAMETERS = ["page", "page_size", "limit", "cursor", "ordering", "q", "search"]
QUERY_VALUES = [str(2**64), str(-(2**63) - 1), "abc", NUL, ODD_DATES[0]]


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


@cache
def endpoints() -> list[tuple[str, str]]:
    """(path template, method) of every API endpoint the resolver knows."""
    found = set()
    for path, _regex, method, _callback in EndpointEnumerator().get_api_endpoints():
        if path.startswith("/api/"):
            found.add((path, method))
    return sorted(found)


@cache
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operation(path: str, method: str) -> dict:
    for schema_path, operations in schema()["paths"].items():
        if _template(schema_path) == _template(path):
            return operations.get(method.lower(), {})
    return {}


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def body_fields(op: dict, content_type: str = "application/json") -> dict[str, dict]:
    content = op.get("requestBody", {}).get("content", {})
    if content_type not in content:
        return {}
    body = _resolve(content[content_type].get("schema", {}))
    return {name: _resolve(prop) for name, prop in body.get("properties", {}).items()}


def hostile_values(prop: dict) -> list:
    """Values no field of this type may accept."""
    values = [*HUGE_INTEGERS, *INVALID_TEXT, [SURROGATE], {"key": NUL}]
    kind = prop.get("type")
    if prop.get("format") in ("date-time", "date"):
        values += ODD_DATES
    if kind == "string" and "maxLength" in prop:
        values.append("x" * (prop["maxLength"] + 1))
    items = _resolve(prop.get("items", {}))
    if kind == "array" and "maxLength" in items:
        values.append(["x" * (items["maxLength"] + 1)])
    if kind == "array" and items.get("type") == "integer":
        values.append([2**64])
    return values


def write_endpoints() -> list[tuple[str, str]]:
    return [(path, method) for path, method in endpoints() if method in WRITE_METHODS]


def family(path: str) -> str:
    return path.split("/")[2]


# --- the world the requests run against ------------------------------------------------


def seed() -> None:
    """A little of everything the API serves, so that every route has a real object to aim
    at: people in two departments, a public and a private group (a member, a request to
    join, an invitation), a post of each kind and one in the group, a comment, reactions, a
    report, a follow, a bookmark, notifications, and a page of each editorial section
    (news, a course with a lesson and a quiz, a wellness session, a themed week with an
    initiative), each with what the administrator may do with it (enrolment, booking)."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.accounts.models import Department
    from tests.factories import ensure_home_page, make_user

    home = ensure_home_page()
    company = Department.objects.create(name="Company", code="CO")
    operations = Department.objects.create(name="Operations", code="OPS", parent=company)
    sales = Department.objects.create(name="Sales", code="SAL", parent=company)
    admin = make_user("admin@example.com", role="administrator", department=operations)
    employee = make_user("employee@example.com", department=operations)
    colleague = make_user("colleague@example.com", department=sales)
    editor = make_user("editor@example.com", role="editor", department=sales)

    if apps.is_installed("plugins.groups"):
        from plugins.groups import services as groups
        from plugins.groups.models import Group, Membership

        # Named to come first in the list of groups: its members, requests and posts are
        # the ones the routes below it aim at.
        private = groups.create_group(admin, name="Apollo project", privacy=Group.PRIVATE)
        Membership.objects.create(group=private, user=employee)
        groups.request_to_join(colleague, private, "May I help?")
        public = groups.create_group(employee, name="Book club", privacy=Group.PUBLIC)
        groups.join(colleague, public)
        groups.invite(employee, public, [admin])

    if apps.is_installed("plugins.feed"):
        from plugins.feed import services as feed
        from plugins.feed.models import Post

        soon = timezone.now() + timedelta(days=3)
        status = feed.create_post(
            employee, text=f"Hello @[{admin.get_full_name()}](user:{admin.pk}) #welcome"
        )
        feed.create_post(
            colleague,
            text="Drinks after work",
            kind=Post.EVENT,
            event={"title": "Afterwork", "starts_at": soon, "ends_at": soon + timedelta(hours=2)},
        )
        feed.create_post(
            editor,
            text="Where should the party be?",
            kind=Post.POLL,
            poll={"question": "Where?", "options": ["Boat", "Park"], "closes_at": soon},
        )
        if apps.is_installed("plugins.groups"):
            feed.create_post(admin, text="Kick-off on Monday", audience=f"group:{private.pk}")
        feed.report_post(colleague, status, "Off topic")
        feed.follow(admin, person=employee)

        if apps.is_installed("plugins.comments"):
            from plugins.comments import services as comments

            comment = comments.add_comment(admin, status, "Thanks!")
        if apps.is_installed("plugins.reactions"):
            from plugins.reactions import services as reactions

            reactions.react(colleague, status, "like")
            if apps.is_installed("plugins.comments"):
                reactions.react(employee, comment, "like")
        if apps.is_installed("plugins.bookmarks"):
            from plugins.bookmarks import services as bookmarks

            bookmarks.add_bookmark(admin, status)

    if apps.is_installed("portal.editorial.news"):
        from portal.editorial.news import factories as news

        news.make_news(
            news.make_news_index(home),
            "The Lyon office opens",
            summary="Forty colleagues move in.",
            category=news.make_category("Company"),
            date=timezone.localdate(),
        )
    if apps.is_installed("portal.editorial.learning"):
        from portal.editorial.learning import factories as learning
        from portal.editorial.learning import services as courses

        course = learning.make_course(learning.make_course_index(home), "GDPR essentials")
        learning.make_lesson(course, "Personal data")
        learning.make_lesson(course, "Quiz", quiz=[("Is an email personal?", [("Yes", True)])])
        courses.enrol(admin, course)
    if apps.is_installed("portal.editorial.wellness"):
        from portal.editorial.wellness import services as wellness
        from portal.editorial.wellness.tests.factories import make_section, make_session

        wellness.book_session(admin, make_session(make_section(home)))
    if apps.is_installed("portal.editorial.weeks"):
        from portal.editorial.weeks import services as weeks
        from portal.editorial.weeks.tests.factories import make_index, make_week, png_upload

        week = make_week(make_index(home))
        weeks.submit_initiative(employee, week, title="Bike to work")  # still pending
        initiative = weeks.submit_initiative(
            employee, week, title="Car-sharing", photo=png_upload()
        )
        # The newest, approved: open to comments (/api/initiatives/{id}/comments/).
        weeks.moderate_initiative(admin, initiative, weeks.APPROVE)
    if apps.is_installed("plugins.messaging"):
        from plugins.messaging import services as messaging
        from portal.editorial.weeks.tests.factories import png_upload

        talk = messaging.direct_conversation(admin, employee.pk)
        question = messaging.post_message(employee, talk, "Lunch at noon?")
        messaging.post_message(admin, talk, "Yes", parent=question)
        messaging.post_message(admin, talk, "The menu", attachments=[png_upload()])
        messaging.schedule_message(admin, talk, "Good morning", timezone.now() + timedelta(days=1))
    if apps.is_installed("tests.sample_plugin"):
        from tests.sample_plugin.models import Note

        Note.objects.create(author=admin, text="A note for everyone")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The seed, built once for the module in a transaction rolled back after it (what
    the seed notifies is delivered: its callbacks run as if it had been committed)."""
    from django.test import TestCase

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                seed()
            _real_urls.clear()  # ids of this seed's rows
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def admin_client(world, db):
    from rest_framework.test import APIClient

    from portal.accounts.models import User

    client = APIClient()
    client.force_authenticate(User.objects.get(email="admin@example.com"))
    return client


#: Tables that a refused request may still touch.
UNCOUNTED_TABLES = {"django_session"}


@cache
def _counted_tables() -> tuple[str, ...]:
    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
    return tuple(sorted(tables - UNCOUNTED_TABLES))


@cache
def _count_sql() -> str:
    quote = connection.ops.quote_name
    # The table names come from the model registry, not from a request.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in _counted_tables())  # noqa: S608
    return f"SELECT {counts}"  # noqa: S608


def row_counts() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(_count_sql())
        return cursor.fetchone()


#: Rows the connection inserted, updated or deleted in the counted tables so far in this
#: transaction (PostgreSQL's statistics of the transaction count its savepoints' too).
POSTGRESQL_WRITES = """
    SELECT COALESCE(SUM(pg_stat_get_xact_tuples_inserted(t)
        + pg_stat_get_xact_tuples_updated(t) + pg_stat_get_xact_tuples_deleted(t)), 0)
    FROM unnest(%s::regclass[]) AS t
"""
_unknown_writes = itertools.count()


def writes() -> int:
    """A number that grows whenever the connection writes a row: one cheap query, where
    counting the rows of every table costs milliseconds on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            cursor.execute(POSTGRESQL_WRITES, [[quote(t) for t in _counted_tables()]])
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:  # no such counter: every call says "written", and the rows are counted
            return next(_unknown_writes)
        return cursor.fetchone()[0]


def in_savepoint(call):
    """``call()`` in a savepoint rolled back after it: its result, and whether it left a
    table with another number of rows. The rows are counted only when something was
    written: with it, then without it (rolled back, the tables hold what they held)."""
    savepoint = transaction.savepoint()
    try:
        written = writes()
        result = call()
        after = row_counts() if writes() != written else None
    finally:
        transaction.savepoint_rollback(savepoint)
    return result, after is not None and row_counts() != after


class Prober:
    """Sends one request in a savepoint, checks the answer, rolls the savepoint back."""

    def __init__(self, client, caplog):
        self.client = client
        self.caplog = caplog

    def send(self, method: str, url: str, *, body=None, raw=None, content_type=None, **kw):
        def request():
            if raw is not None or body is not None:
                data = raw if raw is not None else json.dumps(body)
                return self.client.generic(
                    method, url, data, content_type or "application/json", **kw
                )
            if content_type == "multipart":
                form = kw.pop("form")
                return getattr(self.client, method.lower())(url, form, format="multipart")
            return self.client.generic(method, url, **kw)

        response, changed = in_savepoint(request)
        where = f"{method} {url} {str(body if body is not None else raw)[:120]!r}"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        refused_by_db = [r for r in self.caplog.records if r.name == "portal.api.errors"]
        assert not refused_by_db, f"{where}: only the database refused it"
        if response.status_code >= 400:
            assert response["Content-Type"].startswith("application/json"), where
            payload = response.json()
            assert payload["status"] == response.status_code and payload["detail"], where
            assert not changed, f"{where}: refused ({response.status_code}) but stored rows"
        return response

    def refused(self, method: str, url: str, field: str, **kw):
        """The request is refused with a 4xx; a 400 names ``field``."""
        response = self.send(method, url, **kw)
        where = f"{method} {url} {field}={str(kw.get('body', ''))[:100]!r}"
        assert 400 <= response.status_code < 500, f"{where}: {response.status_code}"
        if response.status_code == 400 and "errors" in response.json():
            assert field in response.json()["errors"], f"{where}: {response.json()}"
        return response


@pytest.fixture
def prober(admin_client, caplog):
    caplog.set_level(logging.ERROR, logger="portal.api.errors")
    return Prober(admin_client, caplog)


# --- real ids for the path ------------------------------------------------------------


def _first_id(client, list_url: str, name: str):
    response = client.get(list_url)
    if response.status_code != 200:
        return None
    data = response.json()
    items = data.get("results", data) if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        return None
    item = items[0]
    base = name.removesuffix("_id")
    for candidate in (item.get(name), item.get("id"), (item.get(base) or {})):
        if isinstance(candidate, dict):
            candidate = candidate.get("id")
        if isinstance(candidate, int):
            return candidate
    return None


@cache
def _callbacks() -> dict[str, object]:
    return {path: callback for path, _r, _m, callback in EndpointEnumerator().get_api_endpoints()}


def _newest_id(prefix: str):
    """The newest row of the model behind the detail routes ``prefix{pk}/...``, for routes
    without a list to read an id from."""
    # The detail route itself, else a detail action (a route with actions only).
    routes = sorted(_callbacks().items(), key=lambda item: item[0] != prefix + "{pk}/")
    callback = next((view for path, view in routes if path.startswith(prefix + "{pk}/")), None)
    view_class = getattr(callback, "cls", None)
    if view_class is None:
        return _newest_declared_id(prefix)
    view = view_class(swagger_fake_view=True)
    queryset = getattr(view_class, "queryset", None)
    if queryset is None:
        try:
            queryset = view.get_queryset()
        except Exception:  # noqa: BLE001 - a view that needs a request: no id then
            return None
    model = getattr(queryset, "model", None)
    if model is None:
        return None
    return model._default_manager.order_by("-pk").values_list("pk", flat=True).first()


#: Parameters of nested routes that have neither a list nor a detail route of their own to
#: read an id from: the model whose newest row they name.
NESTED_PARAMETERS = {
    "aid": "messaging.MessageAttachment",
    "sid": "messaging.ScheduledMessage",
}


def _newest_nested_id(name: str):
    label = NESTED_PARAMETERS.get(name)
    if label is None or not apps.is_installed(f"plugins.{label.split('.')[0]}"):
        return None
    model = apps.get_model(label)
    return model._default_manager.order_by("-pk").values_list("pk", flat=True).first()


def _newest_declared_id(prefix: str):
    """The newest object declared under ``prefix`` in :mod:`portal.interactions` (every
    page type under ``/api/pages/``, initiatives), whose comments and reactions live there
    without a list or a detail route of their own."""
    from portal import interactions

    name = prefix.removeprefix("/api/").strip("/")
    ids = [
        declaration.model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
        for declaration in interactions.declarations()
        if declaration.api_prefix == name
    ]
    ids = [pk for pk in ids if pk is not None]
    return max(ids) if ids else None


#: The id put in a path when neither a list nor a table has one (the seed lacks a row).
MISSING_ID = 999_999
_real_urls: dict[str, str] = {}


def real_url(client, path: str) -> str:
    """``path`` with each parameter replaced by the id of an object the list before it
    shows, else of the newest row of its model (``MISSING_ID`` when there is none).

    Remembered for the module: every request runs in a savepoint rolled back after it, so
    the seed's ids stay what they were."""
    if path not in _real_urls:
        url = template = ""
        for part in re.split(r"(\{[^}]+\})", path):
            if part.startswith("{"):
                found = _first_id(client, url, part.strip("{}"))
                if found is None:
                    found = _newest_id(template)
                if found is None:
                    found = _newest_nested_id(part.strip("{}"))
                url += str(found if found is not None else MISSING_ID)
            else:
                url += part
            template += part
        _real_urls[path] = url
    return _real_urls[path]


# --- the tests ------------------------------------------------------------------------


def _ids(params):
    return [f"{method} {path}" for path, method in params]


@pytest.mark.parametrize(("path", "method"), write_endpoints(), ids=_ids(write_endpoints()))
def test_bodies(prober, admin_client, path, method):
    url = real_url(admin_client, path)
    op = operation(path, method)
    takes_json = "application/json" in op.get("requestBody", {}).get("content", {})

    # Nested past the parser's limit, and past Python's recursion limit: never a 500, and
    # refused for its depth where a JSON body is read (unless refused before reading it).
    reads_json = takes_json and method != "DELETE"
    for depth in (MAX_DEPTH + 1, 100_000):
        for raw in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
            if not reads_json:
                prober.send(method, url, raw=raw)
                continue
            response = prober.refused(method, url, "", raw=raw)
            assert response.status_code in (403, 404, 415) or (
                response.json()["code"] == "parse_error"
            )
    if not reads_json:
        return

    for field, prop in body_fields(op).items():
        if prop.get("readOnly"):
            continue
        for value in hostile_values(prop):
            prober.refused(method, url, field, body={field: value})

        if prop.get("type") == "string" and "maxLength" not in prop:
            # Long text where no limit is published: stored or refused, never a 500 (on
            # PostgreSQL, a column's limit the validation forgot would be a DataError).
            prober.send(method, url, body={field: LONG_TEXT})

    # A surrogate in a key: refused before any field is looked at.
    prober.refused(method, url, "non_field_errors", body={"a\ud800": 1})


@pytest.mark.parametrize(("path", "method"), write_endpoints(), ids=_ids(write_endpoints()))
def test_form_bodies(prober, admin_client, path, method):
    op = operation(path, method)
    fields = body_fields(op, "multipart/form-data")
    if method == "DELETE" or not fields:
        return
    url = real_url(admin_client, path)
    for field, prop in fields.items():
        if prop.get("readOnly") or prop.get("format") == "binary":
            continue
        for value in (NUL, str(2**64), *ODD_DATES):
            response = prober.send(method, url, content_type="multipart", form={field: value})
            if value == NUL:
                assert 400 <= response.status_code < 500, f"{method} {url} {field}"
                if response.status_code == 400:
                    assert field in response.json()["errors"]


@pytest.mark.parametrize(("path", "method"), endpoints(), ids=_ids(endpoints()))
def test_path_ids_that_are_no_ids(prober, path, method):
    if "{" not in path:
        return
    for bad in BAD_IDS:
        url = re.sub(r"\{[^}]+\}", bad, path)
        response = prober.send(method, url, body={} if method in WRITE_METHODS else None)
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"


def _get_endpoints():
    return [(path, method) for path, method in endpoints() if method == "GET"]


@pytest.mark.parametrize(("path", "method"), _get_endpoints(), ids=_ids(_get_endpoints()))
def test_query_strings(prober, admin_client, path, method):
    url = real_url(admin_client, path)
    op = operation(path, method)
    names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
    if path != "/api/schema/":  # the schema takes its own parameters only
        names |= set(COMMON_PARAMETERS)
    for name in sorted(names):
        for value in QUERY_VALUES:
            response = prober.send("GET", url, QUERY_STRING=f"{name}={_quote(value)}")
            if value == NUL:
                assert response.status_code == 400, f"{url}?{name}=NUL"
                assert name in response.json()["errors"]


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


@pytest.mark.parametrize("path", sorted({p for p, _m in endpoints()}))
def test_options(prober, admin_client, path):
    """OPTIONS (DRF's metadata) on every route, custom actions included."""
    response = prober.send("OPTIONS", real_url(admin_client, path))
    if path == "/api/docs/":  # a page for people, behind the login form
        assert response.status_code in (200, 302)
    else:
        assert response.status_code in (200, 401, 403, 404, 405)


def test_every_route_aims_at_a_real_object(admin_client):
    """The seed holds an object for every parameter of every route: the probes reach the
    validation of a real object, not only the 404 of a missing one. A route added
    tomorrow whose object the seed lacks fails here: add a row to ``seed``."""
    paths = sorted({path for path, _method in endpoints() if "{" in path})
    aimless = [path for path in paths if str(MISSING_ID) in real_url(admin_client, path)]
    assert not aimless


def test_the_prober_sees_stored_rows(world, db):
    """What tells a refused request that stored something from one that did not."""
    from portal.accounts.models import Department

    def store():
        return Department.objects.create(name="Probe", code="PRB")

    def rename():
        return Department.objects.filter(code="OPS").update(name="Ops")

    assert in_savepoint(store)[1]
    assert not in_savepoint(rename)[1]  # written, but no table has another number of rows
    assert not in_savepoint(Department.objects.count)[1]
    assert not Department.objects.filter(code="PRB").exists()


def test_every_write_endpoint_is_probed():
    """The enumeration is not empty, and it holds what we know is there."""
    families = {family(path) for path, _method in write_endpoints()}
    assert {"posts", "groups", "comments", "bookmarks", "follows"} <= families


SEARCH_SYNTAX = [
    '"',
    '"unbalanced',
    "(",
    ")",
    "AND",
    "OR OR",
    "NOT",
    "a NEAR b",
    "NEAR(a b",
    "*",
    "a*",
    "^a",
    "title:welcome",
    "a:",
    "-",
    "--",
    "'",
    "a'b",
    "\\",
    "{}",
    "[]",
    "a & b | !c",
    "<->",
    ":*",
    "%",
    "_",
    "é",
    "x" * 5000,
    NUL,
]


@pytest.mark.parametrize("operator", [None, "and", "or", "xor"])
def test_page_search_syntax(prober, operator):
    """Wagtail's search (FTS5 on SQLite, tsquery on PostgreSQL) gets no raw syntax."""
    for query in SEARCH_SYNTAX:
        params = {"search": query}
        if operator:
            params["search_operator"] = operator
        from urllib.parse import urlencode

        response = prober.send("GET", "/api/v2/pages/", QUERY_STRING=urlencode(params))
        assert response.status_code in (200, 400), (query, response.status_code)


def test_oversized_bodies_get_the_api_error_body(prober, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    response = prober.send("POST", "/api/posts/", body={"text": "x" * 20_000})
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    form = {f"field{i}": "x" for i in range(100)}
    response = prober.send("POST", "/api/posts/", content_type="multipart", form=form)
    assert response.status_code == 400 and response.json()["code"] == "too_many_fields"
    response = prober.send(
        "POST", "/api/posts/", content_type="multipart", form={"text": "x" * 20_000}
    )
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_page_forms_and_query_strings_refuse_nul(world, client):
    from portal.accounts.models import User

    client.force_login(User.objects.get(email="employee@example.com"))
    response = client.get("/search/", {"q": NUL})
    assert response.status_code == 400
    response = client.post("/account/login/", {"username": NUL, "password": "x"})
    assert response.status_code == 400


def _serializer_classes():
    from rest_framework import serializers

    import portal.api.urls  # noqa: F401 - every API module, and so every serializer, loaded

    seen, stack = [], [serializers.BaseSerializer]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            if subclass.__module__.startswith(("portal.", "plugins.", "search.")):
                seen.append(subclass)
    return seen


def test_every_number_and_date_a_client_sends_is_bounded():
    """What the parser cannot see (form values, strings of digits, dates) is bounded by
    the field of every serializer a request body uses: DRF's own IntegerField,
    DateTimeField and DateField are not."""
    from rest_framework import serializers

    from portal.api import fields as api_fields
    from portal.inputs import validate_day, validate_moment

    request_components = {
        name.removeprefix("Patched").removesuffix("Request")
        for name in schema()["components"]["schemas"]
        if name.endswith("Request")
    }
    unbounded = []
    for serializer_class in _serializer_classes():
        if serializer_class.__name__.removesuffix("Serializer") not in request_components:
            continue  # only ever answers
        try:
            fields = serializer_class().fields
        except Exception:  # noqa: BLE001, S112 - needs arguments; its fields are checked where used
            continue
        stack = list(fields.items())
        while stack:
            name, field = stack.pop()
            child = getattr(field, "child", None)
            if child is not None:
                stack.append((f"{name}[]", child))
            if field.read_only:
                continue
            where = f"{serializer_class.__module__}.{serializer_class.__name__}.{name}"
            if isinstance(field, serializers.IntegerField) and (
                field.max_value is None or field.min_value is None
            ):
                unbounded.append(where)
            if isinstance(field, serializers.DateTimeField) and not (
                isinstance(field, api_fields.DateTimeField) or validate_moment in field.validators
            ):
                unbounded.append(where)
            if isinstance(field, serializers.DateField) and not (
                isinstance(field, api_fields.DateField) or validate_day in field.validators
            ):
                unbounded.append(where)
    assert not unbounded


@pytest.mark.parametrize(
    "error",
    [
        "DataError",
        "IntegrityError",
        "OverflowError",
        "RequestDataTooBig",
        "TooManyFieldsSent",
        "DoesNotExist",
    ],
)
def test_the_safety_net_answers_4xx_and_logs_what_the_database_refused(error, caplog):
    from django.core import exceptions as django_exceptions
    from django.db import DataError, IntegrityError

    from portal.accounts.models import User
    from portal.api.errors import exception_handler

    raised = {
        "DataError": DataError("value too long for type character varying(120)"),
        "IntegrityError": IntegrityError("UNIQUE constraint failed"),
        "OverflowError": OverflowError("Python int too large to convert to SQLite INTEGER"),
        "RequestDataTooBig": django_exceptions.RequestDataTooBig("too big"),
        "TooManyFieldsSent": django_exceptions.TooManyFieldsSent("too many"),
        "DoesNotExist": User.DoesNotExist(),
    }[error]
    caplog.set_level(logging.ERROR, logger="portal.api.errors")
    response = exception_handler(raised, {"view": None})
    expected = {"RequestDataTooBig": 413, "DoesNotExist": 404}.get(error, 400)
    assert response.status_code == expected
    assert response.data["status"] == expected
    logged = [record for record in caplog.records if record.name == "portal.api.errors"]
    assert bool(logged) == (error in ("DataError", "IntegrityError", "OverflowError"))
    assert "varying" not in str(response.data) and "UNIQUE" not in str(response.data)
