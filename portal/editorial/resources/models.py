"""Resources: curated reading for the company's watch on its field (articles, reports,
studies), each with its source, a summary, tags and an editor's note."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from portal.core.models import AUDIENCE_PANELS

#: Resources per page of the listing.
RESOURCES_PER_PAGE = 20


class ResourceIndexPage(Page):
    """The watch: a listing of curated resources, newest first, filtered by tag."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["core.HomePage", "core.ContentPage"]
    subpage_types = ["resources.ResourcePage"]

    class Meta:
        verbose_name = _("resource index")
        verbose_name_plural = _("resource indexes")

    def visible_resources(self, user):
        """The live resources below this index (or one of its translations) that ``user``
        may see, newest first, each in the reader's language when translated into it."""
        from portal.core import localisation

        queryset = localisation.below_any_version(ResourcePage.objects.live(), self)
        resources = localisation.localized_visible(user, queryset)
        return resources.order_by("-first_published_at", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        resources = self.visible_resources(request.user)
        tags = list(
            Tag.objects.filter(
                resources_resourcepagetag_items__content_object__in=resources.values("pk")
            )
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        )
        tag = request.GET.get("tag", "")
        if tag:
            resources = resources.filter(tags__name=tag)
        paginator = Paginator(resources.prefetch_related("tags"), RESOURCES_PER_PAGE)
        context.update(
            page_obj=paginator.get_page(request.GET.get("page")), tags=tags, current_tag=tag
        )
        return context


class ResourcePageTag(TaggedItemBase):
    """The tags of a resource."""

    content_object = ParentalKey(
        "resources.ResourcePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ResourcePage(Page):
    """One curated resource: a link to the source, what it says, why it matters to us."""

    source_url = models.URLField(_("source address"), max_length=500)
    source_name = models.CharField(
        _("source"), max_length=120, blank=True, help_text=_("The publication or the author.")
    )
    summary = models.TextField(_("summary"), max_length=1000)
    tags = ClusterTaggableManager(through=ResourcePageTag, blank=True, verbose_name=_("tags"))
    editor_note = RichTextField(
        _("editor's note"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Why this matters to the company."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("source_url"),
        FieldPanel("source_name"),
        FieldPanel("summary"),
        FieldPanel("tags"),
        FieldPanel("editor_note"),
    ]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("source_name"),
        index.SearchField("editor_note"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("source_url"),
        APIField("source_name"),
        APIField("summary"),
        APIField("tag_names"),
        APIField("editor_note"),
    ]

    parent_page_types = ["resources.ResourceIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    @property
    def tag_names(self) -> list[str]:
        return sorted(tag.name for tag in self.tags.all())
