"""The portal's URLs plus a page with htmx set up exactly as the design system's base.html
will load it (tests/e2e/test_htmx.py): the lines of HEAD_LINES in its <head>, a button
that posts with htmx and a view that answers only with a valid CSRF token."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal import urls as portal_urls

PAGE_PATH = "/__htmx__/"
ECHO_PATH = "/__htmx__/echo/"

#: What base.html's <head> gets (the final report of the htmx work says so, line by line).
HEAD_LINES = """
<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>
<script src="{% static 'portal/vendor/htmx.min.js' %}" defer></script>
<script src="{% static 'portal/js/htmx-setup.js' %}" defer></script>
"""

PAGE = (
    '{% extends "base.html" %}{% load static %}{% block title %}htmx{% endblock %}'
    "{% block extra_head %}" + HEAD_LINES + "{% endblock %}"
    "{% block content %}<h1>htmx</h1>{% csrf_token %}"
    f'<button type="button" class="btn" hx-post="{ECHO_PATH}" hx-target="#answer" '
    'hx-swap="innerHTML">Send</button>'
    '<span class="htmx-indicator">Sending</span>'
    '<p id="answer">Nothing yet</p>{% endblock %}'
)


@login_not_required
def page(request):
    return HttpResponse(engines["django"].from_string(PAGE).render({}, request))


@login_not_required
def echo(request):
    # CsrfViewMiddleware has refused the POST (403) unless the token came along.
    header = "with" if request.headers.get("X-CSRFToken") else "without"
    return HttpResponse(f"Posted {header} X-CSRFToken, {request.method}")


urlpatterns = [
    path(PAGE_PATH.strip("/") + "/", page),
    path(ECHO_PATH.strip("/") + "/", echo),
    *portal_urls.urlpatterns,
]

handler404 = portal_urls.handler404
handler403 = portal_urls.handler403
handler500 = portal_urls.handler500
