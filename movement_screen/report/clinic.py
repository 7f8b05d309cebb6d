"""``movement-screen report``: the clinic report (PDF and its HTML twin) from a result file or folder."""

from __future__ import annotations

import json
from pathlib import Path

from movement_screen.errors import InputError
from movement_screen.report.document import build
from movement_screen.report.files import atomic_path
from movement_screen.report.html import write_html
from movement_screen.report.keyframes import write_keyframes
from movement_screen.report.pdf import write_pdf


def read_result(path: str | Path) -> tuple[dict, Path]:
    """A result.json (or the analysis folder holding one) and its folder."""
    path = Path(path)
    if path.is_dir():
        path = path / "result.json"
    if not path.is_file():
        raise InputError(f"{path} not found: give a result.json written by movement-screen analyze")
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not a movement-screen result ({exc})") from None
    if not isinstance(result, dict) or "criteria" not in result or "screen" not in result:
        raise InputError(f"{path} is not a movement-screen result (no screen or criteria)")
    return result, path.parent


def write_report(result: dict, out_dir: Path, pdf_path: Path | None = None, patient: dict | None = None,
                 trend: list[dict] | None = None, privacy: str = "none", videos: list[str] | None = None
                 ) -> list[Path]:
    """Write report.pdf, report.html and keyframes/*.jpg (drawn from the folder's landmarks and the source
    video); returns every path written, the PDF first and the HTML second."""
    pdf_path = Path(pdf_path) if pdf_path else out_dir / "report.pdf"
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    images = write_keyframes(result, out_dir, privacy=privacy, videos=videos)
    blocks = build(result, out_dir, patient=patient, images=images, trend=trend)
    html_path = pdf_path.with_suffix(".html")
    return [_atomic(write_pdf, blocks, pdf_path), _atomic(write_html, blocks, html_path), *(p for p, _ in images)]


def _atomic(writer, blocks, path: Path) -> Path:
    with atomic_path(path) as temp:
        writer(blocks, temp)
    return path
