"""News: page types and the models behind employees' interactions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.search import index

from portal import visibility
from portal.core.models import AUDIENCE_PANELS, COMMENTS_PANELS, CommentablePage

#: News items per page of the listing.
NEWS_PER_PAGE = 12


class NewsCategory(models.Model):
    """A category of news (Company, HR, IT...), managed by editors as a snippet."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def __str__(self) -> str:
        return self.name


class NewsPageTag(TaggedItemBase):
    """The tags of a news item."""

    content_object = ParentalKey(
        "news.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CallToActionBlock(blocks.StructBlock):
    """A button leading to a page of the intranet or to an address."""

    label = blocks.CharBlock(label=_("Label"), max_length=80)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Address"), required=False)

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "news/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose either a page or an address."))}
            )
        return value


class NewsBodyBlock(blocks.StreamBlock):
    """The blocks a news body is composed of."""

    paragraph = blocks.RichTextBlock(label=_("Text"))
    image = ImageBlock(label=_("Image"))
    quote = blocks.BlockQuoteBlock(label=_("Quote"))
    embed = EmbedBlock(label=_("Embedded media"), max_width=800)
    document = DocumentChooserBlock(label=_("Document"), template="portal/blocks/document.html")
    call_to_action = CallToActionBlock()


class NewsIndexPage(RoutablePageMixin, Page):
    """The company news: a paginated listing, newest first, filtered by category and tag,
    with a "New" marker on what appeared since the employee's previous visit, and RSS/Atom
    feeds (``feed/rss/``, ``feed/atom/``)."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["core.HomePage"]
    subpage_types = ["news.NewsPage"]

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    @path("")
    def listing(self, request):
        from portal.editorial.news import services

        news = services.visible_news(request.user, self)
        categories = services.categories_in_use(news)
        tags = services.tags_in_use(news)
        category = request.GET.get("category", "")
        tag = request.GET.get("tag", "")
        news = services.filter_news(news, category=category, tag=tag)
        paginator = Paginator(services.with_listing_relations(news), NEWS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        if getattr(request, "is_preview", False):
            since = services.new_since(request.user)
        else:
            since = services.record_visit(request.user)
        items = services.mark_new(page.object_list, since)
        return self.render(
            request,
            context_overrides={
                "items": items,
                "page_obj": page,
                "categories": categories,
                "tags": tags,
                "current_category": category,
                "current_tag": tag,
                "filtered": bool(category or tag),
            },
        )

    @path("feed/rss/", name="feed_rss")
    def rss_feed(self, request):
        return self._feed(request, "rss")

    @path("feed/atom/", name="feed_atom")
    def atom_feed(self, request):
        return self._feed(request, "atom")

    def _feed(self, request, kind: str):
        from django.contrib.auth.views import redirect_to_login
        from django.utils.cache import patch_cache_control

        from portal.editorial.news import feeds, services

        reader = services.feed_reader(request)
        if reader is None:
            return redirect_to_login(request.path)
        if not visibility.can_view(reader, self):
            raise Http404
        response = feeds.build_feed(kind, self, reader)(request)
        # What one person may read: no shared cache keeps it for another.
        patch_cache_control(response, private=True)
        return response


class NewsPageForm(WagtailAdminPageForm):
    """The news editor form: the author defaults to the person writing the news."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        new = not self.instance.pk and not self.initial.get("author")
        if new and self.for_user is not None and "author" in self.fields:
            self.initial["author"] = self.for_user.pk


class NewsPage(CommentablePage, Page):
    """A news item: categorised and tagged, with a hero image, a body of blocks, a publish
    date and an author. The "welcome a new colleague" kind introduces a new colleague and
    links their profile."""

    KIND_NEWS = "news"
    KIND_WELCOME = "welcome"
    KIND_CHOICES = [
        (KIND_NEWS, _("News")),
        (KIND_WELCOME, _("Welcome a new colleague")),
    ]

    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES, default=KIND_NEWS)
    colleague = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new colleague"),
        help_text=_('The person welcomed, for the "welcome a new colleague" kind.'),
    )
    category = models.ForeignKey(
        NewsCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
        verbose_name=_("category"),
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    date = models.DateField(_("publish date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=300,
        help_text=_("One or two sentences shown in listings, feeds and the home page."),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hero image"),
    )
    hero_alt = models.CharField(
        _("hero image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it."),
    )
    body = StreamField(NewsBodyBlock(), blank=True, verbose_name=_("body"))

    base_form_class = NewsPageForm
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("colleague"),
                FieldPanel("category", widget=forms.Select),
                FieldPanel("tags"),
                FieldPanel("date"),
                FieldPanel("author"),
            ],
            heading=_("About this news"),
        ),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_alt")], heading=_("Hero image")
        ),
        FieldPanel("body"),
    ]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS, *COMMENTS_PANELS]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("category"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("kind"),
        APIField("date"),
        APIField("summary"),
        APIField("category_name"),
        APIField("category_slug"),
        APIField("tag_names"),
        APIField("author_name"),
        APIField("colleague_id"),
        APIField("colleague_name"),
        APIField(
            "hero_image_url", serializer=ImageRenditionField("fill-1200x630", source="hero_image")
        ),
        APIField("hero_alt"),
        APIField("body"),
    ]

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news")
        verbose_name_plural = _("news")

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.hero_image_id and not self.hero_alt.strip():
            errors["hero_alt"] = _("Describe the hero image for people who cannot see it.")
        if self.kind == self.KIND_WELCOME and not self.colleague_id:
            errors["colleague"] = _("Choose the colleague this news welcomes.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.author_id is None and self.owner_id is not None:
            self.author_id = self.owner_id
        if self.kind != self.KIND_WELCOME:
            self.colleague = None
        return super().save(*args, **kwargs)

    @classmethod
    def api_listing_queryset(cls, queryset):
        """Related objects for the pages API, loaded in bulk (see portal.api.pages)."""
        from django.db.models import Prefetch
        from wagtail.images import get_image_model

        images = get_image_model().objects.prefetch_renditions()
        return queryset.select_related("category", "author", "colleague").prefetch_related(
            "tags", Prefetch("hero_image", queryset=images)
        )

    @property
    def category_name(self) -> str:
        return self.category.name if self.category else ""

    @property
    def category_slug(self) -> str:
        return self.category.slug if self.category else ""

    @property
    def tag_names(self) -> list[str]:
        return sorted(tag.name for tag in self.tags.all())

    @property
    def author_name(self) -> str:
        return str(self.author) if self.author else ""

    @property
    def reading_minutes(self) -> int:
        """About how many minutes the text takes to read (200 words a minute), from the
        stored text of the body: no block is rendered and no query is run."""
        import re

        from django.utils.html import strip_tags

        words = len(self.summary.split()) if self.summary else 0
        for block in self.body.raw_data:
            value = block.get("value")
            if block.get("type") in {"paragraph", "quote"} and isinstance(value, str):
                words += len(re.findall(r"\w+", strip_tags(value)))
        return max(1, round(words / 200)) if words else 0

    @property
    def colleague_name(self) -> str:
        return str(self.colleague) if self.colleague else ""

    @property
    def is_welcome(self) -> bool:
        return self.kind == self.KIND_WELCOME


class NewsVisit(models.Model):
    """When an employee last looked at the news, to mark what is new since."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="news_visit",
        verbose_name=_("user"),
    )
    last_seen_at = models.DateTimeField(_("last seen at"))
    previous_seen_at = models.DateTimeField(_("previously seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("news visit")
        verbose_name_plural = _("news visits")

    def __str__(self) -> str:
        return f"{self.user} {self.last_seen_at:%Y-%m-%d %H:%M}"
