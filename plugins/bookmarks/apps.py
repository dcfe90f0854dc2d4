from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class BookmarksConfig(PluginConfig):
    """Bookmarks: employees save any page or object and find it again under "My bookmarks"."""

    name = "plugins.bookmarks"
    label = "bookmarks"
    verbose_name = _("Bookmarks")

    class PortalPluginMeta:
        name = _("Bookmarks")
        version = "1.0.0"
        description = _("Save any page or object and find it again under My bookmarks.")
        category = "productivity"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = []
        role_permissions = {
            "employee": ["bookmarks.add_bookmark", "bookmarks.delete_bookmark"],
            "administrator": ["bookmarks.view_bookmark"],
        }
