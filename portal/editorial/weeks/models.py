"""Themed weeks: page types and the models behind employees' interactions."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.core.models import AUDIENCE_PANELS, COMMENTS_PANELS, BodyBlock, CommentablePage
from portal.files import PrivateImageField

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$",
    message=_('Enter a colour as "#" followed by six hexadecimal digits, e.g. #2e7d32.'),
)


class ThemedWeekIndexPage(Page):
    """The list of the company's themed weeks (green week, safety week...), the one
    running now first."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["core.HomePage"]
    subpage_types = ["weeks.ThemedWeekPage"]
    max_count_per_parent = 1
    template = "weeks/themed_week_index_page.html"

    class Meta:
        verbose_name = _("themed weeks index")
        verbose_name_plural = _("themed weeks indexes")

    def get_context(self, request, *args, **kwargs):
        from portal.editorial.weeks import services

        context = super().get_context(request, *args, **kwargs)
        context["weeks"] = services.visible_weeks(request.user, parent=self)
        context["today"] = timezone.localdate()
        return context


class ThemedWeekPage(RoutablePageMixin, CommentablePage, Page):
    """A dated theme (a green week, a safety week) with its colour and image. It gathers
    the news, sessions and courses of the week and the initiatives employees submit,
    which editors moderate and feature."""

    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#2e7d32",
        validators=[colour_validator],
        help_text=_("Accent colour of the week (a band and borders, never behind text)."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("image"),
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it; empty if decorative."),
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading=_("Dates")),
        FieldPanel("colour"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel(
            "items",
            heading=_("News, sessions and courses of the week"),
            label=_("Linked page"),
        ),
    ]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS, *COMMENTS_PANELS]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("start_date"),
        index.FilterField("end_date"),
    ]
    api_fields = [
        APIField("start_date"),
        APIField("end_date"),
        APIField("colour"),
        APIField("image"),
        APIField("image_alt"),
        APIField("intro"),
        APIField("body"),
    ]

    parent_page_types = ["weeks.ThemedWeekIndexPage"]
    subpage_types: list[str] = []
    template = "weeks/themed_week_page.html"

    class Meta:
        verbose_name = _("themed week")
        verbose_name_plural = _("themed weeks")

    def clean(self) -> None:
        super().clean()
        if self.colour:
            self.colour = self.colour.lower()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot be before the first day.")})

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.start_date <= today <= self.end_date

    def is_over(self, today: datetime.date | None = None) -> bool:
        return self.end_date < (today or timezone.localdate())

    def is_upcoming(self, today: datetime.date | None = None) -> bool:
        return self.start_date > (today or timezone.localdate())

    def get_context(self, request, *args, **kwargs):
        from portal.editorial.weeks import services
        from portal.editorial.weeks.forms import InitiativeForm

        context = super().get_context(request, *args, **kwargs)
        context["linked_pages"] = services.linked_pages(request.user, self, request)
        context["initiatives"] = services.initiatives_for_page(request.user, self)
        context.setdefault("form", InitiativeForm())
        context["is_current"] = self.is_current()
        # Initiatives are shared while the week runs: not before, not once it is over.
        context["is_over"] = self.is_over()
        context["is_upcoming"] = self.is_upcoming()
        context["submit_url"] = (self.get_url(request) or "") + self.reverse_subpage(
            "submit_initiative"
        )
        return context

    @path("initiatives/submit/", name="submit_initiative")
    def submit_initiative_view(self, request):
        from portal.editorial.weeks import views

        return views.submit_initiative(request, self)

    @path("initiatives/<int:initiative_id>/", name="initiative")
    def initiative_view(self, request, initiative_id: int):
        from portal.editorial.weeks import views

        return views.initiative_page(request, self, initiative_id)

    @path("initiatives/<int:initiative_id>/photo/", name="initiative_photo")
    def initiative_photo_view(self, request, initiative_id: int):
        from portal.editorial.weeks import views

        return views.initiative_photo(request, self, initiative_id)


class ThemedWeekItem(Orderable):
    """A page of the week (a news item, a session, a course), linked by an editor."""

    week = ParentalKey(ThemedWeekPage, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("page"),
    )

    panels = [PageChooserPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("page of the week")
        verbose_name_plural = _("pages of the week")

    def __str__(self) -> str:
        return f"{self.week_id} → {self.page_id}"


def initiative_photo_path(instance: Initiative, filename: str) -> str:
    """Photos get a random name, with the extension of the format Pillow recognised and
    re-encoded (the name :func:`portal.files.clean_image` gives)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"weeks/initiatives/{uuid.uuid4().hex}.{extension}"


class Initiative(models.Model):
    """Something an employee does for the week's theme (car-sharing, a clean-up...),
    submitted with a photo, then approved or rejected (and maybe featured) by an editor.

    Visible (see :mod:`portal.visibility`) to whoever may see its week once approved;
    before that only to its author and to the moderators."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    week = models.ForeignKey(
        ThemedWeekPage,
        on_delete=models.CASCADE,
        related_name="initiatives",
        verbose_name=_("themed week"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="weeks_initiatives",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    #: On the private storage, served to those who may see the initiative (portal.files).
    photo = PrivateImageField(
        _("photo"), upload_to=initiative_photo_path, blank=True, max_length=200
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    featured = models.BooleanField(_("featured"), default=False)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)

    class Meta:
        ordering = ["-featured", "-created_at", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [models.Index(fields=["week", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The initiative's page, under its week's (its photo, reactions and comments)."""
        week_url = self.week.get_url() or ""
        return f"{week_url.rstrip('/')}/initiatives/{self.pk}/" if week_url else ""

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.SUBMITTED
