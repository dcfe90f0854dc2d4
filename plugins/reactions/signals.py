"""The reactions plugin's contributions to the core."""

from portal import signals


def page_assets(sender, request, **kwargs):
    """The reaction picker works in place wherever posts and comments are shown."""
    return ["reactions/reactions.css", "reactions/reactions.js"]


signals.page_assets.connect(page_assets, dispatch_uid="reactions_page_assets")
