from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The portal's core: page types, navigation, the visibility rules of core models and
    the loading of every plugin's contract submodules."""

    name = "portal.core"
    label = "core"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import approvals, plugins
        from portal.core import access, visibility_rules

        plugins.check_dependencies()
        approvals.install_workflow_guard()
        visibility_rules.register_core_rules()
        access.connect()
        # Receivers must be connected before the first request, whatever is imported first.
        for _config, _module in plugins.plugin_submodules("signals"):
            pass
