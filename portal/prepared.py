"""Queries of one shape, compiled once per process.

A feed card needs the page's posts (by id), their latest comments and their reactions:
each a short query on an index, which the ORM took longer to build and compile than the
database took to run (measured on a page of 20 posts: 1.3 ms to build and compile the
posts' query, 0.4 ms to run it). A :class:`Prepared` query is built by a function of its
arguments (lists of ids, single ids), compiled once per shape (how many ids each list
holds, and the database), and run with the arguments put into its parameters; it gives
model instances (``select_related`` included) or rows, as the queryset would.

Only for queries whose SQL depends on nothing but their arguments: not on the user, the
time or the settings. The visibility policy's querysets are never prepared here (the
home feed keeps its SQL per person instead, with their access: see
:mod:`plugins.feed.queries`).

Lists are read as sets (``pk__in``): a list is padded to a few sizes by repeating its
last id, so that a page of 17 posts and one of 19 share their SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

#: The sizes lists are padded to (longer lists keep their own size).
_SIZES = (1, 2, 4, 8, 12, 16, 20, 24, 32, 40, 50, 64, 80, 100)
#: Arguments are compiled as distinct negative numbers no real id takes (within a 32-bit
#: column's range, which Django checks), then found again among the parameters by value.
_PROBE = -1_934_000_000


def _padded(values: Sequence[int]) -> list[int]:
    values = list(values)
    if not values:
        # ``pk__in=[]`` matches nothing: the caller answers without asking the database.
        raise ValueError("a prepared query can't take an empty list")
    size = next((s for s in _SIZES if s >= len(values)), len(values))
    return values + [values[-1]] * (size - len(values))


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    #: For each parameter slot taken by an argument: (slot, argument index, position in
    #: the list or None for a single value).
    slots: tuple[tuple[int, int, int | None], ...]
    compiler: object
    model_start: int
    model_end: int
    init_list: tuple[str, ...]
    populators: tuple
    annotations: tuple[tuple[str, int], ...]


class Prepared:
    """``build(*args) -> QuerySet``, compiled once per shape of ``args`` (lists of ids and
    single ids, nothing else); :meth:`objects` and :meth:`rows` run it."""

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._compiled: dict[tuple, _Compiled] = {}

    # --- Compiling -----------------------------------------------------------------------

    def _compile(self, shape: tuple) -> _Compiled:
        probes: dict[int, tuple[int, int | None]] = {}
        args = []

        def probe(index: int, position: int | None) -> int:
            value = _PROBE - len(probes)
            probes[value] = (index, position)
            return value

        for index, size in enumerate(shape):
            if size is None:
                args.append(probe(index, None))
            else:
                args.append([probe(index, position) for position in range(size)])
        queryset = self.build(*args).using(self.using)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("a prepared query can't prefetch or know related objects")
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        slots = tuple(
            (slot, *probes[value])
            for slot, value in enumerate(params)
            if isinstance(value, int) and value in probes
        )
        if set(probes) - {params[slot] for slot, *_ in slots}:
            raise ValueError("an argument of a prepared query did not become a parameter")
        select, klass_info = compiler.select, compiler.klass_info
        start = end = 0
        init_list: tuple[str, ...] = ()
        populators: tuple = ()
        if klass_info is not None:
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            init_list = tuple(f[0].target.attname for f in select[start:end])
            populators = tuple(get_related_populators(klass_info, select, self.using))
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            model_start=start,
            model_end=end,
            init_list=init_list,
            populators=populators,
            annotations=tuple((compiler.annotation_col_map or {}).items()),
        )

    def _prepared(self, args) -> tuple[_Compiled, list]:
        args = [_padded(a) if isinstance(a, (list, tuple)) else int(a) for a in args]
        shape = tuple(len(a) if isinstance(a, list) else None for a in args)
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = self._compile(shape)
        params = list(compiled.params)
        for slot, index, position in compiled.slots:
            params[slot] = args[index] if position is None else args[index][position]
        return compiled, params

    def _run(self, args) -> tuple[_Compiled, object]:
        """Rows with the ORM's converters applied (dates, booleans, JSON)."""
        compiled, params = self._prepared(args)
        with connections[self.using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        compiler = compiled.compiler
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        return compiled, compiler.results_iter([rows], tuple_expected=True)

    # --- Running ---------------------------------------------------------------------------

    def rows(self, *args) -> list[tuple]:
        """The rows of a ``values_list()`` queryset (any lists in ``args`` not empty)."""
        return list(self._run(args)[1])

    def objects(self, *args) -> list[Model]:
        """The model instances of the queryset, with what it selects related."""
        compiled, rows = self._run(args)
        model = compiled.compiler.klass_info["model"]
        found = []
        for row in rows:
            obj = model.from_db(
                self.using, compiled.init_list, row[compiled.model_start : compiled.model_end]
            )
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def in_bulk(self, ids) -> dict:
        """``{pk: instance}`` of the instances whose ids are ``ids`` (``build(ids)``)."""
        ids = list(ids)
        if not ids:
            return {}
        return {obj.pk: obj for obj in self.objects(ids)}
