"""What a PDF shows, read back with pypdf: its text, and the text runs that reach past the right margin (drawn off
the page or over it: cut off for the reader). Widths are measured with the same DejaVu fonts the writer uses."""

from __future__ import annotations

import io

MARGIN_MM = 12.0  # report/pdf.py's side margins
MM = 72 / 25.4


def runs(data: bytes) -> list[tuple[str, float, float, str]]:
    """Every text run as (text, x in pt, font size, font name), page by page."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(io.BytesIO(data)).pages:
        def visit(text, cm, tm, font, size):
            if text.strip() and font is not None:
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 or 1.0
                out.append((text, cm[4] + tm[4] * cm[0], size * scale * cm[0], str(font.get("/BaseFont", ""))))
        page.extract_text(visitor_text=visit)
    return out


def text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def past_the_margin(data: bytes) -> list[str]:
    """The runs whose right end is beyond the page's right margin (1 pt of slack)."""
    import matplotlib
    from pathlib import Path

    from fpdf import FPDF
    from pypdf import PdfReader

    width = float(PdfReader(io.BytesIO(data)).pages[0].mediabox.width)
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf = FPDF(unit="pt")
    pdf.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(folder / "DejaVuSans-Oblique.ttf"))
    bad = []
    for run, x, size, font in runs(data):
        style = "B" if "Bold" in font else ("I" if "Oblique" in font else "")
        pdf.set_font("DejaVu", style, size)
        words = " ".join(run.split())  # a justified line's wider spaces read as several: count one
        if x + pdf.get_string_width(words) > width - MARGIN_MM * MM + 1.0:
            bad.append(run)
    return bad
