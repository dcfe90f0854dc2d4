"""``python manage.py rebuild_search_index [--types KEY ...] [--progress]``

Rebuilds the search index from the database, type by type (every registered type, or the
ones named), through the configured backend: the database index is swapped in one
transaction, Elasticsearch builds a new index behind its alias, so searches keep working
throughout. A progress bar goes to stderr on a terminal (or with ``--progress``); a summary
(documents per type, rate) always ends on stdout.
"""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from search.backends import get_backend
from search.documents import build
from search.registry import searchable_types

logger = logging.getLogger("portal.search")

BAR_WIDTH = 30


def _plain(text: str) -> str:
    return text


class ProgressBar:
    """``[#####     ] 1234/5000 feed.post`` redrawn in place on a stream."""

    def __init__(self, stream, total: int, enabled: bool):
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.done = 0
        self.label = ""
        self._shown = -1
        self._width = 0
        self._step = max(1, total // 200)

    def advance(self, label: str, count: int = 1) -> None:
        self.done += count
        if label != self.label or self.done - self._shown >= self._step or self.done >= self.total:
            self.label = label
            self.draw()

    def draw(self) -> None:
        if not self.enabled:
            return
        total = max(self.total, 1)
        filled = min(BAR_WIDTH, BAR_WIDTH * self.done // total)
        bar = "#" * filled + " " * (BAR_WIDTH - filled)
        line = f"\r[{bar}] {self.done}/{self.total} {self.label}"
        self._width = max(self._width, len(line))
        self.stream.write(line.ljust(self._width), style_func=_plain, ending="")
        self.stream.flush()
        self._shown = self.done

    def finish(self) -> None:
        if self.enabled:
            self.draw()
            self.stream.write("", style_func=_plain)


class Command(BaseCommand):
    help = "Rebuild the search index from the database (every type, or the ones named)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--types",
            nargs="+",
            metavar="KEY",
            help="Only these types (registry keys such as feed.post, people.person).",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="Show the progress bar even when stderr is not a terminal.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Objects read from the database at a time (default 500).",
        )

    def handle(self, *args, types=None, progress=False, batch_size=500, **options):
        registered = searchable_types()
        keys = list(dict.fromkeys(types)) if types else sorted(registered)
        unknown = [key for key in keys if key not in registered]
        if unknown:
            raise CommandError(
                _("Unknown search type: %(unknown)s. Known types: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(registered))}
            )
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))

        totals = {key: registered[key].all_objects().count() for key in keys}
        bar = ProgressBar(
            self.stderr, sum(totals.values()), enabled=progress or self.stderr.isatty()
        )
        built = dict.fromkeys(keys, 0)
        failed = dict.fromkeys(keys, 0)

        def documents():
            for key in keys:
                searchable = registered[key]
                for obj in searchable.all_objects().iterator(chunk_size=batch_size):
                    try:
                        document = build(searchable, obj)
                    except Exception:
                        logger.exception(
                            "Could not build the search document of %s %s", key, obj.pk
                        )
                        document = None
                        failed[key] += 1
                    bar.advance(key)
                    if document is not None:
                        built[key] += 1
                        yield document

        started = time.monotonic()
        written = get_backend().rebuild(keys, documents())
        bar.finish()
        elapsed = max(time.monotonic() - started, 1e-6)

        per_type = ", ".join(f"{key} {built[key]}" for key in keys)
        self.stdout.write(
            _("Indexed %(count)d documents in %(seconds).1f s (%(rate)d documents/s): %(types)s.")
            % {
                "count": written,
                "seconds": elapsed,
                "rate": round(written / elapsed),
                "types": per_type,
            }
        )
        errors = sum(failed.values())
        if errors:
            self.stderr.write(
                _("%(count)d objects could not be indexed (see the portal.search log): %(types)s.")
                % {
                    "count": errors,
                    "types": ", ".join(f"{key} {n}" for key, n in failed.items() if n),
                }
            )
