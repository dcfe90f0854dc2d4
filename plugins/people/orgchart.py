"""The org chart: manager links kept as materialised paths.

``Profile.manager_path`` holds the profile ids from the top of the company down to the
person ("/3/17/42/"), and ``depth`` the number of managers above them. Reading a chain of
command or a whole subtree costs a bounded number of queries, whatever the number of
people: one for the path's profiles, one ``startswith`` for a subtree.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from plugins.people.models import Profile


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
    bulk change of manager links (the HR import)."""
    rows = list(Profile.objects.values_list("pk", "manager_id", "manager_path", "depth"))
    paths = compute_paths({pk: manager for pk, manager, _path, _depth in rows})
    changed = []
    for pk, _manager, path, depth in rows:
        if paths[pk] != (path, depth):
            changed.append(Profile(pk=pk, manager_path=paths[pk][0], depth=paths[pk][1]))
    Profile.objects.bulk_update(changed, ["manager_path", "depth"], batch_size=1000)
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
