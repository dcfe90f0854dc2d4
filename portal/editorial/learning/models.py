"""E-learning: page types and the models behind employees' interactions.

A :class:`CourseIndexPage` lists :class:`CoursePage` s; a course is made of
:class:`LessonPage` s in page-tree order, grouped into modules by their ``module`` name.
A lesson may carry a short quiz (:class:`QuizQuestion` with :class:`QuizChoice` s) and a
pass mark. Employees' :class:`Enrolment` s and :class:`LessonProgress` rows record who
follows what; the rules live in :mod:`portal.editorial.learning.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.core.models import AUDIENCE_PANELS, COMMENTS_PANELS, CommentablePage


class LessonBodyBlock(blocks.StreamBlock):
    """What a lesson is made of: text, videos and documents."""

    paragraph = blocks.RichTextBlock(label=_("Paragraph"))
    # A plain link rather than an oEmbed block: nothing is fetched from the internet when
    # a lesson is saved or shown, and the video opens on the company's own video platform.
    video = blocks.StructBlock(
        [
            ("title", blocks.CharBlock(label=_("Title"))),
            ("url", blocks.URLBlock(label=_("Video address"))),
        ],
        label=_("Video"),
        icon="media",
        template="learning/blocks/video.html",
    )
    document = DocumentChooserBlock(label=_("Document"), template="portal/blocks/document.html")


class CourseIndexPage(Page):
    """The catalogue of courses: lists the courses the employee may follow, with their
    progress in each."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro")]

    parent_page_types = ["core.HomePage"]
    subpage_types = ["learning.CoursePage"]
    template = "learning/course_index_page.html"

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def get_context(self, request, *args, **kwargs):
        from portal.editorial.learning import services

        context = super().get_context(request, *args, **kwargs)
        context["courses"] = services.course_summaries(
            request.user, services.catalogue_courses(request.user, self)
        )
        return context


class CoursePage(RoutablePageMixin, CommentablePage, Page):
    """A course: an introduction, then lessons (its child pages) grouped into modules.
    Employees enrol here, follow their progress and resume where they stopped."""

    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    estimated_duration = models.PositiveIntegerField(
        _("estimated duration (minutes)"), default=30, validators=[MinValueValidator(1)]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("estimated_duration"),
        InlinePanel(
            "prerequisite_links",
            heading=_("Prerequisites"),
            label=_("Prerequisite"),
            help_text=_("Courses an employee must complete before enrolling in this one."),
        ),
    ]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS, *COMMENTS_PANELS]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    api_fields = [APIField("intro"), APIField("estimated_duration")]

    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = ["learning.LessonPage"]
    template = "learning/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def get_context(self, request, *args, **kwargs):
        from portal.editorial.learning import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.course_overview(request.user, self))
        return context

    @path("enrol/", name="enrol")
    def enrol_view(self, request):
        from portal.editorial.learning import views

        return views.enrol(request, self)


class CoursePrerequisite(Orderable):
    """A course that must be completed before enrolling in another."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="prerequisite_links")
    prerequisite = models.ForeignKey(
        CoursePage,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("prerequisite course"),
    )

    panels = [FieldPanel("prerequisite")]

    class Meta(Orderable.Meta):
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")


class LessonPage(RoutablePageMixin, CommentablePage, Page):
    """A lesson of a course: text, videos and documents, optionally a short quiz that the
    employee must pass (``pass_mark`` percent of correct answers) to complete it."""

    module = models.CharField(
        _("module"),
        max_length=120,
        blank=True,
        help_text=_("Consecutive lessons with the same module name are shown together."),
    )
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("body"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of correct answers needed to pass the quiz, if there is one."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("module"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("pass_mark"), InlinePanel("quiz_questions", label=_("Question"))],
            heading=_("Quiz"),
        ),
    ]
    settings_panels = [*Page.settings_panels, *AUDIENCE_PANELS, *COMMENTS_PANELS]
    search_fields = [
        *Page.search_fields,
        index.SearchField("module"),
        index.SearchField("body"),
    ]
    api_fields = [APIField("module"), APIField("body"), APIField("pass_mark")]

    parent_page_types = ["learning.CoursePage"]
    subpage_types: list[str] = []
    template = "learning/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def course(self) -> CoursePage | None:
        parent = self.get_parent()
        return parent.specific if parent is not None else None

    def get_context(self, request, *args, **kwargs):
        from portal.editorial.learning import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.lesson_overview(request.user, self))
        return context

    @path("complete/", name="complete")
    def complete_view(self, request):
        from portal.editorial.learning import views

        return views.complete(request, self)

    @path("quiz/", name="quiz")
    def quiz_view(self, request):
        from portal.editorial.learning import views

        return views.quiz(request, self)


class QuizQuestion(ClusterableModel, Orderable):
    """A question of a lesson's quiz, with its choices (one or more of them correct)."""

    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="quiz_questions")
    text = models.CharField(_("question"), max_length=300)

    panels = [FieldPanel("text"), InlinePanel("choices", label=_("Choice"), min_num=2)]

    class Meta(Orderable.Meta):
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")

    def __str__(self) -> str:
        return self.text


class QuizChoice(Orderable):
    """A possible answer to a quiz question."""

    question = ParentalKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self) -> str:
        return self.text


class Enrolment(models.Model):
    """An employee following a course. Visible exactly when the course is."""

    visibility_through = "course"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_enrolments",
        verbose_name=_("employee"),
    )
    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("course")
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last lesson"),
    )

    class Meta:
        ordering = ["-enrolled_at", "-pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_enrolment_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.course_id}"


class LessonProgress(models.Model):
    """Where an enrolled employee stands in one lesson: done, and their quiz results."""

    visibility_through = "enrolment"

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="progress", verbose_name=_("enrolment")
    )
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.CASCADE, related_name="progress", verbose_name=_("lesson")
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    quiz_score = models.PositiveSmallIntegerField(_("best quiz score (%)"), null=True, blank=True)
    quiz_passed = models.BooleanField(_("quiz passed"), default=False)
    attempts = models.PositiveIntegerField(_("quiz attempts"), default=0)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="unique_progress_per_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} / {self.lesson_id}"
