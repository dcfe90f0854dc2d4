"""Wellness: page types and the models behind employees' interactions.

Editors publish a :class:`WellnessIndexPage` under the home page and one
:class:`WellnessSessionPage` per sport or relaxation session below it. Employees book a
place (:class:`Booking`); the rules (capacity, waiting list, sessions that started) live
in :mod:`portal.editorial.wellness.services`, which the pages, the API and the home page
panel all go through."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from portal.core.models import AUDIENCE_PANELS, COMMENTS_PANELS, CommentablePage

#: The longest session an editor may enter, in minutes (a full day).
MAX_DURATION_MINUTES = 24 * 60


class WellnessIndexPage(RoutablePageMixin, Page):
    """The wellness section: lists the upcoming sport and relaxation sessions below it,
    with their free places, and each employee's own bookings under "My sessions"."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("A short text shown above the list of sessions."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["core.HomePage"]
    subpage_types = ["wellness.WellnessSessionPage"]
    template = "wellness/wellness_index_page.html"

    class Meta:
        verbose_name = _("wellness section")
        verbose_name_plural = _("wellness sections")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from portal.editorial.wellness import services

        context = super().get_context(request, *args, **kwargs)
        sessions = services.upcoming_sessions(request.user, within=self)
        context["sessions"] = Paginator(sessions, 20).get_page(request.GET.get("page"))
        return context

    @path("my-sessions/", name="my_sessions")
    def my_sessions(self, request):
        """The person's own bookings, across every wellness section they may see."""
        from django.template.response import TemplateResponse

        from portal.editorial.wellness import services

        # The page's own context, without the list of upcoming sessions it does not show.
        context = Page.get_context(self, request)
        context["bookings"] = services.my_bookings(request.user)
        return TemplateResponse(request, "wellness/my_sessions.html", context)


class WellnessSessionPage(RoutablePageMixin, CommentablePage, Page):
    """One sport or relaxation session (yoga, running club, meditation...) at a given
    time, in a place or online, that employees book within its capacity. When it is full,
    further bookings join a waiting list that moves up as people cancel."""

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ALL = "all", _("All levels")

    intro = RichTextField(
        _("description"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_("What happens in the session and what to bring."),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    place = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Where it happens, e.g. “Room 3, 2nd floor”. Leave empty if online only."),
    )
    online_url = models.URLField(
        _("online link"),
        blank=True,
        help_text=_("The video-call link; only people with a confirmed place see it."),
    )
    coach = models.CharField(_("coach"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1)],
        help_text=_("How many people can take part. Further bookings join a waiting list."),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.ALL)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("duration_minutes")]),
                FieldRowPanel([FieldPanel("place"), FieldPanel("online_url")]),
                FieldRowPanel([FieldPanel("coach"), FieldPanel("level")]),
                FieldPanel("capacity"),
            ],
            heading=_("Session"),
        ),
        FieldPanel("intro"),
    ]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS, *COMMENTS_PANELS]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("coach"),
        index.SearchField("place"),
        index.FilterField("starts_at"),
    ]
    # The online link is left out on purpose: it is for confirmed participants only.
    api_fields = [
        APIField("intro"),
        APIField("starts_at"),
        APIField("duration_minutes"),
        APIField("place"),
        APIField("coach"),
        APIField("capacity"),
        APIField("level"),
    ]

    parent_page_types = ["wellness.WellnessIndexPage"]
    subpage_types: list[str] = []
    template = "wellness/wellness_session_page.html"

    class Meta:
        verbose_name = _("wellness session")
        verbose_name_plural = _("wellness sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0), name="wellness_session_capacity_positive"
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if not self.place and not self.online_url:
            message = _("Give a place, an online link, or both.")
            raise ValidationError({"place": message, "online_url": message})

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def has_started(self, now: datetime | None = None) -> bool:
        return self.starts_at <= (now or timezone.now())

    @property
    def places_left(self) -> int:
        """Free places; uses the ``confirmed_count`` annotation of the listings if present.
        The bookings of every language version count (one event: see the services)."""
        confirmed = getattr(self, "confirmed_count", None)
        if confirmed is None:
            confirmed = Booking.objects.filter(
                session__translation_key=self.translation_key, status=Booking.Status.CONFIRMED
            ).count()
        return max(self.capacity - confirmed, 0)

    def get_context(self, request, *args, **kwargs):
        from portal.editorial.wellness import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.session_state(request.user, self))
        return context

    @path("book/", name="book")
    def book(self, request):
        from portal.editorial.wellness import views

        return views.book(self, request)

    @path("cancel/", name="cancel")
    def cancel(self, request):
        from portal.editorial.wellness import views

        return views.cancel(self, request)

    @path("calendar/", name="calendar")
    def calendar(self, request):
        from portal.editorial.wellness import views

        return views.calendar(self, request)


class BookingQuerySet(models.QuerySet):
    def active(self) -> BookingQuerySet:
        """Bookings that hold a place or a rank on the waiting list."""
        return self.filter(status__in=Booking.ACTIVE_STATUSES)


class Booking(models.Model):
    """A person's place in a wellness session, or their rank on its waiting list.

    A person has at most one active (confirmed or waiting) booking per session; cancelled
    bookings stay as history, and booking again after cancelling starts a new one. The
    waiting list is first come, first served: the order of the bookings' ids."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITING)

    session = models.ForeignKey(
        WellnessSessionPage,
        on_delete=models.CASCADE,
        related_name="bookings",
        verbose_name=_("session"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wellness_bookings",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    promoted_at = models.DateTimeField(
        _("moved up from the waiting list at"), null=True, blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="wellness_one_active_booking_per_person",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.session_id} ({self.status})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def is_waiting(self) -> bool:
        return self.status == self.Status.WAITING
