"""The clinic report as PDF (fpdf2), offline: the DejaVu fonts matplotlib ships, no web fonts, no browser.

Every text of any length goes through ``multi_cell`` (which wraps): ``cell`` is kept for labels measured to fit,
since fpdf2 draws a ``cell``'s text past its edge, off the page, rather than wrap it."""

from __future__ import annotations

import logging

from pathlib import Path

STATE_FILL = {"pass": (214, 240, 218), "borderline": (252, 236, 200), "fail": (248, 215, 215),
              "n/a": (235, 235, 235)}
ALERT_FILL = {"danger": (248, 215, 215), "warn": (252, 236, 200), "info": (222, 234, 248)}
BODY, SMALL = 8.5, 7.5
GAP = 3  # mm between images in a row


def _fonts(pdf) -> str:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf.add_font("DejaVu", "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(folder / "DejaVuSans-Oblique.ttf"))
    return "DejaVu"


def write_pdf(blocks: list[tuple], path: Path) -> Path:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    logging.getLogger("fpdf").setLevel(logging.ERROR)  # missing glyphs of a clip's name: not the user's problem
    pdf = FPDF(format="A4")
    pdf.set_margins(12, 10, 12)
    pdf.set_auto_page_break(True, margin=12)
    family = _fonts(pdf)
    pdf.set_title("Movement screen report")
    pdf.set_creator("movement-screen")
    pdf.add_page()
    width = pdf.epw

    def text(size=BODY, style=""):
        pdf.set_font(family, style, size)

    for block in blocks:
        kind = block[0]
        if kind == "title":
            text(13, "B")
            pdf.multi_cell(width, 6.5, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "meta":
            pdf.set_font(family, "B", SMALL)
            labels = max(24.0, max(pdf.get_string_width(label) for label, _ in block[1]) + 2)  # the longest fits
            for label, value in block[1]:
                pdf.set_font(family, "B", SMALL)
                pdf.cell(labels, 3.8, label)
                pdf.set_font(family, "", SMALL)
                pdf.multi_cell(width - labels, 3.8, str(value), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "alert":
            text(BODY, "B")
            pdf.set_fill_color(*ALERT_FILL[block[1]])
            pdf.multi_cell(width, 4.5, block[2], fill=True, padding=1.5, new_x="LMARGIN", new_y="NEXT")
            pdf.set_fill_color(255, 255, 255)
            pdf.ln(1.5)
        elif kind == "heading":
            if pdf.get_y() > pdf.h - 35:
                pdf.add_page()
            text(10.5, "B")
            pdf.ln(1)
            pdf.multi_cell(width, 5.5, block[1], new_x="LMARGIN", new_y="NEXT")  # a long heading wraps
        elif kind == "text":
            text(SMALL)
            pdf.multi_cell(width, 3.6, block[1], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "bullets":
            text(SMALL)
            for item in block[1]:
                pdf.multi_cell(width, 3.6, "\u2022 " + item, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "table":
            _, headers, rows, widths, state_col = block
            text(SMALL)
            with pdf.table(col_widths=widths, text_align="LEFT", line_height=3.6, padding=0.8,
                           headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225))) as table:
                head = table.row()
                for h in headers:
                    head.cell(h)
                for cells in rows:
                    row = table.row()
                    for i, cell in enumerate(cells):
                        fill = STATE_FILL.get(cell) if i == state_col else None
                        row.cell(str(cell), style=FontFace(fill_color=fill) if fill else None)
            pdf.ln(1.5)
        elif kind == "images":
            _images(pdf, block[1], width, family)
        elif kind == "exercise":
            _exercise(pdf, block[1], width, family)
    pdf.output(str(path))
    return path


def _images(pdf, images, width, family):
    from PIL import Image

    sizes = []
    for image_path, _ in images:
        with Image.open(image_path) as im:
            sizes.append(im.size)
    split = len(images) > 1 and sizes[-1][0] / sizes[-1][1] > 1.5  # the last one (the plot) is wide
    if split and _row_height(sizes, width) < 45:
        _place_row(pdf, images[:-1], sizes[:-1], width, family)  # the wide plot gets its own row
        _place_row(pdf, images[-1:], sizes[-1:], width, family)
    else:
        _place_row(pdf, images, sizes, width, family)


def _row_height(sizes, width) -> float:
    """Images in a row share one height that fills the page width, at most 70 mm."""
    return min(70.0, (width - GAP * (len(sizes) - 1)) / sum(w / h for w, h in sizes))


def _place_row(pdf, images, sizes, width, family):
    height = _row_height(sizes, width)
    if pdf.get_y() + height + 8 > pdf.h - 12:
        pdf.add_page()
    top = pdf.get_y()
    x = pdf.l_margin
    pdf.set_font(family, "I", 6.5)
    for (image_path, caption), (w, h) in zip(images, sizes):
        shown_w = height * w / h
        pdf.image(str(image_path), x=x, y=top, h=height)
        pdf.set_xy(x, top + height + 0.5)
        pdf.multi_cell(shown_w, 3, caption)
        x += shown_w + GAP
    pdf.set_xy(pdf.l_margin, top + height + 7)


def _exercise(pdf, ex, width, family):
    if pdf.get_y() > pdf.h - 30:
        pdf.add_page()
    pdf.set_font(family, "B", BODY)
    label = "Core" if ex["category"] == "core" else "Corrective"
    pdf.multi_cell(width, 4.2, f"{ex['name']}  ({label}; {ex['dose_text']})", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "I", SMALL)
    pdf.multi_cell(width, 3.5, f"Why: {ex['why']}. Evidence {ex['evidence']}.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", SMALL)
    steps = " ".join(f"{i}. {s}" for i, s in enumerate(ex["steps"], 1))
    pdf.multi_cell(width, 3.5, steps, new_x="LMARGIN", new_y="NEXT")
    extra = f"Easier: {ex['easier']}  Harder: {ex['harder']}"
    if ex["cautions"]:
        extra += "  Caution: " + " ".join(ex["cautions"])
    pdf.multi_cell(width, 3.5, extra, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
