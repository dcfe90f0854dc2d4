"""Core page types: the employee's home page and plain content pages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal import visibility


class BodyBlock(blocks.StreamBlock):
    """The blocks an editor composes a page body from."""

    heading = blocks.CharBlock(
        form_classname="title",
        icon="title",
        label=_("Heading"),
        template="portal/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
    image = ImageBlock(label=_("Image"))
    quote = blocks.BlockQuoteBlock(label=_("Quote"))
    document = DocumentChooserBlock(label=_("Document"), template="portal/blocks/document.html")


class PageAudience(Orderable):
    """Restricts a page and everything below it to an audience.

    A page with audience rows is visible to people who hold at least one of their tokens
    (see :mod:`portal.visibility`); a page without rows follows its parents. Editors pick a
    department here; plugins (groups) may add rows with their own tokens."""

    page = ParentalKey(Page, on_delete=models.CASCADE, related_name="portal_audiences")
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    token = models.CharField(_("audience token"), max_length=64, editable=False)

    panels = [FieldPanel("department")]

    class Meta(Orderable.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self) -> str:
        return self.token

    def save(self, *args, **kwargs) -> None:
        if self.department_id:
            self.token = visibility.department_token(self.department_id)
        super().save(*args, **kwargs)


#: The "who may see this page" panel, for a page type's ``settings_panels``.
AUDIENCE_PANELS = [
    InlinePanel(
        "portal_audiences",
        heading=_("Audience"),
        label=_("Department"),
        help_text=_(
            "Leave empty for the whole company. Otherwise only these departments (and "
            "their sub-departments) see this page and the pages below it."
        ),
    )
]


class CommentablePage(models.Model):
    """What a page type people comment on and react to adds to Wagtail's page: whether
    its comments are open (see :mod:`portal.core.interactive`). Mixed in before ``Page``;
    put :data:`COMMENTS_PANELS` in the type's ``settings_panels``."""

    comments_open = models.BooleanField(
        _("open to comments"),
        default=True,
        help_text=_(
            "Employees may comment on this page. Untick to close the comments: the "
            "existing ones stay visible, nobody can add new ones."
        ),
    )

    class Meta:
        abstract = True


#: The "comments" panel of a commentable page type's ``settings_panels``.
COMMENTS_PANELS = [
    MultiFieldPanel([FieldPanel("comments_open")], heading=_("Employees' comments")),
]


class HomePage(Page):
    """The employee's front page. It shows a welcome text, then the panels that enabled
    plugins contribute through :data:`portal.signals.home_panels` (latest news, my
    bookmarks, my courses...)."""

    welcome = RichTextField(
        _("welcome text"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("A short message shown above the home page panels."),
    )

    content_panels = [*Page.content_panels, FieldPanel("welcome")]
    search_fields = [*Page.search_fields, index.SearchField("welcome")]
    api_fields = [APIField("welcome")]

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    template = "portal/home_page.html"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def route(self, request, path_components):
        """Through the reader's version of the home page first, then the others: a page
        not translated into their language is found in its own language's tree (see
        :mod:`portal.core.localisation`)."""
        from portal.core import localisation

        return localisation.route(
            self, request, lambda home: Page.route(home, request, path_components)
        )

    def get_context(self, request, *args, **kwargs):
        from portal.navigation import collect_home_panels

        context = super().get_context(request, *args, **kwargs)
        panels = collect_home_panels(request)
        context["main_panels"] = [p for p in panels if p.region == "main"]
        context["panels"] = [p for p in panels if p.region != "main"]
        context["children"] = visible_children(self, request)
        return context


def visible_children(page, request):
    """The page's children the visitor may see (audiences and restrictions included), in
    their language: the children of every version of the page, one version of each."""
    from portal.core import localisation

    children = localisation.below_any_version(Page.objects.live(), page, children_only=True)
    visible = localisation.localized_visible(request.user, children)
    return localisation.in_tree_order(visible).specific()


class ContentPage(Page):
    """A plain page of the intranet: a guide, a procedure, the usage charter."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("intro"), APIField("body")]

    parent_page_types = ["core.HomePage", "core.ContentPage"]
    template = "portal/content_page.html"

    class Meta:
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = visible_children(self, request)
        return context
