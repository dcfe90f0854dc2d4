"""Small builders for test data; they go through the same code paths as the product."""

from __future__ import annotations

from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from portal.accounts import roles
from portal.accounts.models import User
from portal.core.models import ContentPage, HomePage


def make_user(
    email: str,
    *,
    password: str = "correct horse battery staple",
    role: str | None = None,
    department=None,
    first_name: str = "",
    last_name: str = "",
    **extra,
) -> User:
    local = email.split("@")[0].replace(".", " ").title()
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name or local,
        last_name=last_name or "Tester",
        department=department,
        **extra,
    )
    if role:
        roles.assign_role(user, role)
    return user


def ensure_home_page() -> HomePage:
    """The default site's home page; rebuilds the tree after a transactional flush."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site.root_page.specific
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    roles.sync_roles()
    return home


def make_content_page(parent, title: str, slug: str | None = None, **fields) -> ContentPage:
    page = parent.add_child(
        instance=ContentPage(title=title, slug=slug or slugify(title), **fields)
    )
    page.save_revision().publish()
    return page
