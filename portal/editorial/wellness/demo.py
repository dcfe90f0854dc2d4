"""Demo content of Wellness, loaded once by `manage.py load_demo`: a wellness section with
a week of sessions starting tomorrow, one of them full with someone on its waiting list,
in English, and in French when the home page has a French translation (the bookings are
the same in both: one event, see the services)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from portal.accounts import roles
from portal.core import localisation
from portal.editorial.wellness import services
from portal.editorial.wellness.models import WellnessIndexPage, WellnessSessionPage

Level = WellnessSessionPage.Level

#: (days from today, local start time, duration, title, place, online, coach, level,
#: capacity, description)
SESSIONS = [
    (
        1,
        time(12, 30),
        45,
        "Lunchtime yoga",
        "Room Everest, 5th floor",
        "",
        "Léa Moreau",
        Level.ALL,
        12,
        "<p>Gentle flow to stretch after a morning at the desk. Mats are provided; "
        "comfortable clothes are enough.</p>",
    ),
    (
        2,
        time(18, 0),
        60,
        "Running club: riverside loop",
        "Main entrance",
        "",
        "Hugo Lambert",
        Level.INTERMEDIATE,
        15,
        "<p>An 8 km loop along the river at a chatty pace. Showers are open until 8 pm.</p>",
    ),
    (
        3,
        time(13, 0),
        20,
        "Guided meditation",
        "",
        "https://meet.example.com/wellness-meditation",
        "Sarah Cohen",
        Level.BEGINNER,
        2,
        "<p>Twenty quiet minutes online to breathe and reset. Cameras off welcome.</p>",
    ),
    (
        4,
        time(12, 15),
        50,
        "Pilates: core and posture",
        "Room Everest, 5th floor",
        "",
        "Léa Moreau",
        Level.INTERMEDIATE,
        10,
        "<p>Strengthen your core and back; ideal if you sit most of the day.</p>",
    ),
    (
        5,
        time(9, 0),
        30,
        "Morning stretching",
        "Patio",
        "https://meet.example.com/wellness-stretching",
        "Hugo Lambert",
        Level.ALL,
        20,
        "<p>Wake up your body before the first meeting, on the patio or from home.</p>",
    ),
    (
        6,
        time(12, 30),
        60,
        "Lunch walk in the park",
        "Main entrance",
        "",
        "Nadia Petit",
        Level.BEGINNER,
        25,
        "<p>A relaxed walk to the park and back. Bring a sandwich if you like.</p>",
    ),
    (
        7,
        time(17, 30),
        45,
        "Sophrology: sleep better",
        "",
        "https://meet.example.com/wellness-sophrology",
        "Sarah Cohen",
        Level.ALL,
        30,
        "<p>Breathing and relaxation exercises to carry into your evenings.</p>",
    ),
]

FRENCH_SECTION = {
    "title": "Bien-être",
    "intro": "<p>Des séances de sport et de détente pendant la semaine de travail. Réservez "
    "une place ; quand une séance est complète, inscrivez-vous sur sa liste d'attente et "
    "nous vous écrirons si une place se libère.</p>",
}
#: English title -> (French title, French place, French description).
FRENCH_SESSIONS = {
    "Lunchtime yoga": (
        "Yoga de midi",
        "Salle Everest, 5e étage",
        "<p>Un enchaînement doux pour s'étirer après une matinée au bureau. Les tapis sont "
        "fournis ; une tenue confortable suffit.</p>",
    ),
    "Running club: riverside loop": (
        "Club de course : la boucle des quais",
        "Entrée principale",
        "<p>Une boucle de 8 km le long de la rivière, à allure de conversation. Les douches "
        "sont ouvertes jusqu'à 20 h.</p>",
    ),
    "Guided meditation": (
        "Méditation guidée",
        "",
        "<p>Vingt minutes de calme en ligne pour respirer et repartir. Caméra éteinte "
        "bienvenue.</p>",
    ),
    "Pilates: core and posture": (
        "Pilates : gainage et posture",
        "Salle Everest, 5e étage",
        "<p>Renforcez vos abdominaux et votre dos ; idéal si vous êtes assis la plupart de "
        "la journée.</p>",
    ),
    "Morning stretching": (
        "Étirements du matin",
        "Patio",
        "<p>Réveillez votre corps avant la première réunion, sur le patio ou depuis chez vous.</p>",
    ),
    "Lunch walk in the park": (
        "Promenade au parc à midi",
        "Entrée principale",
        "<p>Une marche tranquille jusqu'au parc, aller et retour. Apportez un sandwich si vous "
        "voulez.</p>",
    ),
    "Sophrology: sleep better": (
        "Sophrologie : mieux dormir",
        "",
        "<p>Des exercices de respiration et de relaxation à emporter dans vos soirées.</p>",
    ),
}

#: The guided meditation is full (capacity 2) and the demo employee waits for a place.
FULL_SESSION = "Guided meditation"
FULL_SESSION_PEOPLE = ["sales@example.com", "hr@example.com"]
WAITING_PERSON = "employee@example.com"


def load_demo(home, people: dict) -> None:
    """Create the demo content under home; people maps demo emails to users."""
    section = home.add_child(
        instance=WellnessIndexPage(
            title="Wellness",
            slug="wellness",
            intro="<p>Sport and relaxation sessions during the working week. Book a place; "
            "when a session is full, join its waiting list and we will email you if a "
            "place frees up.</p>",
        )
    )
    section.save_revision().publish()
    roles.section_editors("Wellness editors", section)

    today = timezone.localdate()
    sessions = {}
    for days, at, minutes, title, place, online_url, coach, level, capacity, intro in SESSIONS:
        starts_at = timezone.make_aware(datetime.combine(today + timedelta(days=days), at))
        session = section.add_child(
            instance=WellnessSessionPage(
                title=title,
                starts_at=starts_at,
                duration_minutes=minutes,
                place=place,
                online_url=online_url,
                coach=coach,
                level=level,
                capacity=capacity,
                intro=intro,
            )
        )
        session.save_revision().publish()
        sessions[title] = session

    if "fr" in localisation.translated_languages(home):
        localisation.translate_page(section, "fr", **FRENCH_SECTION)
        for title, session in sessions.items():
            french_title, place, intro = FRENCH_SESSIONS[title]
            localisation.translate_page(session, "fr", title=french_title, place=place, intro=intro)

    def book(email: str, title: str) -> None:
        # Each person books the version in their language ("My sessions" shows it).
        person = people[email]
        services.book_session(person, localisation.localized(sessions[title], person))

    for email in FULL_SESSION_PEOPLE:
        book(email, FULL_SESSION)
    book(WAITING_PERSON, FULL_SESSION)
    book("sales@example.com", "Lunchtime yoga")
    book("admin@example.com", "Running club: riverside loop")
