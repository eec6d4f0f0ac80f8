"""Print a SheetSet: every sheet's pages as one tagged PDF (SPEC §7).

The page is drawn from layout.py's coordinates with absolutely placed boxes, so what
prints is where the grader looks. The QR code (segno) is an SVG picture with its text
as the alternative, so a screen reader says what it holds; it never holds an answer.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from ..errors import LessonError, Problem
from .layout import MARGIN, QR_SIZE, SQUARE, SheetPage
from .plan import Sheet, SheetSet

TEMPLATE = "answers.html"
STYLESHEET = "answers.css"


@dataclass(frozen=True)
class PageView:
    """One printed page of one sheet: its geometry and what identifies it."""

    layout: SheetPage
    code: str  # the QR code's text
    qr_src: str  # the QR code as a data: URL
    sheet: Sheet
    version: str  # the letter printed
    page: int
    pages: int
    blank: bool = False  # a duplex back left empty so the next sheet starts on a front


@dataclass
class Printed:
    data: bytes
    pages: int
    sheets: int


def print_sheets(sheet_set: SheetSet) -> Printed:
    """The answers PDF: each sheet's pages in order (roster order, or copy number)."""
    from ..render.pdf import PdfJob, render_pdf
    from ..render.theme import stylesheet_path

    fingerprints = {v: sheet_set.fingerprint(v) for v in sheet_set.versions}
    views: list[PageView] = []
    sheets = sheet_set.sheets()
    for sheet in sheets:
        layout = sheet_set.layout(sheet.version)
        count = len(layout.pages)
        for number, page in enumerate(layout.pages, start=1):
            code = sheet_set.code(sheet, number, count, fingerprints[sheet.version])
            views.append(
                PageView(
                    page, code, _qr(code), sheet, sheet_set.letter(sheet.version), number, count
                )
            )
        if sheet_set.duplex and count % 2:
            views.append(PageView(page, "", "", sheet, "", count + 1, count, blank=True))
    html = _html(sheet_set, views)
    roots = (sheet_set.root, *_builtin_roots())
    job = PdfJob(
        html=html,
        base_dir=sheet_set.root,
        stylesheets=(stylesheet_path(sheet_set.root, STYLESHEET),),
        paper=sheet_set.paper,
        allowed_roots=roots,
        lesson_file=sheet_set.bundle.path if sheet_set.bundle else sheet_set.entries[0].yaml_path,
        identifier=f"answers:{sheet_set.name}:{sheet_set.paper}:{sheet_set.large_print}",
    )
    rendered = render_pdf(job)
    return Printed(rendered.data, rendered.pages, len(sheets))


def _builtin_roots() -> list[Path]:
    from ..project.files import builtin_roots

    return builtin_roots()


def _qr(text: str) -> str:
    """The QR code as an SVG data URL: error level M (a smudge or a fold still reads), a
    two-module quiet zone, no size of its own (the stylesheet gives it QR_SIZE)."""
    import segno

    svg = segno.make_qr(text, error="m", boost_error=False).svg_inline(
        border=2, omitsize=True, dark="#000", light="#fff"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _html(sheet_set: SheetSet, views: list[PageView]) -> str:
    import jinja2

    from ..render.theme import environment

    env = environment(sheet_set.root)
    try:
        return env.get_template(TEMPLATE).render(
            set=sheet_set,
            pages=views,
            numbered=not sheet_set.students,
            versions=len(sheet_set.versions) > 1,
            margin=MARGIN,
            square=SQUARE,
            qr_size=QR_SIZE,
        )
    except jinja2.TemplateError as exc:
        where = sheet_set.root / "templates" / TEMPLATE
        raise LessonError([Problem(where, f"template error: {exc}")]) from exc
