"""Demo content of News, loaded once by `manage.py load_demo`: in English, and in French
when the home page has a French translation (portal.core.localisation)."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from django.core.files.images import ImageFile
from django.utils import timezone

from portal.core import localisation
from portal.editorial.news.models import NewsCategory, NewsIndexPage, NewsPage
from portal.editorial.news.services import setup_news_moderation

CATEGORIES = [("Company", "company"), ("HR", "hr"), ("IT", "it")]

#: (days ago, category slug, title, summary, tags)
NEWS = [
    (
        1,
        "company",
        "Our new office in Lyon opens on Monday",
        "Forty colleagues move into the Part-Dieu building; here is what changes.",
        ["offices"],
    ),
    (
        3,
        "it",
        "Planned maintenance of the VPN on Saturday night",
        "The VPN will be unavailable from 22:00 to 02:00 while we upgrade it.",
        ["maintenance"],
    ),
    (
        5,
        "hr",
        "Open enrolment for the company health plan (mutuelle)",
        "Choose your coverage level before the end of the month.",
        ["benefits"],
    ),
    (
        7,
        "company",
        "Quarterly results: a strong third quarter",
        "Revenue grew 12% year on year; the executive committee thanks every team.",
        ["results"],
    ),
    (
        9,
        "it",
        "Phishing alert: fake parcel delivery messages",
        "Do not click links in unexpected delivery notices; report them to IT.",
        ["security"],
    ),
    (
        12,
        "hr",
        "Remote work charter updated",
        "Up to three days a week at home, agreed with your manager.",
        ["remote-work"],
    ),
    (
        14,
        "company",
        "The company joins the Fresque du Climat programme",
        "Every employee will be offered a three-hour climate workshop this year.",
        ["csr"],
    ),
    (
        17,
        "it",
        "New laptops for the sales team",
        "Replacement laptops are being handed out floor by floor.",
        ["equipment"],
    ),
    (
        20,
        "hr",
        "Training catalogue for next year",
        "Your personal training account (CPF) and the company plan, explained.",
        ["training"],
    ),
    (
        24,
        "company",
        "Seminar in Annecy: save the date",
        "The whole company meets by the lake for two days in June.",
        ["events"],
    ),
    (
        28,
        "it",
        "Two-factor authentication becomes mandatory",
        "From next month, every account needs a second factor.",
        ["security"],
    ),
]


FRENCH_INDEX = {
    "title": "Actualités",
    "intro": "<p>Ce qui se passe dans l'entreprise, dans tous les services.</p>",
}
#: English title -> (French title, French summary, French tags).
FRENCH = {
    "Our new office in Lyon opens on Monday": (
        "Notre nouveau bureau de Lyon ouvre lundi",
        "Quarante collègues s'installent dans l'immeuble de la Part-Dieu : voici ce qui change.",
        ["bureaux"],
    ),
    "Planned maintenance of the VPN on Saturday night": (
        "Maintenance programmée du VPN samedi soir",
        "Le VPN sera indisponible de 22 h à 2 h, le temps de sa mise à jour.",
        ["maintenance"],
    ),
    "Open enrolment for the company health plan (mutuelle)": (
        "Inscriptions ouvertes à la mutuelle d'entreprise",
        "Choisissez votre niveau de garantie avant la fin du mois.",
        ["avantages"],
    ),
    "Quarterly results: a strong third quarter": (
        "Résultats trimestriels : un troisième trimestre solide",
        "Le chiffre d'affaires progresse de 12 % sur un an ; le comité de direction remercie "
        "toutes les équipes.",
        ["résultats"],
    ),
    "Phishing alert: fake parcel delivery messages": (
        "Alerte à l'hameçonnage : faux messages de livraison de colis",
        "Ne cliquez pas sur les liens des avis de livraison inattendus ; signalez-les à "
        "l'informatique.",
        ["sécurité"],
    ),
    "Remote work charter updated": (
        "La charte du télétravail évolue",
        "Jusqu'à trois jours par semaine à domicile, en accord avec votre manager.",
        ["télétravail"],
    ),
    "The company joins the Fresque du Climat programme": (
        "L'entreprise rejoint le programme de la Fresque du Climat",
        "Chaque salarié se verra proposer un atelier climat de trois heures cette année.",
        ["rse"],
    ),
    "New laptops for the sales team": (
        "De nouveaux ordinateurs portables pour l'équipe commerciale",
        "Les ordinateurs de remplacement sont distribués étage par étage.",
        ["équipement"],
    ),
    "Training catalogue for next year": (
        "Le catalogue de formations de l'année prochaine",
        "Votre compte personnel de formation (CPF) et le plan de l'entreprise, expliqués.",
        ["formation"],
    ),
    "Seminar in Annecy: save the date": (
        "Séminaire à Annecy : réservez la date",
        "Toute l'entreprise se retrouve au bord du lac pendant deux jours en juin.",
        ["événements"],
    ),
    "Two-factor authentication becomes mandatory": (
        "L'authentification à deux facteurs devient obligatoire",
        "Dès le mois prochain, chaque compte devra utiliser un second facteur.",
        ["sécurité"],
    ),
}
FRENCH_HERO_ALT = "L'entrée du nouveau bureau de Lyon"
FRENCH_WELCOME = (
    "Bienvenue à {name}",
    "Réservons un accueil chaleureux à notre nouvelle collègue de l'équipe commerciale.",
    "<p>Passez dire bonjour à l'espace commercial !</p>",
)


def _hero_image(title: str):
    """A small generated picture (nothing is downloaded)."""
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    picture = PILImage.new("RGB", (1200, 630), (29, 94, 58))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image_model = get_image_model()
    return image_model.objects.create(title=title, file=ImageFile(buffer, name="news-hero.png"))


def _published_on(news: NewsPage, days_ago: int) -> None:
    moment = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(9, 30))
    )
    NewsPage.objects.filter(pk=news.pk).update(first_published_at=moment, last_published_at=moment)


def _publish(index: NewsIndexPage, news: NewsPage, days_ago: int) -> NewsPage:
    index.add_child(instance=news)
    news.save_revision(user=news.author).publish()
    _published_on(news, days_ago)
    return news


def _translate_into_french(index: NewsIndexPage, published: list[tuple[NewsPage, int]]) -> None:
    """The French versions of the index and of each news, published on the same days."""
    localisation.translate_page(index, "fr", **FRENCH_INDEX)
    for news, days_ago in published:
        if news.is_welcome:
            name = news.colleague.get_full_name() or news.colleague.email
            title, summary, body = FRENCH_WELCOME
            fields = {"title": title.format(name=name), "summary": summary}
            tags = ["bienvenue"]
        else:
            title, summary, tags = FRENCH[news.title]
            fields = {"title": title, "summary": summary}
            body = f"<p>{summary}</p>"
        if news.hero_image_id:
            fields["hero_alt"] = FRENCH_HERO_ALT
        french = localisation.translate_page(
            news, "fr", publish=False, body=[("paragraph", body)], **fields
        )
        french.tags.set(tags)
        french.save()
        french.save_revision(user=news.author).publish()
        _published_on(french, days_ago)


def load_demo(home, people: dict) -> None:
    """Create the demo content under home; people maps demo emails to users."""
    editor = people.get("editor@example.com")
    index = home.add_child(
        instance=NewsIndexPage(
            title="News",
            slug="news",
            intro="<p>What is happening in the company, from every department.</p>",
        )
    )
    index.save_revision(user=editor).publish()
    categories = {
        slug: NewsCategory.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in CATEGORIES
    }
    hero = _hero_image("Lyon office")
    published = []
    for position, (days_ago, category, title, summary, tags) in enumerate(NEWS):
        news = NewsPage(
            title=title,
            summary=summary,
            category=categories[category],
            date=timezone.localdate() - timedelta(days=days_ago),
            author=editor,
            owner=editor,
            body=[("paragraph", f"<p>{summary}</p>")],
        )
        if position == 0:
            news.hero_image = hero
            news.hero_alt = "The entrance of the new Lyon office"
        news.tags.add(*tags)
        published.append((_publish(index, news, days_ago), days_ago))

    sales = people.get("sales@example.com")
    if sales is not None:
        welcome = NewsPage(
            title=f"Welcome to {sales.get_full_name() or sales.email}",
            summary="Please give a warm welcome to our new colleague in the sales team.",
            kind=NewsPage.KIND_WELCOME,
            colleague=sales,
            category=categories["hr"],
            date=timezone.localdate() - timedelta(days=2),
            author=people.get("hr@example.com") or editor,
            owner=editor,
            body=[("paragraph", "<p>Drop by the sales floor to say hello!</p>")],
        )
        welcome.tags.add("welcome")
        published.append((_publish(index, welcome, 2), 2))

    setup_news_moderation(index)
    # After the moderation: the French index gets the same workflow and writers.
    if "fr" in localisation.translated_languages(home):
        _translate_into_french(index, published)
