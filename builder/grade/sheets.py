"""Print a SheetSet: every sheet's pages as one tagged PDF (SPEC §7).

The page is drawn from layout.py's coordinates with absolutely placed boxes, so what
prints is where the grader looks. Every sheet of a version has the same page but for
who it is for and its QR code, so each version's pages are laid out once by WeasyPrint,
copied for every sheet (pdfjoin, which keeps the tags and pads for duplex), and the
name (render/stamps.py) and the code (codes.py) drawn on each copy: 30 sheets cost one
layout, not thirty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import LessonError, Problem
from .layout import MARGIN, QR_SIZE, SQUARE, SheetPage
from .plan import Sheet, SheetSet

TEMPLATE = "answers.html"
STYLESHEET = "answers.css"


@dataclass(frozen=True)
class PageView:
    """One page of a version's sheet, as every copy of it prints (the name and the QR
    code are drawn on each copy afterwards)."""

    layout: SheetPage
    version: str  # the letter printed
    page: int
    pages: int


@dataclass
class Printed:
    data: bytes
    pages: int
    sheets: int


def print_sheets(sheet_set: SheetSet) -> Printed:
    """The answers PDF: each sheet's pages in order (roster order, or copy number)."""
    from ..render.pdfjoin import Part, combine, padded_page_counts
    from ..render.stamps import stamp
    from .codes import draw_codes

    sheets = sheet_set.sheets()
    versions = list(dict.fromkeys(sheet.version for sheet in sheets))
    pages = {v: _version_pdf(sheet_set, v) for v in versions}
    counts = {v: len(sheet_set.layout(v).pages) for v in versions}
    parts = [Part(pages[sheet.version], _who(sheet), keep_outline=False) for sheet in sheets]
    combined = combine(
        parts,
        paper=sheet_set.paper,
        duplex=sheet_set.duplex,
        title=f"{sheet_set.title} — Answer sheets",
        language=sheet_set.language,
        large_print=sheet_set.large_print,
    )
    fingerprints = {v: sheet_set.fingerprint(v) for v in versions}
    names: list[str | None] = []
    codes: list[str | None] = []
    padded = padded_page_counts([counts[s.version] for s in sheets], sheet_set.duplex)
    for sheet, room in zip(sheets, padded, strict=True):
        count = counts[sheet.version]
        for number in range(1, count + 1):
            names.append(_who(sheet))
            codes.append(sheet_set.code(sheet, number, count, fingerprints[sheet.version]))
        names += [None] * (room - count)
        codes += [None] * (room - count)
    named = stamp(
        combined,
        names,
        paper=sheet_set.paper,
        where="top-left",
        large_print=sheet_set.large_print,
    )
    box = sheet_set.layout(versions[0]).pages[0].qr_box
    return Printed(draw_codes(named, codes, box), len(codes), len(sheets))


def _who(sheet: Sheet) -> str:
    """The line that says whose sheet it is: "Cleo Marsh · Period 4", or "Sheet 7"."""
    if sheet.name:
        return " · ".join(part for part in (sheet.name, sheet.section) if part)
    return f"Sheet {sheet.number}"


def _version_pdf(sheet_set: SheetSet, version: str) -> bytes:
    """Every page of one version's sheet, laid out once."""
    from ..render.pdf import PdfJob, render_pdf
    from ..render.theme import stylesheet_path

    layout = sheet_set.layout(version)
    count = len(layout.pages)
    letter = sheet_set.letter(version)
    views = [PageView(page, letter, n, count) for n, page in enumerate(layout.pages, start=1)]
    job = PdfJob(
        html=_html(sheet_set, views),
        base_dir=sheet_set.root,
        stylesheets=(stylesheet_path(sheet_set.root, STYLESHEET),),
        paper=sheet_set.paper,
        allowed_roots=(sheet_set.root, *_builtin_roots()),
        lesson_file=sheet_set.bundle.path if sheet_set.bundle else sheet_set.entries[0].yaml_path,
        identifier=f"answers:{sheet_set.name}:{version}:{sheet_set.paper}:{sheet_set.large_print}",
    )
    return render_pdf(job).data


def _builtin_roots() -> list[Path]:
    from ..project.files import builtin_roots

    return builtin_roots()


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
