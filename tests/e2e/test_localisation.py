"""Content in several languages in a browser: an employee who reads the portal in French
opens the news, reads the French version of a translated news item (and the English
original of one nobody translated), then switches to the English version and back.

axe-core checks each page, the language switch and the English content marked as such
inside the French interface included."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.core import localisation
from portal.editorial.news.factories import make_news, make_news_index
from tests.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def news(home_page):
    index = make_news_index(home_page)
    office = make_news(
        index, "Our Lyon office opens", summary="Forty colleagues move into the new building."
    )
    make_news(index, "VPN maintenance on Saturday", summary="The VPN is off from 22:00.")
    localisation.translate_page(home_page, "fr", title="Accueil")
    localisation.translate_page(index, "fr", title="Actualités")
    localisation.translate_page(
        office,
        "fr",
        title="Notre bureau de Lyon ouvre",
        summary="Quarante collègues s'installent dans le nouvel immeuble.",
    )
    return office


@pytest.fixture
def french_employee(employee):
    employee.preferred_language = "fr"
    employee.save()
    return employee


def test_a_french_employee_reads_the_french_version_and_switches_to_english(
    page, live_server, news, french_employee, login, assert_accessible
):
    login(page, french_employee.email, PASSWORD)
    page.goto("/news/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actualités")
    listing = page.locator(".news-list")
    expect(listing.get_by_role("link", name="Notre bureau de Lyon ouvre")).to_be_visible()
    expect(listing.get_by_role("link", name="VPN maintenance on Saturday")).to_be_visible()
    expect(listing.get_by_text("Our Lyon office opens")).to_have_count(0)
    assert_accessible(page)

    listing.get_by_role("link", name="Notre bureau de Lyon ouvre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notre bureau de Lyon ouvre")
    expect(page.get_by_text("Quarante collègues")).to_be_visible()
    english = page.locator(".content-languages a[hreflang='en']")
    expect(english).to_have_text("Read in English")
    expect(english).to_have_attribute("lang", "en")
    assert_accessible(page)

    english.click()
    expect(page).to_have_url(re.compile(r"/news/our-lyon-office-opens/\?lang=en$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Our Lyon office opens")
    expect(page.locator("html")).to_have_attribute("lang", "fr")  # the interface stays French
    expect(page.locator("main div[lang='en'] h1")).to_have_text("Our Lyon office opens")
    assert_accessible(page)

    page.locator(".content-languages a[hreflang='fr']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notre bureau de Lyon ouvre")

    # The untranslated news item is read in English, marked as English.
    page.goto("/news/")
    page.locator(".news-list").get_by_role("link", name="VPN maintenance on Saturday").click()
    expect(page.locator("main div[lang='en'] h1")).to_have_text("VPN maintenance on Saturday")
    expect(page.locator(".content-languages")).to_have_count(0)
    assert_accessible(page)
