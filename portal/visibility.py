"""The one visibility policy: who may see what.

Every piece of user content has an *audience*, stored as an **audience token**:

==================  ====================================================================
``all``             everyone in the company
``dept:<id>``       the members of a department and of its sub-departments
``group:<id>``      the members of a group (tokens granted by the groups plugin)
``user:<id>``       one person alone (a draft, something private to its owner)
``people``          the named people of the object's ``audience_people`` relation
==================  ====================================================================

A user holds tokens too: ``all``, ``user:<id>``, ``dept:<id>`` for their department and
each parent, and whatever plugins grant through :data:`portal.signals.audience_tokens`.
An object is visible when its token is among the user's tokens, or, for named-people
content, when the user is one of its named people or its owner. The same tokens go into
the search index, so search, the feed, the API, notifications, websockets and downloads
all agree.

**The audience outranks the owner.** Owning an object never opens an audience one is not
in, the way chat products treat leaving a private space: whoever leaves a group (or is
removed from it) loses its content at once, their own posts included, everywhere (feed,
pages, API, comments, reactions, search, files, notifications), and editing or deleting
those posts answers 404 like any hidden object. The same holds for every audience:
content for a department is its members', so someone who moves to another department
stops seeing what they wrote for the old one; a plugin's audience (``club:<id>``) follows
its own membership. Nothing is lost to the person: their own data stays in their personal
export (:mod:`portal.privacy` and each plugin's ``privacy.py`` export by author, not
through this policy).

The owner clause (``visibility_owner_field``) remains where the owner is, by nature, part
of the audience:

* **named-people content**: the author addressed those people and is a participant of
  what they started, without being listed among them;
* **drafts and private content**: stored with the owner's ``user:<id>`` audience, which
  the owner's own token covers (a draft that is published takes its real audience, and
  the rule above). Models with their own notion of drafts (themed-week initiatives) say
  so in their :class:`Rule`, and only inside what their audience already lets the owner
  see.

Two questions, one module:

* :func:`can_view` -- may this user see this object?
* :func:`filter_visible` -- this queryset, reduced to what the user may see.

Models take part in one of three ways:

1. subclass :class:`Restricted` (an ``audience`` token, ``audience_people`` and an owner);
2. set ``visibility_through = "<relation>"`` to be visible exactly when that related object
   is (a comment through its post);
3. register a :class:`Rule` with :func:`register` (pages, people, anything with its own
   notion of access).

A model that does none of these is visible to nobody: the policy fails closed.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.crypto import get_random_string
from django.utils.functional import empty
from django.utils.translation import gettext_lazy as _

from portal import signals

EVERYONE = "all"
PEOPLE = "people"

#: Per-user caches of the policy live in attributes with this prefix on the user object.
USER_CACHE_PREFIX = "_portal_visibility_"


def department_token(department_id: int) -> str:
    return f"dept:{department_id}"


def group_token(group_id: int) -> str:
    return f"group:{group_id}"


def user_token(user_id: int) -> str:
    return f"user:{user_id}"


class Restricted(models.Model):
    """Abstract base for content with an audience.

    Subclasses name the field holding the owner in ``visibility_owner_field``; ``None``
    means no owner. The owner sees their named-people content (they started it); for
    every other audience they are treated like anyone else (see the module's docstring).
    """

    visibility_owner_field: str | None = "author"
    #: Whether the model uses the ``people`` audience (named people). A model that never
    #: does (feed posts go to the company, a department or a group) sets it to False: its
    #: querysets are then filtered without the named-people subquery.
    visibility_named_people: bool = True

    audience = models.CharField(
        _("audience"),
        max_length=64,
        default=EVERYONE,
        db_index=True,
        help_text=_("Who may see this: everyone, a department, a group or named people."),
    )
    audience_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("named people"),
    )

    class Meta:
        abstract = True

    def set_audience_everyone(self) -> None:
        self.audience = EVERYONE

    def set_audience_department(self, department) -> None:
        self.audience = department_token(department.pk)

    def set_audience_group(self, group) -> None:
        self.audience = group_token(group.pk)

    def set_audience_people(self) -> None:
        """Restrict to ``audience_people``; set that relation after saving."""
        self.audience = PEOPLE


@dataclass(frozen=True)
class Rule:
    """How a model that is not :class:`Restricted` decides visibility."""

    can_view: Callable[[object, models.Model], bool]
    filter: Callable[[object, QuerySet], QuerySet]
    #: The audience tokens that may see an object (for the search index).
    tokens: Callable[[models.Model], set[str]] | None = None


_rules: dict[type[models.Model], Rule] = {}


def register(model: type[models.Model], rule: Rule) -> None:
    """Give ``model`` (and its subclasses) a visibility rule of its own."""
    _rules[model] = rule


def _rule_for(model: type[models.Model]) -> Rule | None:
    for klass in model.__mro__:
        if klass in _rules:
            return _rules[klass]
    return None


def is_known(model: type[models.Model]) -> bool:
    """Whether the policy can answer for this model at all."""
    return (
        issubclass(model, Restricted)
        or bool(getattr(model, "visibility_through", None))
        or _rule_for(model) is not None
    )


def is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- What the policy remembers about a person ----------------------------------------------
#
# Tokens, group ids, follows, page restrictions, permissions: read on every request, they
# change rarely. :func:`remembered` keeps them in the cache under keys that carry two
# versions, one for everyone and one per person; :func:`access_changed` gives a new version,
# so the next read recomputes. Versions are random strings, so a version evicted from the
# cache never brings back an older entry. Whoever changes what a person's access is computed
# from (a membership, a follow, a department, a group's privacy, a page restriction) calls
# :func:`access_changed`; the core and the plugins here do it from their signals. More than
# one process needs a shared cache (``REDIS_URL``), as the real-time layer does.

_VERSION_ALL = "portal:access:version"
_BUNDLE_ATTR = f"{USER_CACHE_PREFIX}bundle"
#: How long a remembered value lives at most (a safety net: changes invalidate it at once).
REMEMBER_SECONDS = 60 * 60


def _unwrap(user):
    """The user behind ``request.user`` (a lazy wrapper), loading it if need be."""
    wrapped = getattr(user, "_wrapped", None)
    if wrapped is None:
        return user
    if wrapped is empty:
        user._setup()
        wrapped = user._wrapped
    return wrapped


def _user_version_key(pk) -> str:
    return f"portal:access:version:{pk}"


def _new_version() -> str:
    return get_random_string(12)


def _versions(pk) -> tuple[str, str]:
    keys = [_VERSION_ALL, _user_version_key(pk)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, _new_version(), None)
            found[key] = cache.get(key) or _new_version()
    return found[keys[0]], found[keys[1]]


#: Counts the changes made by this process: a user object re-reads the versions when it
#: moved on, so a change made earlier in the same request (a follow) is seen at once.
_changes = 0


def remembered(user, name: str, compute: Callable[[object], object]):
    """``compute(user)``, kept until ``user``'s access changes (see :func:`access_changed`).

    ``name`` is unique across the project (prefix it with the plugin's label); the value
    must pickle. Anonymous and inactive users are not remembered."""
    user = _unwrap(user)
    if not is_active_user(user):
        return compute(user)
    bundle = getattr(user, _BUNDLE_ATTR, None)
    if bundle is None or bundle[0] != _changes:
        key = "portal:access:{}:{}:{}".format(user.pk, *_versions(user.pk))
        if bundle is not None and bundle[1] != key:
            _drop_cached_attributes(user)
        bundle = (_changes, key, cache.get(key) or {})
        setattr(user, _BUNDLE_ATTR, bundle)
        if _PERMISSIONS in bundle[2]:
            _set_permissions(user, bundle[2][_PERMISSIONS])
    _seen, key, values = bundle
    if name not in values:
        values[name] = compute(user)
        cache.set(key, values, REMEMBER_SECONDS)
    return values[name]


def shared(name: str, compute: Callable[[], object]):
    """``compute()``, the same for everyone, kept until anyone's access changes in a way
    that concerns everyone (``access_changed()`` without people: departments, groups'
    privacy, pages). For small lookups read on every request (department names)."""
    version = cache.get(_VERSION_ALL)
    if version is None:
        cache.add(_VERSION_ALL, _new_version(), None)
        version = cache.get(_VERSION_ALL)
    key = f"portal:shared:{name}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, REMEMBER_SECONDS)
    return value


_PERMISSIONS = "auth:permissions"


def _set_permissions(user, permissions) -> None:
    # What django.contrib.auth.backends.ModelBackend keeps on the user object.
    mine, through_groups = permissions
    user._user_perm_cache = set(mine)
    user._group_perm_cache = set(through_groups)
    user._perm_cache = set(mine) | set(through_groups)


def _compute_permissions(user):
    from django.contrib.auth.backends import ModelBackend

    backend = ModelBackend()
    return (
        frozenset(backend.get_user_permissions(user)),
        frozenset(backend.get_group_permissions(user)),
    )


def prime_permissions(user) -> None:
    """Load ``user``'s Django permissions from what is remembered, so ``has_perm`` asks
    the database nothing (the default ``ModelBackend`` reads them from the user object)."""
    user = _unwrap(user)
    if is_active_user(user) and not hasattr(user, "_perm_cache"):
        _set_permissions(user, remembered(user, _PERMISSIONS, _compute_permissions))


def access_changed(users=None) -> None:
    """Forget what :func:`remembered` kept: for ``users`` (people or their ids), or for
    everyone when ``None``. Takes effect at once and again when the transaction commits
    (a request reading in between cannot keep what it read before the commit)."""
    if users is None:
        keys = [_VERSION_ALL]
    else:
        keys = []
        for user in users if isinstance(users, list | tuple | set | frozenset) else [users]:
            if isinstance(user, models.Model) or hasattr(user, "_wrapped"):
                _drop_cached_attributes(user)
                user = user.pk
            if user is not None:
                keys.append(_user_version_key(user))
    if not keys:
        return

    def bump():
        global _changes
        cache.set_many({key: _new_version() for key in keys}, None)
        _changes += 1

    bump()
    transaction.on_commit(bump)


def _compute_tokens(user) -> frozenset[str]:
    tokens = {EVERYONE, user_token(user.pk)}
    department = getattr(user, "department", None)
    if department is not None:
        tokens.update(department_token(pk) for pk in department.lineage_ids())
    for _receiver, contribution in signals.audience_tokens.send(sender=user.__class__, user=user):
        if contribution:
            tokens.update(contribution)
    return frozenset(tokens)


def tokens_for(user) -> frozenset[str]:
    """The audience tokens ``user`` holds: ``all``, ``user:<id>``, their departments and
    whatever plugins grant through :data:`portal.signals.audience_tokens`.

    Remembered (see :func:`remembered`) until their access changes; a plugin whose tokens
    depend on data of its own calls :func:`access_changed` when that data changes. Within
    one request, :func:`forget_tokens` drops what the user object holds.
    """
    if not is_active_user(user):
        return frozenset()
    return remembered(user, "tokens", _compute_tokens)


def _drop_cached_attributes(user) -> None:
    user = _unwrap(user)
    django_caches = {"_perm_cache", "_user_perm_cache", "_group_perm_cache"}
    for attr in [n for n in vars(user) if n.startswith(USER_CACHE_PREFIX) or n in django_caches]:
        delattr(user, attr)


def forget_tokens(user) -> None:
    """Recompute what the policy knows of ``user`` (tokens, page restrictions, whatever
    :func:`remembered` kept) after a change of their access in the same request."""
    access_changed(user)


def _restricted_q(model: type[Restricted], user, prefix: str = "") -> Q:
    tokens = tokens_for(user)
    condition = Q(**{f"{prefix}audience__in": sorted(tokens)})
    # Named-people content: its named people, and its owner (who started it). The owner
    # clause applies to this audience only: it never outranks a group or a department.
    participants: list[Q] = []
    if model.visibility_named_people:
        through = model._meta.get_field("audience_people").remote_field.through
        source = through._meta.get_field(model._meta.model_name).attname
        target = through._meta.get_field(user._meta.model_name).attname
        named = Exists(through.objects.filter(**{source: OuterRef(f"{prefix}pk"), target: user.pk}))
        participants.append(Q(named))
    owner = model.visibility_owner_field
    if owner:
        participants.append(Q(**{f"{prefix}{owner}": user.pk}))
    if participants:
        condition |= Q(**{f"{prefix}audience": PEOPLE}) & reduce(operator.or_, participants)
    return condition


def _path_to_restricted(model: type[models.Model]) -> tuple[str, type[models.Model]]:
    """Follow ``visibility_through`` links to the model that carries the audience."""
    prefix = ""
    current = model
    seen = set()
    while not issubclass(current, Restricted) and _rule_for(current) is None:
        relation = getattr(current, "visibility_through", None)
        if not relation or current in seen:
            raise LookupError(f"{model.__name__} has no visibility rule")
        seen.add(current)
        prefix += f"{relation}__"
        current = current._meta.get_field(relation).related_model
    return prefix, current


def filter_visible(user, queryset: QuerySet) -> QuerySet:
    """Reduce ``queryset`` to the objects ``user`` may see (no rows for outsiders)."""
    if not is_active_user(user):
        return queryset.none()
    model = queryset.model
    try:
        prefix, target = _path_to_restricted(model)
    except LookupError:
        return queryset.none()
    rule = _rule_for(target)
    if rule is not None:
        if not prefix:
            return rule.filter(user, queryset)
        visible = rule.filter(user, target._default_manager.all())
        return queryset.filter(**{f"{prefix.removesuffix('__')}__in": visible})
    return queryset.filter(_restricted_q(target, user, prefix))


def can_view(user, obj: models.Model | None) -> bool:
    """May ``user`` see ``obj``? Unknown models, anonymous and inactive users: no."""
    if obj is None or not is_active_user(user):
        return False
    rule = _rule_for(type(obj))
    if rule is not None:
        return rule.can_view(user, obj)
    if isinstance(obj, Restricted):
        if obj.audience in tokens_for(user):
            return True
        if obj.audience != PEOPLE:
            return False  # the owner of a group's or a department's content is no exception
        owner = obj.visibility_owner_field
        if owner and getattr(obj, f"{owner}_id", None) == user.pk:
            return True
        if obj.pk is not None and obj.visibility_named_people:
            return obj.audience_people.filter(pk=user.pk).exists()
        return False
    relation = getattr(obj, "visibility_through", None)
    if relation:
        return can_view(user, getattr(obj, relation))
    return False


def tokens_for_object(obj: models.Model) -> set[str]:
    """The tokens that may see ``obj``: what the search index stores as its ACL (the same
    answer as :func:`can_view`, so the owner's token only for named-people content)."""
    rule = _rule_for(type(obj))
    if rule is not None:
        return rule.tokens(obj) if rule.tokens else set()
    if isinstance(obj, Restricted):
        if obj.audience != PEOPLE:
            # No owner's token: a member who leaves the group no longer finds their post.
            return {obj.audience}
        tokens: set[str] = set()
        if obj.visibility_named_people and obj.pk is not None:
            tokens.update(user_token(pk) for pk in obj.audience_people.values_list("pk", flat=True))
        owner = obj.visibility_owner_field
        if owner and getattr(obj, f"{owner}_id", None):
            tokens.add(user_token(getattr(obj, f"{owner}_id")))
        return tokens
    relation = getattr(obj, "visibility_through", None)
    if relation:
        return tokens_for_object(getattr(obj, relation))
    return set()


def visible_ids(user, model: type[models.Model], ids: Iterable) -> set:
    """Of ``ids`` (primary keys of ``model``), those the user may see, in one query."""
    ids = list(ids)
    if not ids:
        return set()
    queryset = filter_visible(user, model._default_manager.filter(pk__in=ids))
    return set(queryset.values_list("pk", flat=True))
