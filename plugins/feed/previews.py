"""The preview of a post's first link, from the linked page's own metadata.

Two sources, never mixed:

* a page of the portal itself (a relative address, or the host of
  ``WAGTAILADMIN_BASE_URL``) is read from the database: its title and search description,
  and only when the page is visible to everyone, so a preview never shows the title of a
  restricted page to people who may not open it; other portal addresses get no preview;
* any other address is fetched with ``requests``: http and https only, a short timeout
  (``PORTAL_LINK_PREVIEW_TIMEOUT``), at most ``PORTAL_LINK_PREVIEW_MAX_BYTES`` read, no host
  that resolves to a private, loopback or link-local address (the portal must not be a
  door into the company network) unless ``PORTAL_LINK_PREVIEW_ALLOW_PRIVATE``; redirects
  are followed by hand so each hop is checked the same way.

Every failure means "no preview": posting never depends on somebody else's server.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass, replace
from urllib.parse import urljoin, urlsplit

import requests
from bs4 import BeautifulSoup
from django.conf import settings

from portal import links, visibility

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
USER_AGENT = "PortalLinkPreview/1.0 (+intranet link previews)"


@dataclass(frozen=True)
class Preview:
    url: str
    title: str = ""
    description: str = ""
    image: str = ""
    site: str = ""

    def fields(self) -> dict:
        """The post fields, cut to their sizes."""
        return {
            "link_url": self.url[:1000],
            "link_title": self.title[:300],
            "link_description": self.description[:1000],
            "link_image": self.image[:1000],
            "link_site": self.site[:200],
        }


class PreviewRefused(Exception):
    """The address may not be fetched (scheme, host, size, type)."""


def _portal_netloc() -> str:
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc.lower()


def is_internal(url: str) -> bool:
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return url.startswith("/")
    return parts.scheme in ("http", "https") and parts.netloc.lower() == _portal_netloc()


def internal_preview(url: str) -> Preview | None:
    """A portal page's own title and description, if everyone may see that page."""
    from wagtail.models import Page, Site

    path = urlsplit(url).path or "/"
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    url_path = site.root_page.url_path + path.strip("/") + ("/" if path.strip("/") else "")
    page = Page.objects.live().filter(url_path=url_path).first()
    if page is None:
        return None
    page = page.specific
    if visibility.tokens_for_object(page) != {visibility.EVERYONE}:
        return None
    return Preview(
        url=url if urlsplit(url).netloc else links.absolute_url(path),
        title=page.seo_title or page.title,
        description=page.search_description or "",
        site=site.site_name or "",
    )


def _check_host(host: str, port: int) -> None:
    if settings.PORTAL_LINK_PREVIEW_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise PreviewRefused(f"cannot resolve {host}") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise PreviewRefused(f"{host} resolves to a non-public address")


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PreviewRefused("only http and https addresses are previewed")
    if parts.username or parts.password:
        raise PreviewRefused("no credentials in previewed addresses")
    _check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


def _read(response, limit: int) -> bytes:
    body = b""
    for chunk in response.iter_content(chunk_size=16 * 1024):
        body += chunk
        if len(body) >= limit:
            return body[:limit]
    return body


def fetch_html(url: str) -> tuple[str, str]:
    """The final address and (the start of) the HTML of ``url``."""
    timeout = settings.PORTAL_LINK_PREVIEW_TIMEOUT
    limit = settings.PORTAL_LINK_PREVIEW_MAX_BYTES
    with requests.Session() as session:
        session.trust_env = False  # never through a proxy the server happens to have
        for _hop in range(MAX_REDIRECTS + 1):
            _check_url(url)
            with session.get(
                url,
                timeout=timeout,
                stream=True,
                allow_redirects=False,
                headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
            ) as response:
                if response.is_redirect and response.headers.get("Location"):
                    url = urljoin(url, response.headers["Location"])
                    continue
                if response.status_code != 200:
                    raise PreviewRefused(f"answered {response.status_code}")
                content_type = response.headers.get("Content-Type", "").lower()
                if "html" not in content_type:
                    raise PreviewRefused(f"not HTML ({content_type or 'no type'})")
                body = _read(response, limit)
                encoding = response.encoding or "utf-8"
                return url, body.decode(encoding, errors="replace")
    raise PreviewRefused("too many redirects")


def _meta(soup, *names: str) -> str:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag is not None and (tag.get("content") or "").strip():
            return " ".join(tag["content"].split())
    return ""


def parse(url: str, html: str) -> Preview | None:
    """The preview that a page's metadata describes (Open Graph first, then ``<title>`` and
    the meta description)."""
    soup = BeautifulSoup(html, "html.parser")
    title = _meta(soup, "og:title", "twitter:title")
    if not title and soup.title and soup.title.string:
        title = " ".join(soup.title.string.split())
    description = _meta(soup, "og:description", "twitter:description", "description")
    image = _meta(soup, "og:image", "og:image:url", "twitter:image")
    image = urljoin(url, image) if image else ""
    if urlsplit(image).scheme not in ("http", "https"):
        image = ""
    site = _meta(soup, "og:site_name") or (urlsplit(url).hostname or "")
    if not title and not description:
        return None
    return Preview(url=url, title=title, description=description, image=image, site=site)


def preview_for(url: str) -> Preview | None:
    """The preview of ``url``, or ``None`` (internal page not for everyone, unreachable
    server, refused address, no metadata)."""
    try:
        if is_internal(url):
            return internal_preview(url)
        final_url, html = fetch_html(url)
        preview = parse(final_url, html)
        return replace(preview, url=url) if preview else None
    except (PreviewRefused, requests.RequestException, ValueError, UnicodeError) as error:
        logger.info("No preview for %s: %s", url, error)
        return None
