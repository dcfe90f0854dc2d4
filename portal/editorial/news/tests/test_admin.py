"""News in the Wagtail admin: categories as snippets, the news editor form."""

import pytest

pytestmark = pytest.mark.django_db


def test_administrators_manage_the_categories(client, administrator, categories):
    client.force_login(administrator)
    response = client.get("/admin/snippets/news/newscategory/")
    assert response.status_code == 200
    assert "Company" in response.content.decode()


def test_employees_have_no_access_to_the_categories_admin(logged_in, categories):
    response = logged_in.get("/admin/snippets/news/newscategory/")
    assert response.status_code in (302, 403)


def test_the_news_form_proposes_the_writer_as_author(client, editor, news_index):
    client.force_login(editor)
    response = client.get(f"/admin/pages/add/news/newspage/{news_index.pk}/")
    assert response.status_code == 200
    assert response.context["form"].initial["author"] == editor.pk


def test_editors_preview_the_listing_without_recording_a_visit(client, editor, news_index):
    from portal.editorial.news.models import NewsVisit

    client.force_login(editor)
    response = client.get(f"/admin/pages/{news_index.pk}/edit/preview/")
    assert response.status_code == 200
    assert not NewsVisit.objects.filter(user=editor).exists()
