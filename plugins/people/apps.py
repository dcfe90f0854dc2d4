from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class PeopleConfig(PluginConfig):
    """People: profiles, the directory, the org chart and the HR spreadsheet import."""

    name = "plugins.people"
    label = "people"
    verbose_name = _("People")

    class PortalPluginMeta:
        name = _("People")
        version = "0.1.0"
        description = _("Profiles, directory, dynamic org chart and HR spreadsheet import.")
        category = "people"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = []
        bookmarkable = ["accounts.User"]
        role_permissions = {
            "hr": ["people.*"],
            "administrator": ["people.*"],
        }
