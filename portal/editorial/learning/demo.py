"""Demo content of E-learning, loaded once by `manage.py load_demo`."""

from __future__ import annotations

from portal.editorial.learning import services
from portal.editorial.learning.factories import make_course, make_course_index, make_lesson

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

    employee = people.get("employee@example.com")
    if employee is not None:
        services.enrol(employee, onboarding)
        services.complete_lesson(employee, services.course_lessons(onboarding)[0])
