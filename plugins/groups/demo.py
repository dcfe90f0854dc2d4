"""The demo company's groups (``make run``): a public club, a private project, a secret
leadership team; department groups come from the org chart by themselves."""

from plugins.groups import services
from plugins.groups.models import Group, Membership

NAMED = {"admin@example.com", "editor@example.com", "hr@example.com", "employee@example.com"}


def _others(people: dict, count: int, skip: int = 0) -> list:
    return [user for email, user in sorted(people.items()) if email not in NAMED][
        skip : skip + count
    ]


def load_demo(people: dict) -> None:
    admin = people["admin@example.com"]
    employee = people["employee@example.com"]
    editor = people["editor@example.com"]
    sales = people.get("sales@example.com") or _others(people, 1)[0]

    running = services.create_group(
        employee,
        name="Running club",
        description="Lunchtime runs on Tuesdays and Thursdays, all paces welcome.",
        privacy=Group.PUBLIC,
        tags=["sport", "running"],
    )
    for user in _others(people, 12):
        services.join(user, running)

    falcon = services.create_group(
        admin,
        name="Project Falcon",
        description="Everything about the launch of Falcon, our new customer app.",
        privacy=Group.PRIVATE,
        tags=["project", "launch"],
    )
    Membership.objects.bulk_create(
        Membership(group=falcon, user=user)
        for user in [employee, editor, sales, *_others(people, 6, skip=12)]
    )
    services.request_to_join(_others(people, 1, skip=30)[0], falcon, "I'd like to help test.")

    leadership = services.create_group(
        admin,
        name="Leadership team",
        description="Agendas and minutes of the leadership meetings.",
        privacy=Group.SECRET,
    )
    Membership.objects.create(group=leadership, user=people["hr@example.com"])
