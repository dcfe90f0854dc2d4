from portal.plugins import PluginConfig


class SamplePluginConfig(PluginConfig):
    """A plugin that ships every submodule of the contract, for the contract's tests."""

    name = "tests.sample_plugin"
    label = "sample_plugin"

    class PortalPluginMeta:
        name = "Sample"
        version = "0.0.1"
        description = "Exercises the plugin contract in tests."
        category = "other"
        compatibility = ">=0.1"
        requires = ["bookmarks"]
        bookmarkable = ["sample_plugin.Note"]
