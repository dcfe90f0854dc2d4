"""A deterministic generated company for the demo and the benchmark: a chief executive,
directors of departments, team managers and their teams (four levels), French names,
offices in French cities; written as an XLSX file the HR import reads.

``fixtures/people/org.xlsx`` (about 300 people) is made by ``manage.py generate_demo_org``
and imported by ``load_demo``; the benchmark generates 10,000 rows the same way.
"""

from __future__ import annotations

import datetime
import io
import json
import random
import re
import unicodedata
import zipfile
from pathlib import Path

from django.conf import settings

from plugins.people.importer import COLUMNS

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "people" / "org.xlsx"
DEMO_ACCOUNTS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "portal.json"
SEED = 2026

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Jade",
    "Louise",
    "Zoé",
    "Lina",
    "Alice",
    "Emma",
    "Sarah",
    "Juliette",
    "Anaïs",
    "Clara",
    "Élise",
    "Margaux",
    "Pauline",
    "Océane",
    "Mathilde",
    "Hélène",
    "Nathalie",
    "Sophie",
    "Isabelle",
    "Céline",
    "Aurélie",
    "Lucas",
    "Hugo",
    "Louis",
    "Gabriel",
    "Arthur",
    "Jules",
    "Théo",
    "Nathan",
    "Raphaël",
    "Tom",
    "Paul",
    "Antoine",
    "Mathis",
    "Maxime",
    "Thomas",
    "Nicolas",
    "Julien",
    "Olivier",
    "Pierre",
    "François",
    "Éric",
    "Laurent",
    "Stéphane",
    "Benoît",
    "Jérôme",
    "Yannick",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèbvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
]
LOCATIONS = ("Paris", "Lyon", "Nantes", "Lille", "Bordeaux", "Toulouse", "Marseille", "Rennes")
#: (department, its teams, the job title of its members), in the demo's departments.
DEPARTMENTS = [
    ("Engineering", ["Platform team", "Data", "Mobile", "Web", "Security"], "Software engineer"),
    ("Sales", ["Key accounts", "SMB sales", "Sales operations", "Partnerships"], "Account manager"),
    ("Human Resources", ["Recruitment", "Payroll", "Training"], "HR officer"),
    ("Communication", ["Internal communication", "Press relations"], "Communication officer"),
    ("Finance", ["Accounting", "Controlling", "Purchasing"], "Financial analyst"),
    ("Operations", ["Logistics", "Facilities", "Customer care"], "Operations officer"),
    ("Legal", ["Contracts", "Compliance"], "Legal counsel"),
    ("Marketing", ["Brand", "Digital marketing", "Events"], "Marketing officer"),
]
TOP = "General Management"
#: Demo accounts of fixtures/demo/portal.json: (email, department, team, title, level).
DEMO_PEOPLE = {
    "admin@example.com": (TOP, "", "Chief executive officer", 0),
    "hr@example.com": ("Human Resources", "", "HR director", 1),
    "editor@example.com": ("Communication", "", "Communication director", 1),
    "sales@example.com": ("Sales", "Key accounts", "Account manager", 3),
    "employee@example.com": ("Engineering", "Platform team", "Software engineer", 3),
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _demo_names() -> dict[str, tuple[str, str]]:
    try:
        users = json.loads(DEMO_ACCOUNTS.read_text(encoding="utf-8"))["users"]
    except (OSError, ValueError, KeyError):
        return {}
    return {u["email"]: (u["first_name"], u["last_name"]) for u in users}


def generate_rows(total: int = 300, seed: int = SEED, demo_accounts: bool = True) -> list[list]:
    """``total`` people (at least 60) over four levels, as rows in :data:`COLUMNS` order."""
    rng = random.Random(seed)
    departments = DEPARTMENTS[:6] if total <= 1000 else DEPARTMENTS
    teams = [(name, team, title) for name, names, title in departments for team in names]
    if total > 1000:  # larger companies: more teams per department
        extra = max(0, total // 100 - len(teams))
        teams += [
            (name, f"{name} team {i + 1}", title)
            for i in range(extra)
            for name, _names, title in [departments[i % len(departments)]]
        ]
    demo_names = _demo_names() if demo_accounts else {}
    rows: list[list] = []
    used_emails: set[str] = set()

    def person(department, team, title, manager, email=None, names=None) -> str:
        employee_id = f"E{len(rows) + 1:05d}"
        first, last = names or (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        if email is None:
            base = f"{_ascii(first)}.{_ascii(last)}".replace(" ", "-")
            email, suffix = f"{base}@example.com", 1
            while email in used_emails or email in DEMO_PEOPLE:
                suffix += 1
                email = f"{base}{suffix}@example.com"
        used_emails.add(email)
        start = datetime.date(2010, 1, 4) + datetime.timedelta(days=rng.randrange(5400))
        phone = "+33 1 " + " ".join(str(rng.randrange(10, 100)) for _pair in range(4))
        rows.append(
            [
                employee_id,
                email,
                first,
                last,
                title,
                department,
                team,
                manager,
                rng.choice(LOCATIONS),
                phone,
                datetime.datetime(start.year, start.month, start.day),
            ]
        )
        return employee_id

    def demo(email: str):
        if email not in demo_names:
            return None
        return {"email": email, "names": demo_names[email]}

    ceo_demo = demo("admin@example.com")
    ceo = person(TOP, "", "Chief executive officer", "", **(ceo_demo or {}))
    directors = {}
    for name, _teams, _title in departments:
        account = next(
            (e for e, (d, t, _ti, level) in DEMO_PEOPLE.items() if d == name and level == 1), None
        )
        extra = demo(account) if account else None
        title = DEMO_PEOPLE[account][2] if extra else f"{name} director"
        directors[name] = person(name, "", title, ceo, **(extra or {}))
    managers = []
    for name, team, title in teams:
        managers.append((name, team, title, person(name, team, f"{team} manager", directors[name])))
    placed = {email for email in DEMO_PEOPLE if email in demo_names and DEMO_PEOPLE[email][3] < 3}
    for email, (name, team, title, level) in DEMO_PEOPLE.items():
        if level == 3 and email not in placed and email in demo_names:
            manager = next(m for d, t, _ti, m in managers if d == name and t == team)
            person(name, team, title, manager, **demo(email))
    index = 0
    while len(rows) < total:
        name, team, title, manager = managers[index % len(managers)]
        person(name, team, title, manager)
        index += 1
    return rows


def _fixed_zip_dates(content: bytes) -> bytes:
    """The same XLSX with every zip entry dated 2026-01-01, so the bytes only change when
    the data does (openpyxl stamps entries with the current time)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data
                )
            target.writestr(entry, data)
    return output.getvalue()


def write_xlsx(rows: list[list], path: Path | None = None) -> bytes:
    """The rows as an XLSX file (written to ``path`` when given); deterministic bytes."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "People"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    for cell in sheet["K"][1:]:
        cell.number_format = "yyyy-mm-dd"
    fixed = datetime.datetime(2026, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    content = _fixed_zip_dates(buffer.getvalue())
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return content
