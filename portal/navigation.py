"""What the theme shows around content: navigation entries, home page panels and object
actions, each contributed by plugins through :mod:`portal.signals`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from portal import signals

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavItem:
    """An entry of the main navigation."""

    label: str
    url: str
    icon: str = ""
    order: int = 100
    #: URL prefix that marks the entry as the current page.
    active_prefix: str = ""
    #: A count shown beside the label (unread notifications); 0 shows nothing.
    badge: int = 0
    #: A name scripts use to update the badge live (``data-badge="<key>"``).
    key: str = ""
    #: Where the app shell puts it: "main" (the left navigation, a drawer on phones) or
    #: "top" (an icon of the top bar, and of the phone's bottom bar: notifications).
    placement: str = "main"
    #: Also in the phone's bottom bar (keep it to two or three entries in all).
    phone: bool = False

    def is_active(self, request: HttpRequest) -> bool:
        prefix = self.active_prefix or self.url
        return prefix != "/" and request.path.startswith(prefix)


@dataclass(frozen=True)
class HomePanel:
    """A block of the home page, rendered from ``template`` with ``context``."""

    title: str
    template: str
    context: dict
    order: int = 100
    more_url: str = ""
    #: Where the home page puts it: "main" (the wide column, e.g. the feed) or "side".
    region: str = "side"


@dataclass(frozen=True)
class ShellFragment:
    """A piece of the app shell contributed by a plugin, rendered from ``template`` (with
    the page's context plus ``context``) at the end of ``<body>`` on every page: a panel
    reachable from anywhere (the chat panel). Keep it small and load heavy content lazily."""

    template: str
    order: int = 100
    context: dict | None = None


def _collect(signal, **kwargs) -> list:
    items = []
    for receiver, result in signal.send_robust(sender=kwargs.pop("sender", None), **kwargs):
        if isinstance(result, Exception):
            logger.error("Receiver %r of %s failed", receiver, signal, exc_info=result)
            continue
        if result is None:
            continue
        items.extend(result if isinstance(result, list | tuple) else [result])
    return items


def section_url(request: HttpRequest, model) -> str:
    """The URL of the first page of ``model`` (in tree order) the person may see, or "":
    what a section's navigation entry links to, on every page.

    The page is in the reader's language when translated into it (one version of each,
    see :mod:`portal.core.localisation`). The answer is the same for everyone who passes
    the same page restrictions (``restriction_key``) and reads the same language, so it is
    kept in the shared cache for them, per host, until a page or a restriction changes
    (``visibility.shared``)."""
    from portal import visibility
    from portal.core import localisation
    from portal.core.visibility_rules import restriction_key

    user = request.user
    language = localisation.reader_language(user)

    def compute() -> str:
        pages = localisation.localized_visible(user, model.objects.all(), language)
        page = localisation.in_tree_order(pages).first()
        return (page.get_url(request) or "") if page is not None else ""

    if not visibility.is_active_user(user):
        return compute()
    key = f"{restriction_key(user)}:{language}:{request.get_host()}"
    return visibility.shared(f"nav:{model._meta.label_lower}:{key}", compute)


def collect_nav_items(request: HttpRequest) -> list[NavItem]:
    return sorted(_collect(signals.nav_items, request=request), key=lambda i: (i.order, i.label))


def collect_home_panels(request: HttpRequest) -> list[HomePanel]:
    return sorted(_collect(signals.home_panels, request=request), key=lambda p: (p.order, p.title))


def render_object_actions(request: HttpRequest, obj) -> SafeString:
    snippets = _collect(signals.object_actions, sender=type(obj), request=request, obj=obj)
    # Receivers return SafeString from templates; anything else is escaped.
    return mark_safe("".join(conditional_escape(s) for s in snippets))  # noqa: S308


def collect_object_sections(request: HttpRequest, obj) -> list[HomePanel]:
    """Sections other plugins add to ``obj``'s page (see :data:`portal.signals.object_sections`)."""
    sections = _collect(signals.object_sections, sender=type(obj), request=request, obj=obj)
    return sorted(sections, key=lambda p: (p.order, p.title))


def collect_page_assets(request: HttpRequest) -> dict[str, list[str]]:
    """The static files plugins want on every page, split into ``css`` and ``js``."""
    paths = list(dict.fromkeys(_collect(signals.page_assets, request=request)))
    return {
        "css": [p for p in paths if p.endswith(".css")],
        "js": [p for p in paths if p.endswith(".js")],
    }


def collect_shell_fragments(request: HttpRequest) -> list[ShellFragment]:
    fragments = _collect(signals.shell_fragments, request=request)
    return sorted(
        (f for f in fragments if isinstance(f, ShellFragment)), key=lambda f: (f.order, f.template)
    )
