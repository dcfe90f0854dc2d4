"""Builders of courses for the tests, the browser tests and the demo: they go through the
same code paths as the admin (pages added to the tree, then published)."""

from __future__ import annotations

from django.utils.text import slugify
from wagtail.rich_text import RichText

from portal.editorial.learning.models import (
    CourseIndexPage,
    CoursePage,
    CoursePrerequisite,
    LessonPage,
    QuizChoice,
    QuizQuestion,
)


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_course_index(home, title: str = "Courses", **fields) -> CourseIndexPage:
    return _publish(
        home, CourseIndexPage(title=title, slug=fields.pop("slug", slugify(title)), **fields)
    )


def make_course(index, title: str, *, prerequisites=(), **fields) -> CoursePage:
    course = CoursePage(title=title, slug=fields.pop("slug", slugify(title)), **fields)
    course.prerequisite_links = [CoursePrerequisite(prerequisite=p) for p in prerequisites]
    return _publish(index, course)


def make_lesson(course, title: str, *, text: str = "", quiz=None, **fields) -> LessonPage:
    """A lesson; ``quiz`` is a list of ``(question, [(choice, is_correct), ...])``."""
    body = [("paragraph", RichText(f"<p>{text or title}</p>"))]
    lesson = LessonPage(title=title, slug=fields.pop("slug", slugify(title)), body=body, **fields)
    lesson.quiz_questions = [
        QuizQuestion(
            text=question,
            choices=[QuizChoice(text=choice, is_correct=correct) for choice, correct in choices],
        )
        for question, choices in (quiz or [])
    ]
    return _publish(course, lesson)
