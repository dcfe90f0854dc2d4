"""Realistic data for the benchmarks, built through the product's own code paths.

Departments in a tree, employees spread over them (a few editors, HR people and an
administrator), the home page with a welcome text, sections of content pages (one of them
restricted to HR, as intranets have), and bookmarks saved with the bookmarks service.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.text import slugify
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

from plugins.bookmarks.services import add_bookmark
from portal.accounts import roles
from portal.accounts.models import Department, User
from tests.factories import ensure_home_page, make_content_page, make_user

BENCH_EMAIL = "bench.user@example.com"

#: (name, code, parent code)
DEPARTMENTS = [
    ("Company", "CO", None),
    ("Engineering", "ENG", "CO"),
    ("Platform", "PLT", "ENG"),
    ("Data", "DAT", "ENG"),
    ("Mobile", "MOB", "ENG"),
    ("Sales", "SAL", "CO"),
    ("Sales EMEA", "EMEA", "SAL"),
    ("Sales Americas", "AMER", "SAL"),
    ("Human Resources", "HR", "CO"),
    ("Finance", "FIN", "CO"),
    ("Operations", "OPS", "CO"),
]

SECTIONS = [
    "Welcome guide",
    "IT help",
    "Travel",
    "Benefits",
    "Security",
    "Facilities",
    "Engineering handbook",
    "Sales playbook",
    "Finance procedures",
    "HR only",  # restricted to the HR role: blocked for the benchmark user
]


@dataclass(frozen=True)
class Sizes:
    users: int
    pages: int
    bookmark_owners: int
    bookmarks_per_user: int

    @classmethod
    def full(cls) -> Sizes:
        return cls(users=200, pages=50, bookmark_owners=50, bookmarks_per_user=20)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(users=30, pages=20, bookmark_owners=5, bookmarks_per_user=20)


@dataclass
class Seeded:
    user: User
    home: object
    departments: int = 0
    users: int = 0
    pages: list = field(default_factory=list)
    visible_pages: list = field(default_factory=list)
    bookmarks: int = 0


def _body(title: str, rng: random.Random) -> list:
    words = ["policy", "team", "office", "request", "form", "travel", "laptop", "badge"]
    paragraphs = [
        ("paragraph", RichText("<p>" + " ".join(rng.choices(words, k=40)) + ".</p>"))
        for _ in range(3)
    ]
    return [("heading", title), *paragraphs, ("quote", "Ask your manager first.")]


def seed(sizes: Sizes, rng: random.Random | None = None) -> Seeded:
    rng = rng or random.Random(1234)
    with transaction.atomic():
        departments = _seed_departments()
        users = _seed_users(sizes.users, departments, rng)
    with transaction.atomic():
        home = ensure_home_page()
        home.welcome = "<p>Welcome to the <b>intranet</b>. Everything you need is here.</p>"
        home.save_revision().publish()
        pages, visible = _seed_pages(home, sizes.pages, rng)
    with transaction.atomic():
        _seed_news(home, sizes.pages, rng)
    bench_user = users[0]
    owners = [bench_user, *rng.sample(users[1:], min(sizes.bookmark_owners - 1, len(users) - 1))]
    count = 0
    with transaction.atomic():
        for owner in owners:
            count += _seed_bookmarks(owner, visible, users, sizes.bookmarks_per_user, rng)
    analyze()
    return Seeded(
        user=bench_user,
        home=home,
        departments=len(departments),
        users=len(users),
        pages=pages,
        visible_pages=visible,
        bookmarks=count,
    )


def _seed_news(home, count: int, rng) -> int:
    """A news index with ``count`` news items over three categories, as editors publish."""
    from portal.editorial.news.factories import make_category, make_news, make_news_index

    index = make_news_index(home)
    categories = [make_category(name) for name in ("Company", "HR", "IT")]
    for i in range(count):
        make_news(
            index,
            f"News {i}: {rng.choice(['New office', 'Team lunch', 'Security tips', 'Results'])}",
            category=rng.choice(categories),
            summary="What happened this week, in short.",
            tags=(rng.choice(["office", "people", "it"]),),
        )
    return count


def _seed_departments() -> dict[str, Department]:
    made: dict[str, Department] = {}
    for name, code, parent in DEPARTMENTS:
        made[code] = Department.objects.create(
            name=name, code=code, parent=made[parent] if parent else None
        )
    return made


def _seed_users(count: int, departments: dict[str, Department], rng) -> list[User]:
    leaves = [d for code, d in departments.items() if code not in {"CO", "ENG", "SAL"}]
    users = [make_user(BENCH_EMAIL, department=departments["PLT"], first_name="Bench")]
    special = {1: roles.ADMINISTRATOR, 2: roles.HR, 3: roles.HR}
    special.update(dict.fromkeys(range(4, 9), roles.EDITOR))
    for i in range(1, count):
        users.append(
            make_user(
                f"employee{i:04d}@example.com",
                department=rng.choice(leaves),
                role=special.get(i),
                first_name=f"Employee{i}",
                last_name=rng.choice(["Martin", "Bernard", "Dubois", "Smith", "Garcia"]),
            )
        )
    return users


def _seed_pages(home, count: int, rng) -> tuple[list, list]:
    """``count`` content pages: one top-level page per section, the rest under them."""
    sections = []
    for title in SECTIONS[: min(len(SECTIONS), count)]:
        sections.append(
            make_content_page(
                home,
                title,
                slug=slugify(title),
                intro=f"All about {title.lower()}.",
                body=_body(title, rng),
            )
        )
    pages = list(sections)
    for i in range(count - len(sections)):
        parent = sections[i % len(sections)]
        title = f"{parent.title} article {i // len(sections) + 1}"
        pages.append(
            make_content_page(
                parent,
                title,
                slug=f"{parent.slug}-{i // len(sections) + 1}",
                intro=f"One more thing about {parent.title.lower()}.",
                body=_body(title, rng),
            )
        )
    restricted = next((p for p in sections if p.title == "HR only"), None)
    if restricted is not None:
        restriction = PageViewRestriction.objects.create(
            page=restricted, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.set([roles.role_group(roles.HR)])
    visible = [p for p in pages if restricted is None or not p.path.startswith(restricted.path)]
    return pages, visible


def _seed_bookmarks(owner, pages, people, per_user: int, rng) -> int:
    """About four in five bookmarks on pages, the rest on colleagues."""
    n_people = max(1, per_user // 5)
    targets = rng.sample(pages, min(per_user - n_people, len(pages)))
    targets += rng.sample([p for p in people if p.pk != owner.pk], n_people)
    rng.shuffle(targets)
    created = 0
    for target in targets:
        _bookmark, new = add_bookmark(owner, target, note=rng.choice(["", "", "read later"]))
        created += new
    return created


def analyze() -> None:
    """Refresh the planner's statistics, as a live database's autovacuum would."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
