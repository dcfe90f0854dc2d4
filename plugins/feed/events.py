"""Event posts: validation, saving, answers (going / maybe / not going) and iCalendar.

Contract used by the rest of the feed plugin:

* ``clean_event(data: dict) -> dict`` -- validated ``title, starts_at, ends_at, location,
  online_url``; raises Django's ``ValidationError({field: [message]})`` with plain field
  names (the API nests them under ``event``, the composer's form puts them on its fields).
* ``save_event(post, cleaned) -> Event`` -- create or update the post's event.
* ``respond(user, post, answer) -> EventResponse | None`` -- ``None`` answer withdraws.
* ``attach(posts, user)`` -- for a page of posts, in two queries whatever the page size,
  sets ``post.event_data`` on event posts (see :func:`attach`).
* ``attendees(user, post, answer=None)`` -- who answered, for people who may see the post.
* ``ics(post)`` -- the event as an iCalendar text (the agenda plugin builds on it).

Every function that takes a user answers 404 (``Http404``) for a post that user may not
see, so a guessed id tells an outsider nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from plugins.feed.models import Event, EventResponse, Post
from portal import links, visibility
from portal.inputs import moment_in_range
from portal.text import plain_text

ANSWERS = [EventResponse.GOING, EventResponse.MAYBE, EventResponse.NOT_GOING]
#: How many of the people going a card shows by name.
PREVIEW_SIZE = 5

TITLE_MAX = Event._meta.get_field("title").max_length
LOCATION_MAX = Event._meta.get_field("location").max_length
ONLINE_URL_MAX = Event._meta.get_field("online_url").max_length

_validate_http_url = URLValidator(schemes=["http", "https"])


def parse_moment(value) -> datetime | None:
    """A datetime from a datetime or an ISO 8601 string; naive ones are in the current
    time zone (the person's). ``None`` for an empty value; ``ValueError`` when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError(value)
    else:
        raise ValueError(value)
    if not moment_in_range(moment):  # year 1 or 9999 with an offset: not storable in UTC
        raise ValueError(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def _text(data: dict, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def clean_event(data) -> dict:
    """Check what the composer or the API sent for an event; every error at once."""
    if not isinstance(data, dict):
        raise ValidationError(_("Give the event as an object with a title and a start."))
    errors: dict[str, list[str]] = {}
    title = _text(data, "title")
    if not title:
        errors["title"] = [_("Give the event a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title under %(max)d characters.") % {"max": TITLE_MAX}]

    moments = {}
    for field in ("starts_at", "ends_at"):
        try:
            moments[field] = parse_moment(data.get(field))
        except ValueError:
            errors[field] = [_("Give a date and time such as 2026-03-14T09:30 (ISO 8601).")]
    starts_at, ends_at = moments.get("starts_at"), moments.get("ends_at")
    if "starts_at" not in errors and starts_at is None:
        errors["starts_at"] = [_("Say when the event starts.")]
    if starts_at and ends_at and ends_at < starts_at:
        errors["ends_at"] = [_("The event cannot end before it starts.")]

    location = _text(data, "location")
    if len(location) > LOCATION_MAX:
        errors["location"] = [_("Keep the place under %(max)d characters.") % {"max": LOCATION_MAX}]

    online_url = _text(data, "online_url")
    if online_url:
        try:
            _validate_http_url(online_url)
        except ValidationError:
            errors["online_url"] = [_("Give a web address starting with https:// or http://.")]
        else:
            if len(online_url) > ONLINE_URL_MAX:
                errors["online_url"] = [_("This web address is too long.")]

    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": location,
        "online_url": online_url,
    }


def save_event(post: Post, cleaned: dict) -> Event:
    """Create the post's event, or update it on an edit (answers are kept)."""
    event, _created = Event.objects.update_or_create(post=post, defaults=cleaned)
    return event


def _visible_event(user, post: Post) -> Event:
    if not visibility.can_view(user, post):
        raise Http404
    event = Event.objects.filter(post=post).first() if post.kind == Post.EVENT else None
    if event is None:
        raise ValidationError(_("This post is not an event."))
    return event


def is_past(event: Event, now: datetime | None = None) -> bool:
    """An event is over once its end (or its start, without an end) has gone by."""
    return (event.ends_at or event.starts_at) < (now or timezone.now())


def respond(user, post: Post, answer: str | None) -> EventResponse | None:
    """Answer going / maybe / not going, or withdraw (``answer`` empty or ``None``)."""
    event = _visible_event(user, post)
    if answer not in (None, "") and answer not in ANSWERS:
        raise ValidationError({"answer": [_("Answer going, maybe or not going.")]})
    if is_past(event):
        raise ValidationError({"answer": [_("This event is over: answers are closed.")]})
    with transaction.atomic():
        if not answer:
            EventResponse.objects.filter(event=event, user=user).delete()
            return None
        response, _created = EventResponse.objects.update_or_create(
            event=event, user=user, defaults={"answer": answer}
        )
        return response


def attach(posts, user):
    """Set ``post.event_data`` on the event posts of ``posts`` (already visible to
    ``user``): two queries for the whole page (one when nobody is going yet), none when
    it holds no event.

    ``event_data`` is ``{"title", "starts_at", "ends_at", "location", "online_url",
    "past", "counts": {"going", "maybe", "not_going"}, "mine": answer or None,
    "going_preview": [{"id", "name"}] (up to five)}``.
    """
    by_id = {post.pk: post for post in posts if post.kind == Post.EVENT}
    if not by_id:
        return posts
    mine = EventResponse.objects.filter(event=OuterRef("pk"), user_id=user.pk).values("answer")
    events = Event.objects.filter(post_id__in=by_id).annotate(
        **{
            f"count_{answer}": Count("responses", filter=Q(responses__answer=answer))
            for answer in ANSWERS
        },
        my_answer=Subquery(mine[:1]),
    )
    events = list(events)
    previews: dict[int, list[dict]] = {event.pk: [] for event in events}
    going = (
        []
        if not any(e.count_going for e in events)
        else (
            EventResponse.objects.filter(event_id__in=previews, answer=EventResponse.GOING)
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=F("event_id"), order_by=[F("answered_at"), "pk"]
                )
            )
            .filter(rank__lte=PREVIEW_SIZE)
            .select_related("user")
            .order_by("event_id", "rank")
        )
    )
    for response in going:
        previews[response.event_id].append({"id": response.user_id, "name": str(response.user)})
    now = timezone.now()
    for event in events:
        post = by_id[event.post_id]
        post.event = event
        post.event_data = {
            "title": event.title,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "location": event.location,
            "online_url": event.online_url,
            "past": is_past(event, now),
            "counts": {answer: getattr(event, f"count_{answer}") for answer in ANSWERS},
            "mine": event.my_answer,
            "going_preview": previews[event.pk],
        }
    return posts


def attendees(user, post: Post, answer: str | None = None):
    """The answers to the post's event (with their people), earliest first; ``answer``
    keeps one kind of answer."""
    event = _visible_event(user, post)
    responses = EventResponse.objects.filter(event=event).select_related("user")
    if answer:
        if answer not in ANSWERS:
            raise ValidationError({"answer": [_("Answer going, maybe or not going.")]})
        responses = responses.filter(answer=answer)
    return responses.order_by("answered_at", "pk")


# iCalendar (RFC 5545) ------------------------------------------------------------------


def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _ics_fold(line: str) -> str:
    """Lines of at most 75 octets; continuation lines start with a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current, limit = b"", 74
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(post: Post, base_url: str | None = None) -> str:
    """The post's event as an iCalendar file with one VEVENT, times in UTC.

    ``base_url`` (``https://intranet.example.com``) makes the URL absolute; it defaults to
    the portal's configured address (:func:`portal.links.absolute_url`), never the
    request's host.
    """
    event = post.event
    if base_url:
        base_url = base_url.rstrip("/")
        host = base_url.split("://", 1)[-1].split("/", 1)[0] or "portal"
        url = base_url + post.get_absolute_url()
    else:
        host, url = links.site_host(), links.absolute_url(post.get_absolute_url())
    description = plain_text(post.html) if post.html else ""
    if event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Portal//Feed events//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:feed-event-{post.pk}@{host}",
        f"DTSTAMP:{_ics_time(timezone.now())}",
        f"LAST-MODIFIED:{_ics_time(post.edited_at or post.created_at)}",
        f"DTSTART:{_ics_time(event.starts_at)}",
    ]
    if event.ends_at:
        lines.append(f"DTEND:{_ics_time(event.ends_at)}")
    lines.append(f"SUMMARY:{_ics_escape(event.title)}")
    if event.location:
        lines.append(f"LOCATION:{_ics_escape(event.location)}")
    elif event.online_url:
        lines.append(f"LOCATION:{_ics_escape(event.online_url)}")
    if description:
        lines.append(f"DESCRIPTION:{_ics_escape(description)}")
    lines += [f"URL:{url}", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
