"""Data-protection requests: what E-learning holds about a person (enrolments, lesson
progress and quiz results). Erasure runs on :data:`portal.signals.user_erased`."""

from portal.editorial.learning.models import Enrolment, LessonProgress


def export_user_data(user) -> list[dict]:
    enrolments = Enrolment.objects.filter(user=user).select_related("course")
    progress = LessonProgress.objects.filter(enrolment__user=user).select_related("lesson")
    by_enrolment: dict[int, list[dict]] = {}
    for item in progress:
        by_enrolment.setdefault(item.enrolment_id, []).append(
            {
                "lesson": item.lesson.title,
                "done_at": item.done_at.isoformat() if item.done_at else None,
                "quiz_score": item.quiz_score,
                "quiz_passed": item.quiz_passed,
                "attempts": item.attempts,
            }
        )
    return [
        {
            "course": enrolment.course.title,
            "enrolled_at": enrolment.enrolled_at.isoformat(),
            "completed_at": enrolment.completed_at.isoformat() if enrolment.completed_at else None,
            "lessons": by_enrolment.get(enrolment.pk, []),
        }
        for enrolment in enrolments
    ]


def erase_user_data(user) -> None:
    Enrolment.objects.filter(user=user).delete()
