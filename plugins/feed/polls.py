"""Poll posts: validation, saving, votes and results.

Contract used by the rest of the feed plugin:

* ``clean_poll(data: dict, poll=None) -> dict`` -- validated ``question, options (2-10
  labels), multiple, anonymous, closes_at``; raises Django's
  ``ValidationError({field: [message]})``. Give ``poll`` on an edit: its current closing
  time is then accepted even when it has passed.
* ``save_poll(post, cleaned) -> Poll`` -- create, or update what may change: the question
  and the closing time; the options only while nobody has voted.
* ``vote(user, post, option_ids)`` -- refuses a second vote, a closed poll, unknown options.
* ``attach(posts, user)`` -- for a page of posts, in two queries whatever the page size,
  sets ``post.poll_data`` on poll posts (results only once the user voted, the poll
  closed, or for its author).
* ``voters(user, post, option)`` -- who voted for an option (never for anonymous polls).

Every function that takes a user answers 404 (``Http404``) for a post that user may not
see. Who voted what is never shown for an anonymous poll, by any of these functions.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins.feed.events import parse_moment
from plugins.feed.models import Poll, PollOption, PollVote, Post
from portal import visibility

QUESTION_MAX = Poll._meta.get_field("question").max_length
LABEL_MAX = PollOption._meta.get_field("label").max_length

_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"", "0", "false", "off", "no"}


def _boolean(value, field: str, errors: dict) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        errors[field] = [_("Answer true or false.")]
    return False


def _labels(value, errors: dict) -> list[str]:
    """The option labels from a list (of strings, or of ``{"label": ...}``) or from a
    text with one option per line; blank ones are dropped."""
    if value is None:
        value = []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        errors["options"] = [_("Give the options as a list, or one per line.")]
        return []
    labels = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("label")
        label = "" if item is None else str(item).strip()
        if label:
            labels.append(label)
    messages = []
    if not Poll.MIN_OPTIONS <= len(labels) <= Poll.MAX_OPTIONS:
        messages.append(
            _("Give between %(min)d and %(max)d options.")
            % {"min": Poll.MIN_OPTIONS, "max": Poll.MAX_OPTIONS}
        )
    too_long = [label for label in labels if len(label) > LABEL_MAX]
    if too_long:
        messages.append(
            _("Keep each option under %(max)d characters (“%(label)s…”).")
            % {"max": LABEL_MAX, "label": too_long[0][:30]}
        )
    seen = set()
    for label in labels:
        key = label.casefold()
        if key in seen:
            messages.append(_("“%(label)s” is there twice.") % {"label": label})
            break
        seen.add(key)
    if messages:
        errors["options"] = messages
    return labels


def clean_poll(data, poll: Poll | None = None) -> dict:
    """Check what the composer or the API sent for a poll; every error at once."""
    if not isinstance(data, dict):
        raise ValidationError(_("Give the poll as an object with a question and options."))
    errors: dict[str, list[str]] = {}
    question = "" if data.get("question") is None else str(data["question"]).strip()
    if not question:
        errors["question"] = [_("Ask a question.")]
    elif len(question) > QUESTION_MAX:
        errors["question"] = [
            _("Keep the question under %(max)d characters.") % {"max": QUESTION_MAX}
        ]
    options = _labels(data.get("options"), errors)
    multiple = _boolean(data.get("multiple"), "multiple", errors)
    anonymous = _boolean(data.get("anonymous"), "anonymous", errors)
    try:
        closes_at = parse_moment(data.get("closes_at"))
    except ValueError:
        errors["closes_at"] = [_("Give a date and time such as 2026-03-14T09:30 (ISO 8601).")]
        closes_at = None
    # An edit may keep a closing time that has passed (a form sends it to the minute).
    unchanged = (
        poll is not None
        and closes_at is not None
        and poll.closes_at is not None
        and abs(closes_at - poll.closes_at) < timedelta(minutes=1)
    )
    if closes_at is not None and closes_at <= timezone.now() and not unchanged:
        errors["closes_at"] = [_("The closing time must be in the future.")]
    if errors:
        raise ValidationError(errors)
    return {
        "question": question,
        "options": options,
        "multiple": multiple,
        "anonymous": anonymous,
        "closes_at": closes_at,
    }


def save_poll(post: Post, cleaned: dict) -> Poll:
    """Create the post's poll with its options, or apply an edit.

    Once someone voted, the options and the kind of poll (single or multiple choice,
    anonymous or named) are frozen: changing them would change what people voted for, or
    expose the voters of an anonymous poll.
    """
    with transaction.atomic():
        poll = Poll.objects.select_for_update().filter(post=post).first()
        if poll is None:
            poll = Poll.objects.create(
                post=post,
                question=cleaned["question"],
                multiple=cleaned["multiple"],
                anonymous=cleaned["anonymous"],
                closes_at=cleaned["closes_at"],
            )
            _create_options(poll, cleaned["options"])
            return poll
        current = list(poll.options.values_list("label", flat=True))
        if PollVote.objects.filter(poll=poll).exists():
            errors = {}
            if cleaned["options"] != current:
                errors["options"] = [_("People have voted: the options can no longer change.")]
            if cleaned["multiple"] != poll.multiple:
                errors["multiple"] = [
                    _(
                        "People have voted: the poll can no longer switch between one and "
                        "several answers."
                    )
                ]
            if cleaned["anonymous"] != poll.anonymous:
                errors["anonymous"] = [
                    _(
                        "People have voted: the poll can no longer switch between anonymous "
                        "and named votes."
                    )
                ]
            if errors:
                raise ValidationError(errors)
        elif cleaned["options"] != current:
            poll.options.all().delete()
            _create_options(poll, cleaned["options"])
        poll.question = cleaned["question"]
        poll.multiple = cleaned["multiple"]
        poll.anonymous = cleaned["anonymous"]
        poll.closes_at = cleaned["closes_at"]
        poll.save()
        return poll


def _create_options(poll: Poll, labels: list[str]) -> None:
    PollOption.objects.bulk_create(
        PollOption(poll=poll, label=label, position=position)
        for position, label in enumerate(labels)
    )


def _visible_poll(user, post: Post) -> Poll:
    if not visibility.can_view(user, post):
        raise Http404
    poll = Poll.objects.filter(post=post).first() if post.kind == Post.POLL else None
    if poll is None:
        raise ValidationError(_("This post is not a poll."))
    return poll


def _option_ids(option_ids) -> list[int]:
    if option_ids in (None, ""):
        option_ids = []
    if not isinstance(option_ids, list | tuple | set):
        option_ids = [option_ids]
    ids = []
    for value in option_ids:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise ValidationError({"options": [_("Choose options of this poll.")]}) from None
    return list(dict.fromkeys(ids))


def vote(user, post: Post, option_ids) -> list[PollVote]:
    """Record ``user``'s vote for ``option_ids`` (one id for a single-choice poll).

    One vote per person and poll: the poll's row is locked for the check and the write,
    so two votes sent at the same time cannot both count (and the database refuses a
    second vote for the same option in any case).
    """
    poll = _visible_poll(user, post)
    ids = _option_ids(option_ids)
    if not ids:
        raise ValidationError({"options": [_("Choose an option to vote.")]})
    try:
        with transaction.atomic():
            poll = Poll.objects.select_for_update().get(pk=poll.pk)
            if poll.is_closed:
                raise ValidationError(_("This poll is closed: votes are no longer taken."))
            if PollVote.objects.filter(poll=poll, user=user).exists():
                raise ValidationError(_("You have already voted."))
            options = list(PollOption.objects.filter(poll=poll, pk__in=ids))
            if len(options) != len(ids):
                raise ValidationError({"options": [_("Choose options of this poll.")]})
            if len(options) > 1 and not poll.multiple:
                raise ValidationError({"options": [_("This poll takes only one answer.")]})
            return PollVote.objects.bulk_create(
                PollVote(poll=poll, option=option, user=user) for option in options
            )
    except IntegrityError:
        raise ValidationError(_("You have already voted.")) from None


def results_visible(poll: Poll, post: Post, user, voted: bool) -> bool:
    """Results show once the person voted, when the poll closed, and to its author."""
    return voted or poll.is_closed or post.author_id == getattr(user, "pk", None)


def attach(posts, user):
    """Set ``post.poll_data`` on the poll posts of ``posts`` (already visible to
    ``user``): one query for the whole page (the options, with their poll, their votes,
    mine and the poll's voters), none when it holds no poll.

    ``poll_data`` is ``{"question", "multiple", "anonymous", "closes_at", "closed",
    "voted", "my_votes": [option ids], "voters": n, "results_visible",
    "options": [{"id", "label", "votes", "percent"}]}``; ``votes`` and ``percent`` are
    ``None`` while the results are hidden from ``user``.
    """
    by_id = {post.pk: post for post in posts if post.kind == Post.POLL}
    if not by_id:
        return posts
    mine = PollVote.objects.filter(option=OuterRef("pk"), user_id=user.pk)
    voters_of_poll = (
        PollVote.objects.filter(poll=OuterRef("poll_id"))
        .order_by()
        .values("poll")
        .annotate(n=Count("user", distinct=True))
        .values("n")
    )
    polls: dict[int, Poll] = {}
    options: dict[int, list[PollOption]] = {}
    for option in (
        PollOption.objects.filter(poll__post_id__in=by_id)
        .select_related("poll")
        .annotate(
            vote_count=Count("votes"),
            chosen=Exists(mine),
            voter_count=Coalesce(Subquery(voters_of_poll), 0),
        )
        .order_by("poll_id", "position", "pk")
    ):
        poll = polls.setdefault(option.poll_id, option.poll)
        poll.voter_count = option.voter_count
        options.setdefault(poll.pk, []).append(option)
    for poll in polls.values():
        post = by_id[poll.post_id]
        post.poll = poll
        my_votes = [option.pk for option in options[poll.pk] if option.chosen]
        visible = results_visible(poll, post, user, bool(my_votes))
        voters = poll.voter_count
        post.poll_data = {
            "question": poll.question,
            "multiple": poll.multiple,
            "anonymous": poll.anonymous,
            "closes_at": poll.closes_at,
            "closed": poll.is_closed,
            "voted": bool(my_votes),
            "my_votes": my_votes,
            "voters": voters,
            "results_visible": visible,
            "options": [
                {
                    "id": option.pk,
                    "label": option.label,
                    "votes": option.vote_count if visible else None,
                    "percent": (round(option.vote_count * 100 / voters) if voters else 0)
                    if visible
                    else None,
                }
                for option in options[poll.pk]
            ],
        }
    return posts


def voters(user, post: Post, option):
    """The votes for ``option`` (an option or its id), with their people, earliest first.

    Refused (``PermissionDenied``) for an anonymous poll, and while the results are hidden
    from ``user``; an option of another poll is not found (404).
    """
    poll = _visible_poll(user, post)
    option_id = getattr(option, "pk", option)
    try:
        option = PollOption.objects.get(poll=poll, pk=int(option_id))
    except (PollOption.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if poll.anonymous:
        raise PermissionDenied(_("This poll is anonymous: nobody can see who voted what."))
    voted = PollVote.objects.filter(poll=poll, user_id=user.pk).exists()
    if not results_visible(poll, post, user, voted):
        raise PermissionDenied(_("Results are shown after you vote or when the poll closes."))
    return option.votes.select_related("user", "option").order_by("voted_at", "pk")


# --- Votes in the visibility policy ------------------------------------------------------------


def _can_view_vote(user, vote: PollVote) -> bool:
    return not vote.poll.anonymous and visibility.can_view(user, vote.poll)


def _filter_votes(user, queryset):
    named = visibility.filter_visible(user, Poll.objects.filter(anonymous=False))
    return queryset.filter(poll__in=named.values("pk"))


def _vote_tokens(vote: PollVote) -> set[str]:
    return set() if vote.poll.anonymous else visibility.tokens_for_object(vote.poll)


def register_visibility_rule() -> None:
    """A named poll's vote is visible with its poll; an anonymous poll's vote to nobody,
    ever (whatever path asks the policy: bookmarks, search, a later generic endpoint)."""
    visibility.register(
        PollVote,
        visibility.Rule(can_view=_can_view_vote, filter=_filter_votes, tokens=_vote_tokens),
    )
