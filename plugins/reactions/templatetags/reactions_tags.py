"""``{% reaction_widget target summary %}``: the reactions of a post or a comment, with the
five kinds to choose from (a plain form, which reactions.js submits in place)."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from plugins.reactions.models import Reaction
from portal import interactions

register = template.Library()


def kinds_of(summary: dict) -> list[dict]:
    labels = dict(Reaction.KIND_CHOICES)
    return [
        {
            "key": key,
            "label": labels[key],
            "emoji": Reaction.EMOJI[key],
            "count": summary.get("counts", {}).get(key, 0),
            "pressed": summary.get("mine") == key,
        }
        for key in labels
    ]


@register.inclusion_tag("reactions/widget.html", takes_context=True)
def reaction_widget(context, target, summary=None):
    summary = summary or {"counts": {}, "total": 0, "mine": None, "top": []}
    declaration = interactions.declaration_for(type(target))
    content_type_id = (
        declaration.content_type() if declaration else ContentType.objects.get_for_model(target)
    ).pk
    request = context.get("request")
    kinds = kinds_of(summary)
    by_key = {kind["key"]: kind for kind in kinds}
    return {
        "target": target,
        "summary": summary,
        "kinds": kinds,
        "top": [by_key[key] for key in summary.get("top", []) if key in by_key],
        "mine": by_key.get(summary.get("mine")),
        "action": reverse("reactions:react", args=[content_type_id, target.pk]),
        "people_url": reverse("reactions:people", args=[content_type_id, target.pk]),
        # The page to come back to without JavaScript (the form's own page, or the one a
        # re-rendered widget was first shown on).
        "next": context.get("reaction_next")
        or (request.get_full_path() if request is not None else ""),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
