"""The org chart: manager links kept as materialised paths.

``Profile.manager_path`` holds the profile ids from the top of the company down to the
person ("/3/17/42/"), and ``depth`` the number of managers above them. Reading a chain of
command or a whole subtree costs a bounded number of queries, whatever the number of
people: one for the path's profiles, one ``startswith`` for a subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from plugins.people.models import Profile
from portal import avatars as core_avatars


class ManagerCycleError(ValueError):
    """Setting this manager would make someone their own manager, directly or not."""


def _path_for(profile_id: int, manager_path: str) -> str:
    return f"{manager_path or '/'}{profile_id}/"


def compute_paths(managers: dict[int, int | None]) -> dict[int, tuple[str, int]]:
    """Paths and depths for ``{profile_id: manager_id}``, in memory.

    Raises :class:`ManagerCycleError` naming the people on a cycle. A manager id that is
    not a key of ``managers`` is treated as absent (the person is at the top)."""
    paths: dict[int, tuple[str, int]] = {}
    for start in managers:
        trail: list[int] = []
        current: int | None = start
        while current is not None and current not in paths:
            if current in trail:
                cycle = trail[trail.index(current) :]
                raise ManagerCycleError(cycle)
            trail.append(current)
            manager = managers.get(current)
            current = manager if manager in managers else None
        base_path, base_depth = paths[current] if current is not None else ("/", -1)
        for offset, profile_id in enumerate(reversed(trail), start=1):
            paths[profile_id] = (_path_for(profile_id, base_path), base_depth + offset)
            base_path = paths[profile_id][0]
    return paths


@transaction.atomic
def rebuild_paths() -> int:
    """Recompute every profile's path and depth; returns how many changed. Used after a
    bulk change of manager links (the HR import).

    The changed rows are written with one prepared UPDATE run for many rows:
    ``bulk_update``'s CASE expressions take seconds for thousands of rows."""
    rows = list(Profile.objects.values_list("pk", "manager_id", "manager_path", "depth"))
    paths = compute_paths({pk: manager for pk, manager, _path, _depth in rows})
    changed = [
        (paths[pk][0], paths[pk][1], pk)
        for pk, _manager, path, depth in rows
        if paths[pk] != (path, depth)
    ]
    if changed:
        quote = connection.ops.quote_name
        meta = Profile._meta
        # Names from the model's metadata, quoted; the values are parameters.
        table, path_column, depth_column, pk_column = (
            quote(meta.db_table),
            quote(meta.get_field("manager_path").column),
            quote(meta.get_field("depth").column),
            quote(meta.pk.column),
        )
        sql = f"UPDATE {table} SET {path_column} = %s, {depth_column} = %s WHERE {pk_column} = %s"  # noqa: S608, E501
        with connection.cursor() as cursor:
            cursor.executemany(sql, changed)
    return len(changed)


@transaction.atomic
def set_manager(profile: Profile, manager: Profile | None) -> None:
    """Give ``profile`` a new manager, moving their whole team along with them."""
    if manager is not None and (
        manager.pk == profile.pk or f"/{profile.pk}/" in (manager.manager_path or "")
    ):
        raise ManagerCycleError([profile.pk, manager.pk])
    old_path = profile.manager_path or _path_for(profile.pk, "/")
    new_path = _path_for(profile.pk, manager.manager_path if manager else "/")
    depth_change = (manager.depth + 1 if manager else 0) - profile.depth
    profile.manager = manager
    profile.manager_path = new_path
    profile.depth = profile.depth + depth_change
    profile.save(update_fields=["manager", "manager_path", "depth", "updated_at"])
    descendants = list(
        Profile.objects.filter(manager_path__startswith=old_path)
        .exclude(pk=profile.pk)
        .only("pk", "manager_path", "depth")
    )
    for person in descendants:
        person.manager_path = new_path + person.manager_path.removeprefix(old_path)
        person.depth += depth_change
    Profile.objects.bulk_update(descendants, ["manager_path", "depth"], batch_size=1000)


def chain_of_command(profile: Profile) -> list[Profile]:
    """The person's managers, from the top of the company down to their direct manager."""
    ids = profile.chain_ids()[:-1]
    found = Profile.objects.select_related("user").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def subtree(root: Profile, depth: int | None = None) -> QuerySet[Profile]:
    """``root`` and the people under them, ``depth`` levels down at most (None: all)."""
    queryset = Profile.objects.filter(manager_path__startswith=root.manager_path)
    if depth is not None:
        queryset = queryset.filter(depth__lte=root.depth + depth)
    return queryset.select_related("user", "user__department").order_by("depth", "pk")


# --- Reading the chart for people: active people only, as nested nodes. ---------------

#: How many levels one request of the org chart may ask for.
MAX_DEPTH = 10
DEFAULT_DEPTH = 2


@dataclass
class Node:
    """One person of the chart as it is shown: ``children`` are loaded down to the depth
    asked for; ``reports_count`` says how many direct reports exist, loaded or not."""

    profile: Profile
    children: list[Node] = field(default_factory=list)
    reports_count: int = 0

    @property
    def name(self) -> str:
        return self.profile.user.get_full_name() or self.profile.user.email

    @property
    def initials(self) -> str:
        user = self.profile.user
        letters = [part[:1] for part in (user.first_name, user.last_name) if part]
        return ("".join(letters) or user.email[:1]).upper()

    @property
    def hue(self) -> int:
        """The colour of the person's initials: ``avatar--hue-<hue>``."""
        return core_avatars.hue(self.profile.user)

    @property
    def sort_key(self) -> tuple[str, str, int]:
        user = self.profile.user
        return (user.last_name.lower(), user.first_name.lower(), self.profile.pk)


def _person_visible(user) -> Exists:
    """In a query of profiles: may ``user`` see this profile's person? Asked of the
    visibility policy (deactivated people are invisible), as a subquery."""
    from portal.visibility import filter_visible

    return Exists(filter_visible(user, get_user_model().objects.filter(pk=OuterRef("user_id"))))


def visible_profiles(user) -> QuerySet[Profile]:
    """Every profile, annotated ``is_visible`` by the visibility policy, with the account
    and department loaded: one query however many are read."""
    return Profile.objects.select_related("user", "user__department").annotate(
        is_visible=_person_visible(user)
    )


def find_visible(user, profile_id: int) -> Profile | None:
    """The profile ``profile_id`` if ``user`` may see that person (None otherwise)."""
    return visible_profiles(user).filter(pk=profile_id, is_visible=True).first()


def _nearest_visible(path: str, rows: dict[int, Profile], own_id: int) -> int | None:
    """The closest manager above ``own_id`` on ``path`` who is loaded and visible."""
    for manager_id in reversed([int(part) for part in path.strip("/").split("/") if part]):
        if manager_id != own_id and manager_id in rows and rows[manager_id].is_visible:
            return manager_id
    return None


def chart(user, root: Profile | None = None, depth: int = DEFAULT_DEPTH) -> list[Node]:
    """The org chart below ``root`` (or from the top of the company), ``depth`` levels.

    Deactivated people are left out and their reports are shown under the nearest active
    manager. Costs two queries whatever the number of people: the subtree, and a count
    of the reports just below the depth limit (so that the reader knows there is more).
    """
    if root is not None:
        # A profile whose path was never computed must not read as the whole company.
        base_path = root.manager_path or _path_for(root.pk, "/")
        queryset = visible_profiles(user).filter(
            Q(manager_path__startswith=base_path) | Q(pk=root.pk)
        )
        limit = root.depth + depth
    else:
        queryset = visible_profiles(user)
        limit = depth
        base_path = ""
    rows = {profile.pk: profile for profile in queryset.filter(depth__lte=limit)}
    nodes = {pk: Node(profile) for pk, profile in rows.items() if profile.is_visible}
    roots: list[Node] = []
    for pk, node in nodes.items():
        manager_id = (
            None
            if (root is not None and pk == root.pk)
            else (_nearest_visible(node.profile.manager_path, rows, pk))
        )
        if manager_id is None:
            roots.append(node)
        else:
            nodes[manager_id].children.append(node)

    # Reports one level below the window, counted per manager in one grouped query, then
    # credited to the nearest active manager (their own manager may be deactivated).
    below = (
        Profile.objects.filter(_person_visible(user), manager_path__startswith=base_path)
        .filter(depth=limit + 1)
        .order_by()
        .values("manager_id")
        .annotate(count=Count("pk"))
    )
    hidden: dict[int, int] = {}
    for row in below:
        manager = rows.get(row["manager_id"])
        if manager is None:
            continue
        owner = (
            row["manager_id"]
            if manager.is_visible
            else (_nearest_visible(manager.manager_path, rows, manager.pk))
        )
        if owner is not None:
            hidden[owner] = hidden.get(owner, 0) + row["count"]
    for pk, node in nodes.items():
        node.children.sort(key=lambda child: child.sort_key)
        node.reports_count = len(node.children) + hidden.get(pk, 0)
    roots.sort(key=lambda node: node.sort_key)
    return roots


def visible_chain(user, profile: Profile) -> list[Profile]:
    """The person's active managers, from the top down to the nearest one (one query)."""
    ids = profile.chain_ids()[:-1]
    found = visible_profiles(user).filter(is_visible=True).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


@dataclass
class DepartmentNode:
    """A department or team with its active members counted (``total_count`` includes the
    members of its sub-departments)."""

    department: object
    member_count: int = 0
    total_count: int = 0
    children: list[DepartmentNode] = field(default_factory=list)


def department_tree(user) -> list[DepartmentNode]:
    """Departments nested as in the company, with their visible members counted: one query."""
    from portal.accounts.models import Department
    from portal.visibility import filter_visible

    members = (
        filter_visible(user, get_user_model().objects.filter(department=OuterRef("pk")))
        .order_by()
        .values("department")
        .annotate(count=Count("pk"))
        .values("count")
    )
    departments = Department.objects.annotate(member_count=Coalesce(Subquery(members), 0)).order_by(
        "name"
    )
    nodes = {d.pk: DepartmentNode(d, d.member_count, d.member_count) for d in departments}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.department.parent_id)
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        for ancestor_id in node.department.lineage_ids()[:-1]:
            if ancestor_id in nodes:
                nodes[ancestor_id].total_count += node.member_count
    return roots


def department_people(user, department) -> list[Node]:
    """The visible people of a department and its teams, by name: one query."""
    prefix = department.lineage or f"/{department.pk}/"
    queryset = visible_profiles(user).filter(
        is_visible=True, user__department__lineage__startswith=prefix
    )
    return _with_report_counts(user, [Node(profile) for profile in queryset])


def search_people(user, text: str, limit: int = 20) -> list[Node]:
    """Visible people whose name, email or job title contains every word of ``text``."""
    queryset = visible_profiles(user).filter(is_visible=True)
    for word in text.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(job_title__icontains=word)
        )
    found = queryset.order_by("user__last_name", "user__first_name", "pk")[:limit]
    return _with_report_counts(user, [Node(profile) for profile in found])


def _with_report_counts(user, nodes) -> list[Node]:
    """Fill ``reports_count`` (active direct reports) of a flat list in one grouped query."""
    nodes = sorted(nodes, key=lambda node: node.sort_key)
    counts = dict(
        Profile.objects.filter(
            _person_visible(user), manager_id__in=[node.profile.pk for node in nodes]
        )
        .order_by()
        .values("manager_id")
        .annotate(count=Count("pk"))
        .values_list("manager_id", "count")
    )
    for node in nodes:
        node.reports_count = counts.get(node.profile.pk, 0)
    return nodes
