"""The portal: an enterprise social network and intranet built on Wagtail."""

__version__ = "0.1.0"
