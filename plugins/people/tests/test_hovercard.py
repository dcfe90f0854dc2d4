"""The hover card of a person chip: who they are at a glance, for people the viewer may
see; anyone else, a departed colleague or an id nobody has is the same 404."""

from __future__ import annotations

import pytest

from tests.uploads import assert_same_404

pytestmark = pytest.mark.django_db


def test_a_colleague_s_card_shows_their_name_and_links_the_profile(logged_in, colleague):
    response = logged_in.get(f"/people/card/{colleague.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert colleague.get_full_name() in html
    assert f'href="/people/{colleague.profile.pk}/"' in html
    assert response["Cache-Control"] == "private, max-age=300"


def test_a_departed_colleague_and_a_guessed_id_get_the_same_404(logged_in, colleague):
    colleague.is_active = False
    colleague.save()
    departed = logged_in.get(f"/people/card/{colleague.pk}/")
    nobody = logged_in.get("/people/card/987654/")
    assert nobody.status_code == 404
    assert_same_404(departed, nobody)


def test_the_card_is_for_logged_in_people_only(client, colleague):
    response = client.get(f"/people/card/{colleague.pk}/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_person_chips_ask_for_the_card(logged_in, colleague):
    from django.template import Context, Template

    html = Template("{% load ui %}{% person_chip person %}").render(Context({"person": colleague}))
    assert f'data-hovercard="/people/card/{colleague.pk}/"' in html
