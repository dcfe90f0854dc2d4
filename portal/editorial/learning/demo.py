"""Demo content of E-learning, loaded once by `manage.py load_demo`: in English, and in
French when the home page has a French translation (portal.core.localisation)."""

from __future__ import annotations

from wagtail.rich_text import RichText

from portal.core import localisation
from portal.editorial.learning import services
from portal.editorial.learning.factories import make_course, make_course_index, make_lesson
from portal.editorial.learning.models import CoursePage, CoursePrerequisite, LessonPage

GDPR_QUIZ = [
    (
        "Which of these are personal data?",
        [
            ("An employee's email address", True),
            ("A customer's phone number", True),
            ("The company's turnover", False),
        ],
    ),
    (
        "A colleague asks you to send a customer file to their personal Gmail. You:",
        [("Refuse and suggest the shared drive", True), ("Send it, it is quicker", False)],
    ),
    (
        "Who do you tell about a data breach?",
        [
            ("The data protection officer (DPO), at once", True),
            ("Nobody, if it looks minor", False),
        ],
    ),
]


#: English title -> French fields, for the catalogue and the courses.
FRENCH_PAGES = {
    "Training courses": {
        "title": "Formations",
        "intro": "<p>De courtes formations en ligne, à suivre à votre rythme.</p>",
    },
    "GDPR essentials": {
        "title": "L'essentiel du RGPD",
        "intro": "Les données personnelles au quotidien : ce que le RGPD demande à chaque salarié.",
    },
    "Welcome to the company": {
        "title": "Bienvenue dans l'entreprise",
        "intro": "Notre histoire, nos bureaux de Paris et de Lyon, et les outils que vous "
        "utiliserez.",
    },
    "IT security advanced": {
        "title": "Sécurité informatique avancée",
        "intro": "Hameçonnage, mots de passe et authentification à deux facteurs en profondeur.",
    },
}
#: English lesson title -> (French title, French module, French text or "" for the title).
FRENCH_LESSONS = {
    "What counts as personal data": (
        "Ce qu'est une donnée personnelle",
        "Module 1 · Les bases",
        "Toute information sur une personne identifiable : noms, e-mails, journaux de badge…",
    ),
    "Your everyday reflexes": (
        "Vos réflexes au quotidien",
        "Module 1 · Les bases",
        "Verrouillez votre écran, utilisez le drive partagé, ne transférez jamais de fichiers "
        "vers une messagerie personnelle.",
    ),
    "Check your knowledge": (
        "Testez vos connaissances",
        "Module 2 · Quiz",
        "Trois questions pour valider la formation. Il faut 70 % pour réussir.",
    ),
    "Our history": ("Notre histoire", "Qui nous sommes", ""),
    "Our offices": ("Nos bureaux", "Qui nous sommes", ""),
    "The tools of the intranet": ("Les outils de l'intranet", "Travailler ici", ""),
    "Recognising phishing": ("Reconnaître l'hameçonnage", "Menaces", ""),
    "Passwords and second factors": ("Mots de passe et seconds facteurs", "Protection", ""),
}
#: The quiz in French, question by question and choice by choice (same order).
FRENCH_QUIZ = [
    (
        "Lesquelles de ces informations sont des données personnelles ?",
        [
            "L'adresse e-mail d'un salarié",
            "Le numéro de téléphone d'un client",
            "Le chiffre d'affaires de l'entreprise",
        ],
    ),
    (
        "Un collègue vous demande d'envoyer un fichier client sur son Gmail personnel. Vous :",
        ["Refusez et proposez le drive partagé", "L'envoyez, c'est plus rapide"],
    ),
    (
        "À qui signalez-vous une fuite de données ?",
        [
            "Au délégué à la protection des données (DPO), immédiatement",
            "À personne, si elle semble mineure",
        ],
    ),
]


def _translate_lesson(lesson: LessonPage) -> LessonPage:
    title, module, text = FRENCH_LESSONS[lesson.title]
    body = [("paragraph", RichText(f"<p>{text or title}</p>"))]
    french = localisation.translate_page(lesson, "fr", title=title, module=module, body=body)
    # The only demo quiz is the GDPR course's: its questions and choices, in order.
    questions = list(french.quiz_questions.prefetch_related("choices"))
    for question, (question_text, choices) in zip(questions, FRENCH_QUIZ, strict=False):
        question.text = question_text
        question.save(update_fields=["text"])
        for choice, choice_text in zip(question.choices.all(), choices, strict=False):
            choice.text = choice_text
            choice.save(update_fields=["text"])
    return french


def _translate_into_french(catalogue, courses: list[CoursePage]) -> None:
    """The French catalogue, courses and lessons; the French courses' prerequisites are
    the French versions of the English ones'."""
    localisation.translate_page(catalogue, "fr", **FRENCH_PAGES[catalogue.title])
    french = {
        course.pk: localisation.translate_page(course, "fr", **FRENCH_PAGES[course.title])
        for course in courses
    }
    for course in courses:
        for lesson in services.course_lessons(course):
            _translate_lesson(lesson)
    for link in CoursePrerequisite.objects.filter(course__in=french.values()):
        if link.prerequisite_id in french:
            link.prerequisite = french[link.prerequisite_id]
            link.save(update_fields=["prerequisite"])


def load_demo(home, people: dict) -> None:
    """Create the demo content under home; people maps demo emails to users."""
    catalogue = make_course_index(
        home,
        "Training courses",
        slug="courses",
        intro="<p>Short online courses to learn at your own pace.</p>",
    )
    gdpr = make_course(
        catalogue,
        "GDPR essentials",
        intro="Personal data in everyday work: what the RGPD asks of every employee.",
        estimated_duration=45,
    )
    make_lesson(
        gdpr,
        "What counts as personal data",
        module="Module 1 · The basics",
        text="Any information about an identifiable person: names, emails, badge logs...",
    )
    make_lesson(
        gdpr,
        "Your everyday reflexes",
        module="Module 1 · The basics",
        text="Lock your screen, use the shared drive, never forward files to personal mail.",
    )
    make_lesson(
        gdpr,
        "Check your knowledge",
        module="Module 2 · Quiz",
        text="Three questions to validate the course. You need 70% to pass.",
        quiz=GDPR_QUIZ,
        pass_mark=70,
    )
    onboarding = make_course(
        catalogue,
        "Welcome to the company",
        intro="Our history, our offices in Paris and Lyon, and the tools you will use.",
        estimated_duration=30,
    )
    for title, module in [
        ("Our history", "Who we are"),
        ("Our offices", "Who we are"),
        ("The tools of the intranet", "Working here"),
    ]:
        make_lesson(onboarding, title, module=module)
    security = make_course(
        catalogue,
        "IT security advanced",
        intro="Phishing, passwords and two-factor authentication in depth.",
        estimated_duration=60,
        prerequisites=[gdpr],
    )
    make_lesson(security, "Recognising phishing", module="Threats")
    make_lesson(security, "Passwords and second factors", module="Protection")
    if "fr" in localisation.translated_languages(home):
        _translate_into_french(catalogue, [gdpr, onboarding, security])

    employee = people.get("employee@example.com")
    if employee is not None:
        # In the version of their language: a person follows a course in one language.
        course = localisation.localized(onboarding, employee)
        services.enrol(employee, course)
        services.complete_lesson(employee, services.course_lessons(course)[0])
