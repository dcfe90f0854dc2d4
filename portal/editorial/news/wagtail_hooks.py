"""News in the Wagtail admin: the categories, as a snippet editors manage."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.editorial.news.models import NewsCategory


class NewsCategoryViewSet(SnippetViewSet):
    model = NewsCategory
    icon = "tag"
    menu_label = _("News categories")
    menu_order = 300
    add_to_admin_menu = False
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(NewsCategoryViewSet)
