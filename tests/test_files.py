"""The shared checks for uploaded images and for spreadsheet cells."""

import io

from PIL import Image

from portal.files import image_format, neutralise_formula


def png_bytes() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(buffer, format="PNG")
    buffer.seek(2)  # wherever the caller left it
    return buffer


def test_an_image_is_recognised_by_its_content_and_the_position_is_kept():
    upload = png_bytes()
    assert image_format(upload) == "PNG"
    assert upload.tell() == 2


def test_svg_html_and_empty_files_are_not_images():
    for content in (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', b"<html></html>", b""):
        assert image_format(io.BytesIO(content)) is None


def test_cells_that_would_run_as_formulas_are_quoted():
    for value in ("=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise_formula(value) == "'" + value
    assert neutralise_formula("Paris") == "Paris"
    assert neutralise_formula(42) == 42
