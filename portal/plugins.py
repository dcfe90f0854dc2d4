"""The plugin contract.

A plugin is a Django app whose ``apps.py`` subclasses :class:`PluginConfig` and declares an
inner ``PortalPluginMeta``::

    class BookmarksConfig(PluginConfig):
        name = "plugins.bookmarks"
        label = "bookmarks"

        class PortalPluginMeta:
            name = _("Bookmarks")
            version = "1.0.0"
            description = _("Save any page or object and find it again.")
            category = "productivity"
            compatibility = ">=0.1,<1"
            requires = []          # labels of other plugins this one needs
            bookmarkable = []      # "app_label.ModelName" of what people may bookmark

The metadata is validated when Django builds the app registry: a plugin with missing or
incompatible metadata stops the start-up with a message that says what to fix.

``bookmarkable`` lists the content people may save as bookmarks (and find again under "My
bookmarks"): a post, a group, a person. Nothing else is a bookmark target, even if the
visibility policy knows it: internal records (votes, reports, enrolments) stay out of every
generic by-id path. The core declares Wagtail pages (:data:`CORE_BOOKMARKABLE`).

The core never imports a plugin by name. It finds the enabled plugins at settings time
(:func:`discover_plugins`) and, at run time, imports their contract submodules
(:func:`plugin_submodules`): ``urls``, ``api``, ``search``, ``privacy``, ``metrics``,
``signals`` (and ``wagtail_hooks``, which Wagtail itself loads for every installed app).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

import portal

#: The submodules a plugin may ship, each with a fixed meaning (see ARCHITECTURE.md).
CONTRACT_SUBMODULES = (
    "urls",
    "api",
    "search",
    "privacy",
    "metrics",
    "signals",
    "wagtail_hooks",
    # ``load_demo(people)``: the plugin's share of the demo company (``make run``), called
    # by ``manage.py load_demo`` after the people and pages exist, dependencies first.
    "demo",
)

#: Entry-point group through which an installed distribution offers a plugin.
ENTRY_POINT_GROUP = "portal.plugin"

PLUGIN_CATEGORIES = (
    "content",
    "social",
    "people",
    "communication",
    "productivity",
    "animation",
    "measurement",
    "integration",
    "other",
)

PLUGINS_DIR = Path(__file__).resolve().parent.parent / "plugins"

#: What the core itself lets people bookmark: every Wagtail page type.
CORE_BOOKMARKABLE = ("wagtailcore.Page",)


@dataclass(frozen=True)
class PluginMeta:
    """Validated plugin metadata, as found on ``PluginConfig.meta``."""

    name: str
    version: str
    description: str
    category: str
    compatibility: str
    requires: tuple[str, ...] = field(default_factory=tuple)
    author: str = ""
    #: Models (``"app_label.ModelName"``) people may bookmark, subclasses included.
    bookmarkable: tuple[str, ...] = field(default_factory=tuple)


class PluginConfig(AppConfig):
    """Base class of every plugin's AppConfig.

    Subclasses declare ``PortalPluginMeta``; it is checked when the app config is created,
    which happens while Django builds the app registry, so a broken plugin cannot start.
    """

    default_auto_field = "django.db.models.BigAutoField"
    # apps.py imports this class too; only the plugin's own subclass is its default config.
    default = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    def __init__(self, app_name: str, app_module: ModuleType | None) -> None:
        super().__init__(app_name, app_module)
        self.meta = validate_meta(self.__class__)

    def import_models(self) -> None:
        # Every app config exists by now, and no model is imported yet: a plugin whose
        # dependency is disabled stops here with a clear message, before its models would
        # fail on the missing app.
        check_dependencies()
        super().import_models()

    @property
    def plugin_label(self) -> str:
        return self.label


def validate_meta(config_class: type) -> PluginMeta:
    """Check a plugin config's ``PortalPluginMeta`` and return it as a :class:`PluginMeta`.

    Raises ImproperlyConfigured with a message naming the plugin and the field at fault.
    """
    where = f"{config_class.__module__}.{config_class.__qualname__}"
    raw = getattr(config_class, "PortalPluginMeta", None)
    if raw is None:
        raise ImproperlyConfigured(
            f"Plugin {where} has no PortalPluginMeta inner class; every plugin must declare "
            "name, version, description, category and compatibility."
        )
    missing = [
        attr
        for attr in ("name", "version", "description", "category", "compatibility")
        if _is_blank(getattr(raw, attr, None))
    ]
    if missing:
        raise ImproperlyConfigured(
            f"Plugin {where}: PortalPluginMeta is missing {', '.join(missing)}."
        )
    try:
        Version(str(raw.version))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"Plugin {where}: version {raw.version!r} is not a valid version number."
        ) from exc
    if raw.category not in PLUGIN_CATEGORIES:
        raise ImproperlyConfigured(
            f"Plugin {where}: category {raw.category!r} is not one of "
            f"{', '.join(PLUGIN_CATEGORIES)}."
        )
    try:
        spec = SpecifierSet(str(raw.compatibility))
    except InvalidSpecifier as exc:
        raise ImproperlyConfigured(
            f"Plugin {where}: compatibility {raw.compatibility!r} is not a version "
            "specifier such as '>=0.1,<1'."
        ) from exc
    if not spec.contains(portal.__version__, prereleases=True):
        raise ImproperlyConfigured(
            f"Plugin {where} requires portal {raw.compatibility}, but this is portal "
            f"{portal.__version__}. Upgrade the plugin or disable it with "
            "PORTAL_PLUGINS_EXCLUDE."
        )
    requires = tuple(getattr(raw, "requires", ()) or ())
    bookmarkable = getattr(raw, "bookmarkable", ()) or ()
    if isinstance(bookmarkable, str) or not all(
        isinstance(label, str) and label.count(".") == 1 for label in bookmarkable
    ):
        raise ImproperlyConfigured(
            f"Plugin {where}: bookmarkable must be a list of model labels such as 'feed.Post'."
        )
    return PluginMeta(
        # name and description stay lazy: translations are not ready this early.
        name=raw.name,
        version=str(raw.version),
        description=raw.description,
        category=raw.category,
        compatibility=str(raw.compatibility),
        requires=requires,
        author=str(getattr(raw, "author", "") or ""),
        bookmarkable=tuple(bookmarkable),
    )


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def discover_plugins(
    include: Iterable[str] | None = None, exclude: Iterable[str] = ()
) -> list[str]:
    """Return the dotted module names of the plugins to install, for INSTALLED_APPS.

    By default every folder of ``plugins/`` holding an ``apps.py`` is a plugin, plus any
    installed distribution that declares a ``portal.plugin`` entry point. ``include``
    replaces that list; ``exclude`` removes plugins by module name or by last component
    (``"bookmarks"`` and ``"plugins.bookmarks"`` both work).
    """
    if include is None:
        found = sorted(
            f"plugins.{entry.name}"
            for entry in PLUGINS_DIR.iterdir()
            if entry.is_dir() and (entry / "apps.py").exists()
        )
        found += sorted(ep.value for ep in entry_points(group=ENTRY_POINT_GROUP))
    else:
        found = list(include)
    excluded = {name.strip() for name in exclude if name.strip()}
    return [
        module
        for module in dict.fromkeys(found)
        if module not in excluded and module.rsplit(".", 1)[-1] not in excluded
    ]


def names_from_env(variable: str) -> list[str]:
    """Split a comma-separated environment variable into plugin names."""
    return [part.strip() for part in os.environ.get(variable, "").split(",") if part.strip()]


def get_plugins() -> list[PluginConfig]:
    """The enabled plugins, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, PluginConfig)]


def plugins_in_dependency_order() -> list[PluginConfig]:
    """The enabled plugins, each after the plugins it requires (otherwise in INSTALLED_APPS
    order), so a plugin's submodule can rely on its dependencies' having run first."""
    plugins = get_plugins()
    by_label = {config.label: config for config in plugins}
    ordered: list[PluginConfig] = []
    seen: set[str] = set()

    def visit(config: PluginConfig) -> None:
        if config.label in seen:
            return
        seen.add(config.label)
        for label in config.meta.requires:
            if label in by_label:
                visit(by_label[label])
        ordered.append(config)

    for config in plugins:
        visit(config)
    return ordered


def is_enabled(label: str) -> bool:
    return any(config.label == label for config in get_plugins())


def bookmarkable_models() -> list[type]:
    """The models people may bookmark: the core's and those each enabled plugin declares
    in ``PortalPluginMeta.bookmarkable``. A label naming no model stops with a message."""
    labels = [*CORE_BOOKMARKABLE]
    for config in get_plugins():
        labels.extend(config.meta.bookmarkable)
    models = []
    for label in labels:
        try:
            models.append(apps.get_model(label))
        except LookupError as exc:
            raise ImproperlyConfigured(
                f"{label!r} is declared bookmarkable but is not an installed model."
            ) from exc
    return models


def is_bookmarkable(model: type | None) -> bool:
    """Whether ``model`` (or a model it derives from) is declared bookmarkable and the
    visibility policy can answer for it."""
    from portal import visibility

    if model is None or not visibility.is_known(model):
        return False
    return any(issubclass(model, declared) for declared in bookmarkable_models())


def check_dependencies() -> None:
    """Fail loudly when an enabled plugin requires one that is not enabled."""
    enabled = {config.label for config in get_plugins()}
    for config in get_plugins():
        absent = [label for label in config.meta.requires if label not in enabled]
        if absent:
            raise ImproperlyConfigured(
                f"Plugin {config.label!r} requires {', '.join(absent)}, which "
                f"{'is' if len(absent) == 1 else 'are'} not enabled. Enable "
                f"{'it' if len(absent) == 1 else 'them'} or also exclude {config.label!r}."
            )


def plugin_submodules(submodule: str) -> Iterator[tuple[PluginConfig, ModuleType]]:
    """Yield ``(plugin, module)`` for each enabled plugin shipping ``<plugin>.<submodule>``.

    A plugin without that submodule is skipped; an error raised while importing one that
    exists propagates, so a broken plugin is never silently ignored.
    """
    if submodule not in CONTRACT_SUBMODULES:
        raise ValueError(f"{submodule!r} is not part of the plugin contract")
    for config in plugins_in_dependency_order():
        dotted = f"{config.name}.{submodule}"
        if importlib.util.find_spec(dotted) is None:
            continue
        yield config, importlib.import_module(dotted)
