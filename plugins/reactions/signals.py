"""The reactions plugin's contributions to the core: its assets on every page, and the
reaction widget on the page of each reactable object (a news article, a course, an
initiative...)."""

from django.utils.translation import gettext_lazy as _

from portal import interactions, signals
from portal.navigation import HomePanel


def page_assets(sender, request, **kwargs):
    """The reaction picker works in place wherever posts and comments are shown."""
    return ["reactions/reactions.css", "reactions/reactions.js"]


signals.page_assets.connect(page_assets, dispatch_uid="reactions_page_assets")


def object_reactions(sender, request, obj, **kwargs):
    """The "Reactions" section of a reactable object's page (not of a post, whose card
    shows its own widget)."""
    from plugins.reactions import services

    declaration = interactions.declaration_for(type(obj))
    if declaration is None or not declaration.reactions_section:
        return None
    if not interactions.may_react(request.user, obj):  # seeing it comes first
        return None
    return HomePanel(
        title=_("Reactions"),
        template="reactions/section.html",
        context={"target": obj, "summary": services.summary(request.user, obj)},
        order=5,
    )


signals.object_sections.connect(object_reactions, dispatch_uid="reactions_object_widget")
