"""The demo company's feed (``make run``): statuses with mentions and hashtags, an event,
a poll, a department post and posts in groups, one of them pinned."""

from datetime import timedelta

from django.utils import timezone

from plugins.feed import polls, services
from plugins.feed.models import Post
from plugins.groups.models import Group


def _mention(user) -> str:
    return f"@[{user.get_full_name() or user.email}](user:{user.pk})"


def load_demo(people: dict) -> None:
    admin = people["admin@example.com"]
    employee = people["employee@example.com"]
    editor = people["editor@example.com"]
    hr = people["hr@example.com"]
    sales = people.get("sales@example.com", editor)
    soon = timezone.localtime() + timedelta(days=4)

    welcome = services.create_post(
        hr,
        text=(
            "Welcome to our new intranet! Post news, ask questions, start a group, and "
            f"find anyone in the directory. {_mention(employee)}, thanks for testing it "
            "with us. #welcome #intranet"
        ),
    )
    services.pin_post(admin, welcome, True)
    services.create_post(
        editor,
        text="Our summer party needs a venue: tell us what you prefer. #summerparty",
        kind=Post.POLL,
        poll={
            "question": "Where should the summer party be?",
            "options": ["On a boat", "In the park", "At the office rooftop"],
            "multiple": False,
            "anonymous": False,
            "closes_at": timezone.now() + timedelta(days=14),
        },
    )
    services.create_post(
        sales,
        text="Drinks after work to celebrate the quarter. Everyone is welcome! #afterwork",
        kind=Post.EVENT,
        event={
            "title": "Afterwork: end of the quarter",
            "starts_at": soon.replace(hour=18, minute=30, second=0, microsecond=0),
            "ends_at": soon.replace(hour=21, minute=0, second=0, microsecond=0),
            "location": "The Corner Bar, 12 rue de la Paix",
            "online_url": "",
        },
    )
    if employee.department_id:
        services.create_post(
            employee,
            text="Reminder for the team: the staging servers restart tonight at 22:00. #it",
            audience=f"dept:{employee.department_id}",
        )
    falcon = Group.objects.filter(name="Project Falcon").first()
    if falcon is not None:
        services.create_post(
            admin,
            text=(
                f"Kick-off on Monday at 10:00 in room Mercure. {_mention(employee)} will "
                "demo the first screens. #falcon"
            ),
            audience=f"group:{falcon.pk}",
        )
    running = Group.objects.filter(name="Running club").first()
    if running is not None:
        services.create_post(
            employee,
            text="5 km around the park tomorrow at 12:15, meet at the main entrance. #running",
            audience=f"group:{running.pk}",
        )
    vote_on = Post.objects.filter(kind=Post.POLL).first()
    if vote_on is not None:
        option = vote_on.poll.options.first()
        for user in (admin, hr, sales):
            polls.vote(user, vote_on, [option.pk])
