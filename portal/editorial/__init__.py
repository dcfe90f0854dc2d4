"""Editorial content: Wagtail page types that editors publish and employees use.

One Django app per area (news, learning, wellness, weeks, resources). Each declares its
page types, the models behind employees' interactions, its API in ``api.py`` (mounted by
``portal.api.urls``), its home page panel in ``signals.py`` (connected in ``ready()``)
and its demo content in ``demo.py`` (``load_demo(home, people)``, called by
``manage.py load_demo``)."""
