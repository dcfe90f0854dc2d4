"""The employee's actions on course and lesson pages (routes of the page types): enrol,
mark a lesson done, answer a quiz. POST only; each redirects back with a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from portal.editorial.learning import services


def enrol(request, course):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        _enrolment, created = services.enrol(request.user, course)
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(course.url)
    if created:
        messages.success(request, _("You are enrolled. Good learning!"))
    return redirect(services.resume_url(request.user, course))


def complete(request, lesson):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.complete_lesson(request.user, lesson)
    except services.LearningError as error:
        messages.error(request, str(error))
        return redirect(lesson.url)
    messages.success(request, _("Lesson marked as done."))
    return redirect(services.resume_url(request.user, lesson.course))


def quiz(request, lesson):
    """Score the quiz form. Bad answers (unknown questions or choices, questions left
    unanswered) show the lesson again with the errors on the form (400), the ticked
    choices kept, and record no attempt."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    answers = {
        key.removeprefix("question-"): request.POST.getlist(key)
        for key in request.POST
        if key.startswith("question-")
    }
    try:
        result = services.submit_quiz(request.user, lesson, answers)
    except services.LearningError as error:
        if not error.errors:  # not enrolled, no such quiz...: a message, back to the lesson
            messages.error(request, str(error))
            return redirect(lesson.url)
        response = lesson.render(
            request,
            context_overrides={
                "quiz_error": str(error),
                "quiz_errors": [message for items in error.errors.values() for message in items],
                "quiz_missing": {question.pk for question in getattr(error, "missing", [])},
                "quiz_chosen": {str(value) for values in answers.values() for value in values},
            },
        )
        response.status_code = 400
        return response
    values = {"score": result.score, "correct": result.correct, "total": result.total}
    if result.passed:
        messages.success(
            request,
            _("Quiz passed: %(score)s%% (%(correct)s of %(total)s correct). Lesson done.") % values,
        )
    else:
        values["pass_mark"] = result.pass_mark
        messages.error(
            request,
            _(
                "Not passed yet: %(score)s%% (%(correct)s of %(total)s correct); "
                "%(pass_mark)s%% is needed. Try again."
            )
            % values,
        )
    return redirect(lesson.url)
