from django.utils.translation import gettext_lazy as _

from portal.plugins import PluginConfig


class GroupsConfig(PluginConfig):
    """Groups: public, private and secret groups with owners, moderators and members;
    department groups kept in sync with the org chart."""

    name = "plugins.groups"
    label = "groups"
    verbose_name = _("Groups")

    class PortalPluginMeta:
        name = _("Groups")
        version = "0.1.0"
        description = _(
            "Public, private and secret groups with their own feed, members and moderators."
        )
        category = "social"
        compatibility = ">=0.1,<1"
        author = "Portal developers"
        requires = []
        bookmarkable = ["groups.Group"]
        role_permissions = {
            "employee": ["groups.add_group"],
            "administrator": ["groups.*"],
        }

    def ready(self) -> None:
        from plugins.groups import visibility_rules  # noqa: F401  (registers the rule)
        from plugins.groups.mentions import GROUP_MENTIONS
        from portal.text import register_mention_kind

        register_mention_kind(GROUP_MENTIONS)
