"""Demo content of Resources, loaded once by `manage.py load_demo`."""

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
