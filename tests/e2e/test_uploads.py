"""Uploaded images in a real browser: a group cover sent as an HTML polyglot (a GIF named
``cover.html``) through the edit form is shown as an image (re-encoded, safe name), the
pages stay accessible, and a person outside the secret group gets the cover's address
answered exactly as a missing file."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.fixtures import PASSWORD
from tests.uploads import polyglot_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_polyglot_cover_is_shown_as_an_image_and_hidden_from_outsiders(
    page, browser, browser_context_args, login, assert_accessible, departments, tmp_path
):
    from plugins.groups import services
    from plugins.groups.models import Group

    owner = make_user("owner.e2e@example.com", first_name="Olga", password=PASSWORD)
    outsider = make_user("outsider.e2e@example.com", first_name="Omar", password=PASSWORD)
    group = services.create_group(owner, name="Falcon", privacy=Group.SECRET)

    login(page, owner.email, PASSWORD, next_path=f"/groups/{group.slug}/edit/")
    assert_accessible(page)
    cover = tmp_path / "cover.html"
    cover.write_bytes(polyglot_bytes("GIF", size=(120, 30)))
    page.get_by_label("Cover image").set_input_files(str(cover))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(lambda url: "/edit/" not in url)

    group.refresh_from_db()
    assert group.cover.name.endswith(".gif")
    page.goto(f"/groups/{group.slug}/")
    image = page.locator("img.groups-banner__image")
    expect(image).to_have_attribute("src", group.cover.url)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 120", arg=image.element_handle()
    )
    assert_accessible(page)
    served = page.request.get(group.cover.url)
    assert served.status == 200 and served.headers["content-type"] == "image/gif"
    assert served.headers["x-content-type-options"] == "nosniff"

    other = browser.new_context(**browser_context_args).new_page()
    login(other, outsider.email, PASSWORD)
    hidden = other.request.get(group.cover.url)
    missing = other.request.get(group.cover.url.rsplit("/", 1)[0] + "/" + "0" * 32 + ".gif")
    assert hidden.status == missing.status == 404
    other.goto(group.cover.url)
    expect(other.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(other)
    other.context.close()
