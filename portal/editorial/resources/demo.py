"""Demo content of Resources, loaded once by `manage.py load_demo`: in English, and in
French when the home page has a French translation (portal.core.localisation)."""

from portal.core import localisation
from portal.editorial.resources.models import ResourceIndexPage, ResourcePage

RESOURCES = [
    (
        "The state of remote work in French companies",
        "https://www.insee.fr/",
        "INSEE",
        "Figures on how many employees work from home, and how often.",
        ["remote-work"],
        "<p>Useful background for our own remote work charter.</p>",
    ),
    (
        "Cybersecurity guide for small and mid-sized companies",
        "https://cyber.gouv.fr/",
        "ANSSI",
        "Twelve essential measures to protect an information system.",
        ["security"],
        "<p>Our IT team follows most of these already; see the IT news for the rest.</p>",
    ),
    (
        "Decarbonising office buildings",
        "https://www.ademe.fr/",
        "ADEME",
        "What actually lowers the footprint of an office: heating, IT, commuting.",
        ["csr", "offices"],
        "<p>Inputs for the Lyon office fit-out.</p>",
    ),
    (
        "Accessibility of digital services (RGAA)",
        "https://accessibilite.numerique.gouv.fr/",
        "DINUM",
        "The French reference for accessible websites and intranets.",
        ["accessibility"],
        "<p>The intranet aims at this level.</p>",
    ),
    (
        "Employee engagement barometer",
        "https://www.anact.fr/",
        "ANACT",
        "Trends in quality of working life across sectors.",
        ["hr"],
        "",
    ),
]


FRENCH_INDEX = {
    "title": "Ressources",
    "intro": "<p>Notre veille sur le secteur : des lectures choisies par la rédaction.</p>",
}
#: English title -> (French title, French summary, French editor's note).
FRENCH = {
    "The state of remote work in French companies": (
        "L'état du télétravail dans les entreprises françaises",
        "Combien de salariés travaillent à domicile, et à quelle fréquence : les chiffres.",
        "<p>Un éclairage utile pour notre propre charte du télétravail.</p>",
    ),
    "Cybersecurity guide for small and mid-sized companies": (
        "Guide de cybersécurité pour les TPE et PME",
        "Douze mesures essentielles pour protéger un système d'information.",
        "<p>Notre équipe informatique en applique déjà la plupart ; les actualités "
        "informatiques présentent les autres.</p>",
    ),
    "Decarbonising office buildings": (
        "Décarboner les immeubles de bureaux",
        "Ce qui réduit vraiment l'empreinte d'un bureau : chauffage, informatique, trajets.",
        "<p>Des pistes pour l'aménagement du bureau de Lyon.</p>",
    ),
    "Accessibility of digital services (RGAA)": (
        "Accessibilité des services numériques (RGAA)",
        "Le référentiel français des sites et intranets accessibles.",
        "<p>L'intranet vise ce niveau.</p>",
    ),
    "Employee engagement barometer": (
        "Baromètre de l'engagement des salariés",
        "Les tendances de la qualité de vie au travail selon les secteurs.",
        "",
    ),
}


def load_demo(home, people: dict) -> None:
    """Create the demo content under home; people maps demo emails to users."""
    editor = people.get("editor@example.com")
    index = home.add_child(
        instance=ResourceIndexPage(
            title="Resources",
            slug="resources",
            intro="<p>Our watch on the field: reading picked by the editors.</p>",
        )
    )
    index.save_revision(user=editor).publish()
    resources = []
    for title, url, source, summary, tags, note in RESOURCES:
        resource = ResourcePage(
            title=title,
            source_url=url,
            source_name=source,
            summary=summary,
            editor_note=note,
            owner=editor,
        )
        resource.tags.add(*tags)
        index.add_child(instance=resource)
        resource.save_revision(user=editor).publish()
        resources.append(resource)
    if "fr" in localisation.translated_languages(home):
        localisation.translate_page(index, "fr", user=editor, **FRENCH_INDEX)
        for resource in resources:
            title, summary, note = FRENCH[resource.title]
            localisation.translate_page(
                resource, "fr", user=editor, title=title, summary=summary, editor_note=note
            )
