"""Profile completeness: a score from 0 to 100 and what is missing, for a person and, in
aggregate, per department (for HR and managers)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from plugins.people.models import LanguageTag, Profile, SkillTag

#: What a complete profile has, in the order people are asked to fill it in.
ITEMS: dict[str, object] = {
    "photo": _("photo"),
    "job_title": _("job title"),
    "phone": _("phone"),
    "bio": _("short bio"),
    "skills": _("skills"),
    "languages": _("languages"),
}


@dataclass(frozen=True)
class Completeness:
    """A person's score (0-100) and the keys of :data:`ITEMS` they are missing."""

    score: int
    missing: list[str]

    @property
    def missing_labels(self) -> list[str]:
        return [str(ITEMS[key]) for key in self.missing]


@dataclass
class DepartmentCompleteness:
    """The completeness of a department's people (its direct members)."""

    department_id: int | None
    name: str
    people: int = 0
    complete: int = 0
    total_score: int = 0
    missing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ITEMS, 0))

    @property
    def average(self) -> int:
        return round(self.total_score / self.people) if self.people else 0


def annotate_completeness(queryset: QuerySet[Profile]) -> QuerySet[Profile]:
    """Add ``has_skills`` and ``has_languages`` so that scores need no further query."""
    return queryset.annotate(
        has_skills=Exists(SkillTag.objects.filter(content_object=OuterRef("pk"))),
        has_languages=Exists(LanguageTag.objects.filter(content_object=OuterRef("pk"))),
    )


def _has_tags(profile: Profile, name: str) -> bool:
    annotated = getattr(profile, f"has_{name}", None)
    if annotated is not None:
        return bool(annotated)
    cache = getattr(profile, "_prefetched_objects_cache", {})
    if name in cache:
        return bool(cache[name])
    return getattr(profile, name).exists()


def completeness(profile: Profile) -> Completeness:
    """How complete ``profile`` is. Uses ``annotate_completeness`` or prefetched tags when
    present, else two small queries."""
    present = {
        "photo": bool(profile.photo),
        "job_title": bool(profile.job_title.strip()),
        "phone": bool(profile.phone.strip()),
        "bio": bool(profile.bio.strip()),
        "skills": _has_tags(profile, "skills"),
        "languages": _has_tags(profile, "languages"),
    }
    missing = [key for key in ITEMS if not present[key]]
    score = round(100 * (len(ITEMS) - len(missing)) / len(ITEMS))
    return Completeness(score=score, missing=missing)


def by_department(profiles: QuerySet[Profile]) -> tuple[DepartmentCompleteness, list]:
    """The company-wide total and one row per department (people without a department
    last), computed with one query whatever the number of people."""
    rows: dict[int | None, DepartmentCompleteness] = {}
    total = DepartmentCompleteness(department_id=None, name=str(_("Everyone")))
    queryset = annotate_completeness(profiles).select_related("user__department")
    for profile in queryset.only(
        "photo", "job_title", "phone", "bio", "user__department__name", "user__department_id"
    ):
        department = profile.user.department
        key = department.pk if department else None
        if key not in rows:
            rows[key] = DepartmentCompleteness(
                department_id=key, name=department.name if department else str(_("No department"))
            )
        result = completeness(profile)
        for row in (rows[key], total):
            row.people += 1
            row.total_score += result.score
            row.complete += not result.missing
            for item in result.missing:
                row.missing[item] += 1
    ordered = sorted(rows.values(), key=lambda r: (r.department_id is None, r.name.lower()))
    return total, ordered
