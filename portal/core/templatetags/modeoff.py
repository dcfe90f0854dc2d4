"""``{% load modeoff %}``: a person's mode off on a page that shows one person (a profile,
a hover card). Lists annotate their people in the view instead
(:func:`portal.modeoff.annotate`, one query for all)."""

from __future__ import annotations

from django import template

from portal import modeoff

register = template.Library()


@register.simple_tag
def off_status(person) -> str:
    """ "Off until Monday 9:00" for someone who is off, else "". Remembers the state on
    ``person``, so an ``{% avatar person presence=True %}`` after it shows the "off" dot."""
    if getattr(person, "pk", None) is None:
        return ""
    current = getattr(person, "modeoff_state", None)
    if current is None:
        current = modeoff.annotate([person])[0].modeoff_state
    return modeoff.until_text(current)
