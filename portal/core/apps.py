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
        from django.db.models.signals import post_migrate
        from wagtail.signals import copy_for_translation_done

        from portal import approvals, modeoff, plugins
        from portal.core import access, localisation, visibility_rules

        plugins.check_dependencies()
        approvals.install_workflow_guard()
        visibility_rules.register_core_rules()
        visibility_rules.register_modeoff_rules()
        access.connect()
        modeoff.connect()
        post_migrate.connect(
            localisation.ensure_locales, sender=self, dispatch_uid="core_ensure_locales"
        )
        copy_for_translation_done.connect(
            localisation.copy_section_settings, dispatch_uid="core_translation_section_settings"
        )
        # Receivers must be connected before the first request, whatever is imported first.
        for _config, _module in plugins.plugin_submodules("signals"):
            pass
