"""Employees and departments.

The user model is custom from day one: people log in with their email address, and their
department feeds the visibility policy. Profiles (photo, job title, manager...) come with
the people plugin; what lives here is what the core needs to decide access.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class Department(models.Model):
    """A unit of the organisation; departments nest (a team inside a division).

    ``lineage`` stores the ids from the root down to this department ("/1/4/9/"), so
    finding a department's parents or children costs one query whatever the depth.
    """

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"),
        max_length=64,
        blank=True,
        help_text=_("The HR system's identifier, if any."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )
    lineage = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="unique_department_code"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self._would_create_cycle():
            raise ValueError("A department cannot be placed inside itself or its sub-departments.")
        super().save(*args, **kwargs)
        expected = self._compute_lineage()
        if expected != self.lineage:
            old = self.lineage
            self.lineage = expected
            type(self).objects.filter(pk=self.pk).update(lineage=expected)
            if old:
                self._rewrite_descendants(old, expected)

    def clean(self) -> None:
        if self._would_create_cycle():
            raise ValidationError(
                {"parent": _("A department cannot be placed inside itself or its sub-departments.")}
            )

    def _would_create_cycle(self) -> bool:
        if not (self.parent_id and self.pk):
            return False
        return self.parent_id == self.pk or self.pk in self._parent_lineage_ids()

    def lineage_ids(self) -> list[int]:
        """This department's id and its parents' ids, from the root down."""
        if not self.lineage:
            return [self.pk] if self.pk else []
        return [int(part) for part in self.lineage.strip("/").split("/") if part]

    def _parent_lineage_ids(self) -> list[int]:
        parent = type(self).objects.filter(pk=self.parent_id).values_list("lineage", flat=True)
        lineage = parent.first() or ""
        return [int(part) for part in lineage.strip("/").split("/") if part]

    def _compute_lineage(self) -> str:
        prefix = "/"
        if self.parent_id:
            prefix = (
                type(self).objects.filter(pk=self.parent_id).values_list("lineage", flat=True).get()
            )
        return f"{prefix}{self.pk}/"

    def _rewrite_descendants(self, old: str, new: str) -> None:
        for child in type(self).objects.filter(lineage__startswith=old).exclude(pk=self.pk):
            type(self).objects.filter(pk=child.pk).update(
                lineage=new + child.lineage.removeprefix(old)
            )


class User(AbstractUser):
    """An employee's account. The email address is the login."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    preferred_language = models.CharField(
        _("interface language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Leave empty to follow the browser's language."),
    )
    theme = models.CharField(
        _("colour scheme"),
        max_length=5,
        blank=True,
        choices=[("light", _("Light")), ("dark", _("Dark"))],
        help_text=_("Leave empty to follow the system's setting."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The person's profile page when the people plugin is enabled (by account id, so
        that a list of people costs no query per person), else nothing."""
        from django.urls import NoReverseMatch

        from portal import links

        try:
            return links.reverse("people:by_user", args=[self.pk])
        except NoReverseMatch:
            return ""

    @property
    def role_names(self) -> list[str]:
        return sorted(self.groups.values_list("name", flat=True))


def new_feed_key() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """A person's secret for their personal feeds (the news RSS/Atom feeds...): feed
    readers cannot log in, so the link carries it as ``?token=``.

    Separate from the API token on purpose: it only reads feeds (a leaked link exposes
    what its owner may read, never lets anyone act as them) and resetting it breaks
    only the feed links. See :mod:`portal.accounts.feed_tokens`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="feed_token",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feed token")
        verbose_name_plural = _("feed tokens")

    def __str__(self) -> str:
        return f"feed token of {self.user_id}"


#: ISO weekdays (1 = Monday ... 7 = Sunday), as stored in the ``days`` of working hours
#: and of the company's floor ("12345" is Monday to Friday).
WEEKDAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


def validate_days(value: str) -> None:
    """``days`` is a string of distinct ISO weekday digits ("12345"), possibly empty."""
    if any(ch not in "1234567" for ch in value) or len(set(value)) != len(value):
        raise ValidationError(_("Choose days of the week from Monday to Sunday."), code="days")


def validate_time_zone(value: str) -> None:
    """An IANA time zone name that this machine knows (``zoneinfo``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not value:
        return
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(
            _("“%(zone)s” is not a known time zone (for example Europe/Paris)."),
            code="time_zone",
            params={"zone": value[:60]},
        ) from None


def default_start():
    import datetime

    return datetime.time(9, 0)


def default_end():
    import datetime

    return datetime.time(18, 0)


class WorkingHours(models.Model):
    """A person's right to disconnect: when they work, in their time zone, and the manual
    "off until" switch (see :mod:`portal.modeoff`).

    Someone without a row has not said when they work: only the company's floor applies
    to them, so switching mode off on for the company holds nothing for anyone until the
    company sets a floor or people set their hours. One interval a day (start to end),
    the same on every working day: what people need, and what they can read at a glance.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="working_hours",
        verbose_name=_("user"),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Leave empty to follow the company's time zone."),
    )
    days = models.CharField(
        _("working days"), max_length=7, blank=True, default="12345", validators=[validate_days]
    )
    start = models.TimeField(_("start of the day"), default=default_start)
    end = models.TimeField(_("end of the day"), default=default_end)
    #: Switched off by hand (holidays, an afternoon) until then; ``None`` when not.
    off_until = models.DateTimeField(_("off until"), null=True, blank=True)
    #: When the manual switch was set (the ``since`` of a manual off period).
    off_since = models.DateTimeField(null=True, blank=True, editable=False)
    #: Opting out of read receipts: they neither show nor see them.
    show_read_receipts = models.BooleanField(_("read receipts"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="working_hours_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"working hours of {self.user_id}"
