"""The core's signals: the documented way for plugins to contribute to the portal.

Plugins connect receivers in their ``signals.py`` (imported by the core at start-up) with a
``dispatch_uid="<plugin>_<purpose>"``. Signals whose name is a noun ask for contributions:
receivers *return* them and the core assembles the results, so no plugin mutates the core
or another plugin. The core sends them with ``send_robust`` where a failing plugin must not
take a page down, and logs the error.
"""

from django.dispatch import Signal

#: Contributions to the main navigation.
#: Sent with ``sender=None, request=HttpRequest``.
#: Receivers return a :class:`portal.navigation.NavItem` or a list of them.
nav_items = Signal()

#: Panels for the employee's home page.
#: Sent with ``sender=None, request=HttpRequest``.
#: Receivers return a :class:`portal.navigation.HomePanel` or a list of them.
home_panels = Signal()

#: Buttons or small widgets to show next to an object (a page, a person, a post).
#: Sent with ``sender=<the object's model>, request=HttpRequest, obj=<the object>``.
#: Receivers return rendered HTML (``SafeString``) or ``None``.
object_actions = Signal()

#: Extra audience tokens a user holds, for the visibility policy.
#: Sent with ``sender=<the user model>, user=<an active user>``.
#: Receivers return an iterable of token strings such as ``"group:12"``; the core already
#: grants ``"all"``, ``"user:<id>"`` and ``"dept:<id>"`` for the department and its parents.
audience_tokens = Signal()

#: Something happened that counts as activity (for the feed, KPIs and notifications).
#: Sent with ``sender=<the model>, actor=<user>, verb=<str>, obj=<object or None>``.
#: Receivers return nothing.
activity = Signal()

#: A user's personal data is being erased (a data-protection request).
#: Sent with ``sender=<the user model>, user=<user>`` inside the erasing transaction,
#: after every plugin's ``privacy.erase_user_data`` ran. Receivers return nothing; raising
#: rolls the whole erasure back.
user_erased = Signal()

#: Sections of an object's own page contributed by other plugins: a group's feed, the
#: comments under a post, a person's recent posts.
#: Sent with ``sender=<the object's model>, request=HttpRequest, obj=<the object>``.
#: Receivers return a :class:`portal.navigation.HomePanel` (rendered the same way as a home
#: panel) or a list of them, or ``None``.
object_sections = Signal()

#: Departments or the people in them changed in bulk (the HR import), which model
#: signals do not report. Sent with ``sender=<the user model>`` inside the importing
#: transaction; receivers (department groups) reconcile what they derive from it and may
#: raise to roll the import back. Receivers return nothing.
org_chart_changed = Signal()

#: Stylesheets and scripts a plugin needs on every page (the live notification badge).
#: Sent with ``sender=None, request=HttpRequest``. Receivers return a list of static paths
#: (``"notifications/notifications.js"``); ``.css`` become stylesheets, ``.js`` deferred
#: scripts.
page_assets = Signal()

#: A notification is about to be delivered (see :mod:`portal.notifications`).
#: Sent with ``sender=None, notice=<portal.notifications.Notice>, recipient=<user>``.
#: Receivers that hold notifications back (the off mode) return the ``datetime`` until
#: which to hold it, or ``None``; the latest answer wins.
notification_hold = Signal()

#: Deliver a notification: the notifications plugin stores it, pushes it live and mails
#: the digest. Sent with ``sender=None, notice=<Notice>, recipients=<list of users>,
#: hold_until=<datetime or None>``. Receivers return nothing.
notification_delivery = Signal()

#: Someone's mode off changed by hand (their hours, the off switch), or the company's
#: floor changed (then once for everyone, with ``user=None``).
#: Sent with ``sender=None, user=<user or None>, state=<portal.modeoff.State or None>,
#: at=<datetime>``. The notifications plugin re-holds what it holds for them; the
#: messaging plugin tells their sockets (``modeoff.changed``). Receivers return nothing.
modeoff_changed = Signal()

#: Pieces of the app shell a plugin adds at the end of every page's ``<body>`` (the
#: messaging plugin's chat panel): markup only, no inline script or style.
#: Sent with ``sender=None, request=HttpRequest`` for signed-in people.
#: Receivers return a :class:`portal.navigation.ShellFragment`, a list of them, or ``None``.
shell_fragments = Signal()
