"""Core page types: the employee's home page and plain content pages."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageBlock
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal import visibility
from portal.accounts.models import WEEKDAYS, validate_days, validate_time_zone


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


class DaysWidget(forms.CheckboxSelectMultiple):
    """Days of the week as check boxes, stored as a string of ISO weekdays ("12345")."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices=WEEKDAYS)

    def format_value(self, value):
        return list(value or "")

    def value_from_datadict(self, data, files, name):
        chosen = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return "".join(sorted({str(day) for day in chosen}))


# --- Mode off: the company's floor, the urgent overrides, the summaries --------------


def _default_days() -> str:
    return "1234567"


@register_setting(icon="time")
class ModeOffPolicy(BaseGenericSetting):
    """The company's side of the right to disconnect (see :mod:`portal.modeoff`).

    The floor bounds everyone's working hours: people may narrow it (start later, stop
    earlier, work fewer days) but never widen it, whatever they save. It is read in each
    person's own time zone ("nothing after 20:00" where they are). The defaults bound
    nothing, so turning the portal on changes nobody's evenings until the company says so.
    """

    enabled = models.BooleanField(
        _("mode off is on"),
        default=True,
        help_text=_(
            "When off, nothing is held: notifications reach everyone at once, whatever their hours."
        ),
    )
    time_zone = models.CharField(
        _("company time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("For people who did not choose theirs; empty: the server's time zone."),
    )
    earliest_start = models.TimeField(
        _("earliest start of the day"),
        default=datetime.time(0, 0),
        help_text=_("Nothing reaches anyone before this time (in their own time zone)."),
    )
    latest_end = models.TimeField(
        _("latest end of the day"),
        null=True,
        blank=True,
        help_text=_("Nothing reaches anyone after this time; empty: midnight."),
    )
    days = models.CharField(
        _("days allowed"),
        max_length=7,
        blank=True,
        default=_default_days,
        validators=[validate_days],
        help_text=_("Nothing reaches anyone on the other days."),
    )
    override_groups = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="+",
        verbose_name=_("roles allowed the urgent override"),
        help_text=_(
            "People in these roles may send an urgent message or notification to someone "
            "who is off; each time is logged with who, when and why."
        ),
    )
    read_receipts = models.BooleanField(
        _("read receipts"),
        default=True,
        help_text=_(
            "Whether conversations show who read a message. Each person may still opt out."
        ),
    )

    panels = [
        FieldPanel("enabled"),
        MultiFieldPanel(
            [
                FieldPanel("time_zone"),
                FieldPanel("earliest_start"),
                FieldPanel("latest_end"),
                FieldPanel("days", widget=DaysWidget),
            ],
            heading=_("The company's floor"),
        ),
        FieldPanel("override_groups", widget=forms.CheckboxSelectMultiple),
        FieldPanel("read_receipts"),
    ]

    class Meta:
        verbose_name = _("mode off and read receipts")

    def clean(self) -> None:
        super().clean()
        if self.latest_end is not None and self.latest_end <= self.earliest_start:
            raise ValidationError(
                {"latest_end": _("The end of the day must come after its start.")}
            )


class UrgentOverride(models.Model):
    """One urgent override of mode off: who sent what to whom, when and why. Kept as the
    company's record (and counted in the adoption figures); the notification service
    lets through only what such a record covers."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("recipients")
    )
    created_at = models.DateTimeField(_("when"), db_index=True)
    reason = models.CharField(_("why"), max_length=500)
    #: What it was sent through: "message", "notification:<kind>"...
    channel = models.CharField(_("channel"), max_length=60, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("urgent override")
        verbose_name_plural = _("urgent overrides")

    def __str__(self) -> str:
        return f"urgent override by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"


class ModeOffSummary(models.Model):
    """ "While you were off: 3 mentions, 12 messages": what was held for someone until
    ``until``, summarised once. The unique pair (recipient, until) is what makes the
    summary idempotent: a second run, or a late one, finds it and sends nothing."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateTimeField()
    #: ``{kind: count}`` of the notifications held.
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mode off summary")
        verbose_name_plural = _("mode off summaries")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "until"], name="modeoff_one_summary")
        ]

    def __str__(self) -> str:
        return str(_("While you were off"))

    @property
    def title(self) -> str:
        return str(_("While you were off"))
