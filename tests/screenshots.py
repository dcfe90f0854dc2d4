"""The screenshots of the documentation (docs/gallery/ and docs/screenshot.png).

Run against a portal with the demo data (``make run`` in another terminal)::

    python -m tests.screenshots [--base-url http://127.0.0.1:8000] [--out docs]

It logs in as a demo employee (Emma Leroy) and saves the home page at 1280x800 in the light and the
dark scheme, and on a phone (390x844). Debian's Chromium draws them (/usr/bin/chromium,
or PORTAL_CHROMIUM); the PNGs are then made smaller with Pillow (a palette of 256
colours), so that each stays well under 400 kB in the repository."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from tests.e2e.conftest import CHROMIUM_ARGS

DEMO_EMAIL = "sales@example.com"  # Emma Leroy, who reads the portal in English
DEMO_PASSWORD = "portal-demo"  # noqa: S105 - the demo's published password
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

#: (file under the output folder, viewport, colour scheme, path)
SHOTS = [
    ("gallery/desktop-light.png", DESKTOP, "light", "/"),
    ("gallery/desktop-dark.png", DESKTOP, "dark", "/"),
    ("gallery/phone.png", PHONE, "light", "/"),
    ("screenshot.png", DESKTOP, "light", "/"),
]


def _log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(base_url + "/account/login/")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/account/login/" not in url)


def _optimise(path: Path) -> None:
    """A 256-colour palette: a screenshot of flat UI loses nothing visible."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with Wagtail
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def take(base_url: str, out: Path, email: str, password: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=CHROMIUM_ARGS
        )
        for name, viewport, scheme, path in SHOTS:
            context = browser.new_context(
                viewport=viewport,
                locale="en-GB",
                color_scheme=scheme,
                device_scale_factor=1,
                is_mobile=viewport is PHONE,
                has_touch=viewport is PHONE,
                reduced_motion="reduce",  # no half-finished transition in the picture
            )
            page = context.new_page()
            _log_in(page, base_url, email, password)
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target))
            context.close()
            _optimise(target)
            saved.append(target)
        browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="docs", type=Path)
    parser.add_argument("--email", default=DEMO_EMAIL)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    args = parser.parse_args(argv)
    for path in take(args.base_url.rstrip("/"), args.out, args.email, args.password):
        print(f"{path} ({path.stat().st_size // 1024} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
