"""``python manage.py make_app_icons``: draw the icons of the installable app (the web app
manifest's, and the one iOS puts on the home screen) from the theme's logo, in the logo's
colours, into the theme's static folder. Run once when the logo changes; the PNG files
are committed (``make run`` draws nothing).

The drawing follows ``portal/img/logo.svg`` (a 32-unit square: two heads, two shoulders).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

WHITE = "#ffffff"
BLUE = "#1d4ed8"  # the left head (--color-brand)
AMBER = "#b45309"  # the right head (--color-accent)
NAVY = "#1e3a8a"  # the shoulders (--color-brand-dark)
SUPERSAMPLE = 4

#: file name, size in pixels, share of the square the logo's drawing takes, rounded corners
ICONS = [
    ("icon-192.png", 192, 1.0, True),
    ("icon-512.png", 512, 1.0, True),
    # Maskable: the platform crops to any shape inside the central 80% circle, so the
    # background fills the square and the drawing keeps to the safe zone.
    ("icon-maskable-512.png", 512, 0.62, False),
    # iOS rounds the corners itself and shows transparency as black.
    ("apple-touch-icon.png", 180, 0.86, False),
]


def draw_icon(size: int, scale: float, rounded: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=WHITE)
    else:
        draw.rectangle((0, 0, big, big), fill=WHITE)
    unit = big * scale / 32
    offset = (big - 32 * unit) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return offset + x * unit, offset + y * unit

    for cx, colour in ((11, BLUE), (21, AMBER)):
        left, top = at(cx - 4, 8)
        right, bottom = at(cx + 4, 16)
        draw.ellipse((left, top, right, bottom), fill=colour)
    # The shoulders: the upper half of an ellipse from (x, 25) to (x + 12, 25), 6.5 high,
    # stroked 2.5 wide on the line (Pillow strokes inwards from the box: widen it by half).
    width = max(1, round(2.5 * unit))
    half = width / 2
    for x in (5, 15):
        left, top = at(x, 18.5)
        right, bottom = at(x + 12, 31.5)
        box = (left - half, top - half, right + half, bottom + half)
        draw.arc(box, start=180, end=360, fill=NAVY, width=width)
        for end_x in (x, x + 12):  # round line caps
            cx, cy = at(end_x, 25)
            draw.ellipse((cx - half, cy - half, cx + half, cy + half), fill=NAVY)
    return image.resize((size, size), Image.Resampling.LANCZOS)


class Command(BaseCommand):
    help = "Draw the app icons (manifest, apple-touch-icon) into the theme's static folder."

    def add_arguments(self, parser):
        default = Path(settings.STATICFILES_DIRS[0]) / "portal" / "img"
        parser.add_argument("--output", type=Path, default=default, help=f"default: {default}")

    def handle(self, *args, output: Path, **options):
        output.mkdir(parents=True, exist_ok=True)
        for name, size, scale, rounded in ICONS:
            image = draw_icon(size, scale, rounded)
            if not rounded:
                image = image.convert("RGB")
            image.save(output / name, optimize=True)
            self.stdout.write(f"{output / name} ({size}x{size})")
