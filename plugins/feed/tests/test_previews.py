"""Link previews: read from the linked page's own metadata, served by a real local HTTP
server; portal pages only when everyone may see them; every failure tolerated."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from plugins.feed import previews, services
from plugins.feed.models import Post

PAGES = {
    "/article": (
        200,
        "text/html; charset=utf-8",
        """<html><head><title>Fallback title</title>
        <meta property="og:title" content="Quarterly results">
        <meta property="og:description" content="Growth   in every region.">
        <meta property="og:image" content="/img/chart.png">
        <meta property="og:site_name" content="Example News">
        </head><body>…</body></html>""",
    ),
    "/plain": (
        200,
        "text/html",
        """<html><head><title>  A plain page </title>
        <meta name="description" content="Described by its meta tag."></head></html>""",
    ),
    "/moved": (301, "text/html", "/article"),
    "/broken": (500, "text/html", "<title>Oops</title>"),
    "/file.pdf": (200, "application/pdf", "%PDF-1.4"),
    "/nothing": (200, "text/html", "<html><body>No metadata</body></html>"),
    "/big": (
        200,
        "text/html",
        "<html><head>" + "<!-- padding -->" * 5000 + '<meta property="og:title" content="Late">',
    ),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        status, content_type, body = PAGES.get(self.path, (404, "text/html", "missing"))
        self.send_response(status)
        if status in (301, 302):
            self.send_header("Location", body)
            body = ""
        self.send_header("Content-Type", content_type)
        data = body.encode()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def post_with_link(user, url, capture) -> Post:
    with capture(execute=True):
        post = services.create_post(user, text=f"Have a look: {url} !")
    post.refresh_from_db()
    return post


def test_open_graph_metadata_makes_the_preview(
    employee, server, django_capture_on_commit_callbacks
):
    post = post_with_link(employee, f"{server}/article", django_capture_on_commit_callbacks)
    assert post.link_url == f"{server}/article"
    assert post.link_title == "Quarterly results"
    assert post.link_description == "Growth in every region."
    assert post.link_image == f"{server}/img/chart.png"
    assert post.link_site == "Example News"


def test_title_and_meta_description_are_the_fallback(
    employee, server, django_capture_on_commit_callbacks
):
    post = post_with_link(employee, f"{server}/plain", django_capture_on_commit_callbacks)
    assert (post.link_title, post.link_description) == (
        "A plain page",
        "Described by its meta tag.",
    )
    assert post.link_site == "127.0.0.1"


def test_redirects_are_followed(server):
    preview = previews.preview_for(f"{server}/moved")
    assert preview.title == "Quarterly results" and preview.url == f"{server}/moved"


@pytest.mark.parametrize("path", ["/broken", "/file.pdf", "/nothing", "/missing"])
def test_failures_leave_no_preview_and_never_break_posting(
    employee, server, path, django_capture_on_commit_callbacks
):
    post = post_with_link(employee, f"{server}{path}", django_capture_on_commit_callbacks)
    assert Post.objects.filter(pk=post.pk).exists()
    assert post.link_url == ""


def test_an_unreachable_server_is_tolerated(employee, django_capture_on_commit_callbacks):
    post = post_with_link(
        employee, "http://127.0.0.1:9/nowhere", django_capture_on_commit_callbacks
    )
    assert post.link_url == ""


@override_settings(PORTAL_LINK_PREVIEW_MAX_BYTES=1024)
def test_only_the_start_of_a_page_is_read(server):
    assert previews.preview_for(f"{server}/big") is None


@override_settings(PORTAL_LINK_PREVIEW_ALLOW_PRIVATE=False)
def test_private_addresses_are_refused(server):
    assert previews.preview_for(f"{server}/article") is None
    assert previews.preview_for("http://localhost:9/") is None
    assert previews.preview_for("http://169.254.169.254/latest/meta-data/") is None
    assert previews.preview_for("ftp://example.com/file") is None
    assert previews.preview_for("http://user:secret@example.com/") is None


@override_settings(WAGTAILADMIN_BASE_URL="https://portal.example.com")
def test_portal_pages_are_previewed_from_the_database_only_when_public(
    employee, home_page, departments, django_capture_on_commit_callbacks
):
    from portal.core.models import PageAudience
    from tests.factories import make_content_page

    make_content_page(home_page, "Holiday rules", search_description="Days off.")
    restricted = make_content_page(home_page, "Salary review 2027")
    PageAudience.objects.create(page=restricted, department=departments["sales"])

    post = post_with_link(
        employee, "https://portal.example.com/holiday-rules/", django_capture_on_commit_callbacks
    )
    assert (post.link_title, post.link_description) == ("Holiday rules", "Days off.")

    post = post_with_link(
        employee,
        "https://portal.example.com/salary-review-2027/",
        django_capture_on_commit_callbacks,
    )
    assert post.link_url == "" and post.link_title == ""
    assert previews.preview_for("https://portal.example.com/feed/posts/1/") is None
    assert previews.preview_for("/holiday-rules/").title == "Holiday rules"


def test_an_edit_that_changes_the_first_link_changes_the_preview(
    employee, server, django_capture_on_commit_callbacks
):
    post = post_with_link(employee, f"{server}/article", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_post(employee, post, text=f"Rather {server}/plain")
    post.refresh_from_db()
    assert post.link_title == "A plain page"
    with django_capture_on_commit_callbacks(execute=True):
        services.update_post(employee, post, text="No link any more")
    post.refresh_from_db()
    assert post.link_url == ""
