"""The demo company's conversations (``make run``): one-to-one chats (one with Emma, who is
off on holiday), an ad hoc group with a thread and a reaction, and the conversation of the
Project Falcon group."""

from django.apps import apps

from plugins.messaging import services


def _mention(user) -> str:
    return f"@[{user.get_full_name() or user.email}](user:{user.pk})"


def load_demo(people: dict) -> None:
    admin = people["admin@example.com"]
    employee = people["employee@example.com"]
    editor = people["editor@example.com"]
    hr = people["hr@example.com"]

    direct = services.direct_conversation(employee, editor.pk)
    services.post_message(editor, direct, "Hi! Do you have a minute to review the newsletter?")
    services.post_message(employee, direct, "Sure, send me the link and I'll look after lunch.")
    services.post_message(editor, direct, "Thanks a lot, it's in the shared folder.")

    # Emma is on holiday (her working hours in the demo fixture): writing to her, one
    # sees it before sending, and may schedule for her return.
    sales = people.get("sales@example.com")
    if sales is not None:
        away = services.direct_conversation(employee, sales.pk)
        services.post_message(sales, away, "Here are the figures for the quarterly review.")

    team = services.start_group(hr, [employee.pk, editor.pk, admin.pk], "Welcome day")
    question = services.post_message(
        hr, team, f"Who can give the office tour on Monday? {_mention(employee)}, maybe you?"
    )
    services.post_message(employee, team, "Happy to do it at 10:00.", parent=question)
    services.post_message(admin, team, "I'll book the meeting room for the coffee after.")
    if apps.is_installed("plugins.reactions"):
        from plugins.reactions import services as reactions

        reactions.react(hr, question, "celebrate")

    from plugins.groups.models import Group

    falcon = Group.objects.filter(name="Project Falcon").first()
    if falcon is not None:
        owner = falcon.memberships.filter(role="owner").select_related("user").first()
        if owner is not None:
            space = services.enable_space(owner.user, falcon)
            services.post_message(owner.user, space, "Launch checklist review on Thursday.")
