import logging

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from portal import interactions
from portal.navigation import (
    collect_nav_items,
    collect_object_sections,
    collect_page_assets,
    collect_shell_fragments,
    render_object_actions,
)

logger = logging.getLogger(__name__)

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_nav_items(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return collect_nav_items(request)


@register.simple_tag(takes_context=True)
def portal_page_assets(context):
    """``{"css": [...], "js": [...]}``: what plugins load on every page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"css": [], "js": []}
    return collect_page_assets(request)


@register.simple_tag(takes_context=True)
def portal_shell_fragments(context):
    """What plugins add at the end of every page's body (see ``ShellFragment``); a
    fragment that fails to render is logged and left out, never taking the page down."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    parts = []
    engine = context.template.engine
    for fragment in collect_shell_fragments(request):
        try:
            with context.push(**(fragment.context or {})):
                parts.append(engine.get_template(fragment.template).render(context))
        except Exception:
            logger.exception("Shell fragment %s failed", fragment.template)
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates


@register.simple_tag(takes_context=True)
def object_actions(context, obj):
    """Buttons plugins offer for ``obj`` (bookmark, share...)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated or obj is None:
        return ""
    return render_object_actions(request, obj)


@register.simple_tag(takes_context=True)
def object_sections(context, obj):
    """Sections plugins add to ``obj``'s page (a group's feed, a post's comments)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated or obj is None:
        return []
    return collect_object_sections(request, obj)


@register.simple_tag(takes_context=True)
def object_summaries(context, obj):
    """What enabled plugins summarise about ``obj`` in a list (its reactions, its comment
    count), from the summaries :func:`portal.interactions.attach_summaries` put on it;
    nothing when no plugin says anything."""
    request = context.get("request")
    found = getattr(obj, "interaction_summaries", None)
    if request is None or not request.user.is_authenticated or not found:
        return ""
    parts = [
        render_to_string(
            summary.template,
            {
                "target": obj,
                "data": found[summary.name],
                "target_url": interactions.url_of(obj),
                "target_title": interactions.title_of(obj),
            },
            request=request,
        )
        for summary in interactions.summary_types()
        if summary.template and summary.name in found
    ]
    # Each part comes from a template (autoescaped).
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag(takes_context=True)
def content_languages(context):
    """For a Wagtail page: ``{"lang": ..., "versions": [...]}``, the language its content
    is written in when it is not the interface's (for a ``lang`` attribute, "" otherwise)
    and its other versions the person may read (the "Read in English" switch, see
    :func:`portal.core.localisation.other_versions`)."""
    from django.utils import translation
    from wagtail.models import Page

    from portal.core import localisation

    page = context.get("page")
    request = context.get("request")
    if not isinstance(page, Page) or request is None or not localisation.enabled():
        return {"lang": "", "versions": []}
    language = localisation.page_language(page)
    interface = localisation.content_language(translation.get_language())
    versions = localisation.other_versions(page, request) if request.user.is_authenticated else []
    return {"lang": "" if language == interface else language, "versions": versions}


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    return render_to_string(
        panel.template, {**panel.context, "panel": panel}, request=context.get("request")
    )


@register.filter
def is_active_for(item, request):
    return item.is_active(request)
