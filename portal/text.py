"""What people write: sanitised HTML, links, @mentions and #hashtags, in one place.

Posts, comments and later messages all go through :func:`render`:

* the source is what the author typed: plain text (paragraphs from blank lines), or the
  small HTML subset the composer's toolbar produces (bold, italic, lists, links, quotes,
  code). Anything else is removed: ``<script>``, ``<style>``, ``<iframe>`` with their
  content, event-handler attributes, ``javascript:`` links;
* ``@[Anna Martin](user:12)`` is a mention of a person, ``@[Sales](group:3)`` of a group
  (the composer's suggestions insert these; plugins add kinds with
  :func:`register_mention_kind`). Mentions resolve through the visibility policy, as the
  author sees: a mention of something unknown, or of something the author may not see,
  stays the plain text they typed (no name, no link) and notifies nobody;
* ``#hashtag`` becomes a link to the hashtag's feed; bare ``https://`` addresses become
  links.

The result carries the HTML to show, the mentions (to notify), the hashtags (to tag) and
the first link (for a preview).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from wagtail.whitelist import Whitelister, attribute_rule, check_url

MAX_SOURCE_LENGTH = 20_000

MENTION_RE = re.compile(r"@\[(?P<label>[^\[\]\n]{1,120})\]\((?P<kind>[a-z]+):(?P<id>\d{1,18})\)")
HASHTAG_RE = re.compile(r"(?<![\w&#/])#(?P<tag>[^\W_][\w-]{0,49})", re.UNICODE)
URL_RE = re.compile(r"(?<![\w@/\"'=])(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])")
#: Source in HTML (the composer's toolbar) rather than plain text: one of the tags it makes.
HTML_RE = re.compile(
    r"<\s*/?\s*(p|br|strong|b|em|i|u|s|ul|ol|li|blockquote|code|pre|a|div)\b[^>]*>", re.I
)

#: Elements removed with everything inside them (not merely unwrapped).
DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "template",
    "noscript",
    "svg",
    "math",
    "form",
    "textarea",
    "select",
    "button",
    "input",
    "head",
    "title",
}


def _safe_href(url: str) -> str | None:
    url = (url or "").strip()
    return check_url(url) if url else None


_plain = attribute_rule({})


class UserHTMLWhitelister(Whitelister):
    """Wagtail's whitelisting engine with the elements people may use in posts."""

    element_rules = {
        "[document]": _plain,
        "a": attribute_rule({"href": _safe_href}),
        "b": _plain,
        "strong": _plain,
        "i": _plain,
        "em": _plain,
        "u": _plain,
        "s": _plain,
        "br": _plain,
        "p": _plain,
        "ul": _plain,
        "ol": _plain,
        "li": _plain,
        "blockquote": _plain,
        "code": _plain,
        "pre": _plain,
    }

    def clean_tag_node(self, doc, tag):
        if tag.name in DROPPED_WITH_CONTENT:
            tag.decompose()
            return
        super().clean_tag_node(doc, tag)


def sanitise(html: str) -> str:
    """``html`` reduced to the allowed elements and attributes."""
    return UserHTMLWhitelister().clean(html or "")


def plain_text(html: str) -> str:
    """The text of some HTML, for previews, search and notifications."""
    text = BeautifulSoup(html or "", "html.parser").get_text(" ")
    return re.sub(r"\s+", " ", text).strip()


# --- Mentions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionKind:
    """How to resolve mentions of one kind (``user``, ``group``...).

    ``model`` (``"app_label.ModelName"``) is what the ids name: :func:`render` and
    :func:`suggest_mentions` keep only the ids of objects the visibility policy lets the
    author see, before calling the other functions, so a kind cannot forget to ask.
    ``resolve(ids)`` returns ``{id: (label, url)}`` for the ids that exist;
    ``members(ids)`` returns the users a mention concerns (a group's members);
    ``suggest(user, q, limit)`` returns ``[{"kind", "id", "label", "detail"}]`` for the
    composer's suggestions. ``notifies(author, ids)``, when given, returns the ids whose
    people ``author`` may notify (a group's members: not from outside a private group);
    the others still show as links but notify nobody.
    """

    key: str
    model: str
    resolve: Callable[[list[int]], dict[int, tuple[str, str]]]
    members: Callable[[list[int]], list]
    suggest: Callable[[object, str, int], list[dict]] | None = None
    order: int = 100
    notifies: Callable[[object, set[int]], set[int]] | None = None


_mention_kinds: dict[str, MentionKind] = {}


def register_mention_kind(kind: MentionKind) -> None:
    _mention_kinds[kind.key] = kind


def mention_kinds() -> dict[str, MentionKind]:
    return dict(_mention_kinds)


def _visible_ids(user, kind: MentionKind, ids) -> set[int]:
    """Of ``ids``, those naming objects of ``kind`` the policy lets ``user`` see (none for
    an anonymous user or a model the policy does not know)."""
    from django.apps import apps

    from portal import visibility

    try:
        model = apps.get_model(kind.model)
    except (LookupError, ValueError):
        return set()
    return visibility.visible_ids(user, model, ids)


def _resolve_users(ids):
    from django.contrib.auth import get_user_model

    found = {}
    for user in get_user_model().objects.filter(pk__in=ids, is_active=True):
        found[user.pk] = (user.get_full_name() or user.email, user.get_absolute_url())
    return found


def _user_members(ids):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


def _suggest_users(user, q, limit):
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from portal import visibility

    q = (q or "").strip()
    people = visibility.filter_visible(user, get_user_model().objects.filter(is_active=True))
    for word in q.split()[:4]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__istartswith=word)
        )
    people = people.select_related("department").order_by("first_name", "last_name", "pk")
    return [
        {
            "kind": "user",
            "id": person.pk,
            "label": person.get_full_name() or person.email,
            "detail": str(person.department or ""),
        }
        for person in people[:limit]
    ]


register_mention_kind(
    MentionKind(
        "user", settings.AUTH_USER_MODEL, _resolve_users, _user_members, _suggest_users, order=10
    )
)


def suggest_mentions(user, q: str, limit: int = 8) -> list[dict]:
    """People first, then groups and the rest, for the composer's ``@`` suggestions: only
    what the visibility policy lets ``user`` see (nothing for an anonymous user)."""
    results: list[dict] = []
    for kind in sorted(_mention_kinds.values(), key=lambda k: k.order):
        if kind.suggest is None:
            continue
        found = kind.suggest(user, q, limit - len(results))
        visible = _visible_ids(user, kind, [item["id"] for item in found])
        results.extend(item for item in found if item["id"] in visible)
        if len(results) >= limit:
            break
    return results[:limit]


@dataclass
class Rendered:
    """The result of :func:`render`."""

    html: str
    #: ``{(kind, id)}`` of the mentions that resolved and may notify their people.
    mentions: set[tuple[str, int]] = field(default_factory=set)
    hashtags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def first_link(self) -> str:
        return self.links[0] if self.links else ""

    def mentioned_users(self) -> list:
        """The people the mentions concern (a group's mention: its members), each once."""
        users: dict[int, object] = {}
        by_kind: dict[str, list[int]] = {}
        for kind, pk in self.mentions:
            by_kind.setdefault(kind, []).append(pk)
        for kind, ids in by_kind.items():
            spec = _mention_kinds.get(kind)
            if spec is None:
                continue
            for user in spec.members(ids):
                users.setdefault(user.pk, user)
        return list(users.values())


def _hashtag_url(tag: str) -> str:
    try:
        return reverse("feed:hashtag", args=[tag.lower()])
    except NoReverseMatch:
        return ""


def _source_to_html(source: str) -> str:
    source = (source or "")[:MAX_SOURCE_LENGTH].replace("\r\n", "\n")
    if HTML_RE.search(source):
        return sanitise(source)
    paragraphs = [p for p in re.split(r"\n\s*\n", source.strip()) if p.strip()]
    return "".join(f"<p>{escape(p.strip()).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def render(source: str, author=None) -> Rendered:
    """Turn what ``author`` typed into safe HTML with mentions, hashtags and links.

    A mention resolves (a link with the object's name, and a mention to notify) only when
    the visibility policy lets ``author`` see the object; otherwise it stays the text the
    author typed. Without an author (a preview's first link), no mention resolves."""
    html = _source_to_html(source)
    soup = BeautifulSoup(html, "html.parser")

    # Resolve every mention of the text in two queries per kind (the policy, the names).
    wanted: dict[str, set[int]] = {}
    for match in MENTION_RE.finditer(soup.get_text()):
        wanted.setdefault(match["kind"], set()).add(int(match["id"]))
    resolved: dict[tuple[str, int], tuple[str, str]] = {}
    notifying: set[tuple[str, int]] = set()
    for kind, ids in wanted.items():
        spec = _mention_kinds.get(kind)
        if spec is None:
            continue
        visible = _visible_ids(author, spec, ids)
        if not visible:
            continue
        for pk, value in spec.resolve(sorted(visible)).items():
            resolved[(kind, pk)] = value
        allowed = visible if spec.notifies is None else spec.notifies(author, visible)
        notifying.update((kind, pk) for pk in allowed)

    result = Rendered(html="")
    for a in soup.find_all("a"):
        href = a.get("href")
        if href:
            a["rel"] = "nofollow noopener"
            if href.startswith(("http://", "https://")):
                result.links.append(href)

    pattern = re.compile(f"{MENTION_RE.pattern}|{HASHTAG_RE.pattern}|{URL_RE.pattern}")
    for node in list(soup.find_all(string=True)):
        if not isinstance(node, NavigableString) or node.find_parent(["a", "code", "pre"]):
            continue
        text = str(node)
        if not pattern.search(text):
            continue
        pieces: list = []
        position = 0
        for match in pattern.finditer(text):
            if match.start() > position:
                pieces.append(NavigableString(text[position : match.start()]))
            position = match.end()
            if match["kind"]:
                key = (match["kind"], int(match["id"]))
                if key in resolved:
                    label, url = resolved[key]
                    link = soup.new_tag("a", href=url or "#")
                    link["class"] = "mention"
                    link["data-mention"] = f"{key[0]}:{key[1]}"
                    link.string = f"@{label}"
                    pieces.append(link)
                    if key in notifying:
                        result.mentions.add(key)
                else:
                    pieces.append(NavigableString(f"@{match['label']}"))
            elif match["tag"]:
                tag = match["tag"]
                if tag.lower() not in result.hashtags:
                    result.hashtags.append(tag.lower())
                url = _hashtag_url(tag)
                if url:
                    link = soup.new_tag("a", href=url)
                    link["class"] = "hashtag"
                    link.string = f"#{tag}"
                    pieces.append(link)
                else:
                    pieces.append(NavigableString(f"#{tag}"))
            else:
                url = match["url"]
                link = soup.new_tag("a", href=url, rel="nofollow noopener")
                link.string = url
                pieces.append(link)
                result.links.append(url)
        if position < len(text):
            pieces.append(NavigableString(text[position:]))
        for piece in pieces:
            node.insert_before(piece)
        node.extract()

    result.html = soup.decode(formatter=escape)
    return result


def mentioned_keys(source: str) -> set[tuple[str, int]]:
    """The ``(kind, id)`` mentioned in ``source``, without resolving them (to tell which
    mentions an edit added)."""
    return {(m["kind"], int(m["id"])) for m in MENTION_RE.finditer(source or "")}
