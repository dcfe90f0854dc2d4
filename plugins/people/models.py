"""People: one profile per account, the manager links of the org chart, and the
departments and teams (core departments: a team is a department nested in another).

The org chart is a materialised path of manager links (``manager_path``, e.g. "/3/17/42/"
for a person whose manager is 17, whose manager is 3): a chain of command is read from the
path, and a subtree is one ``startswith`` query, whatever its size.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from portal.files import PrivateImageField


class SkillTag(TaggedItemBase):
    content_object = models.ForeignKey(
        "people.Profile", on_delete=models.CASCADE, related_name="skill_items"
    )


class LanguageTag(TaggedItemBase):
    content_object = models.ForeignKey(
        "people.Profile", on_delete=models.CASCADE, related_name="language_items"
    )


class Profile(models.Model):
    """What colleagues see of a person, and what the org chart is built from."""

    #: Fields that come from the HR system: only HR changes them (by import or admin).
    HR_FIELDS = ("employee_id", "job_title", "manager", "location", "start_date")
    #: Fields people edit on their own profile.
    SELF_FIELDS = ("phone", "bio", "photo", "skills", "languages")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    employee_id = models.CharField(
        _("employee ID"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The stable key of the HR system."),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    manager_path = models.CharField(max_length=2000, db_index=True, default="", editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    location = models.CharField(_("location"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    #: On the private storage, served to those who may see the person (portal.files).
    photo = PrivateImageField(
        _("photo"), upload_to="people/photos/", blank=True, visibility_through="user"
    )
    skills = TaggableManager(
        through=SkillTag, blank=True, verbose_name=_("skills"), related_name="skilled_profiles"
    )
    languages = TaggableManager(
        through=LanguageTag,
        blank=True,
        verbose_name=_("languages"),
        related_name="speaker_profiles",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)

    def chain_ids(self) -> list[int]:
        """Profile ids from the top of the company down to this person."""
        return [int(part) for part in self.manager_path.strip("/").split("/") if part]
