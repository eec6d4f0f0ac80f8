"""`<name>-review.pdf`: every graded page straightened, each read mark ringed (correct,
wrong, unclear: three rings that differ in shape and gray), its score on top, so a
teacher checks the machine's reading before the grades go home (SPEC §7).

Made through WeasyPrint like every other PDF, so it is tagged and titled, with the
score as text a screen reader reads.
"""

from __future__ import annotations

import base64
import io
from html import escape

from .layout import SheetPage
from .pages import REVIEW_DPI, PageRead
from .plan import SheetSet

LEGEND = (
    "Rings: solid black circle = right answer; gray square = wrong answer or "
    "two marks; dashed light circle = unclear (scored 0: check it)."
)


def review_pdf(
    name: str,
    pages: list[tuple[str, str, PageRead, SheetPage, list[tuple[int, str]]]],
    sheet_set: SheetSet,
) -> tuple[bytes, int]:
    """One review page per scanned page: (heading, scan and page, the read, its layout,
    the rings to draw)."""
    from ..render.paper import paper_size
    from ..render.pdf import PdfJob, render_pdf

    height = paper_size(sheet_set.paper).height / 72
    parts = []
    for heading, where, read, layout, rings in pages:
        src = _ringed(read, layout, rings)
        parts.append(
            f'<section><h1>{escape(heading)}</h1><p class="where">{escape(where)} · '
            f"{escape(LEGEND)}</p>"
            f'<img src="{src}" alt="The scanned page, straightened, with its marks ringed" '
            f'style="height: {height - 1.9:.2f}in"></section>'
        )
    html = (
        f'<!DOCTYPE html><html lang="{escape(sheet_set.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(sheet_set.title)} — grading review</title>"
        '<meta name="generator" content="lessonpack">'
        "<style>@page { margin: 0.5in; } body { font-family: 'DejaVu Sans', sans-serif; }"
        "section { break-after: page; text-align: center; } section:last-child "
        "{ break-after: auto; } h1 { font-size: 11pt; margin: 0 0 0.04in; } "
        ".where { font-size: 8pt; margin: 0 0 0.06in; color: #333; } "
        "img { display: block; margin: 0 auto; border: 0.5pt solid #999; }</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )
    job = PdfJob(
        html=html,
        base_dir=sheet_set.root,
        stylesheets=(),
        paper=sheet_set.paper,
        allowed_roots=(sheet_set.root,),
        lesson_file=sheet_set.root,
        identifier=f"review:{name}",
    )
    rendered = render_pdf(job)
    return rendered.data, rendered.pages


def _ringed(read: PageRead, layout: SheetPage, rings: list[tuple[int, str]]) -> str:
    from PIL import Image

    from . import read as reader

    image = Image.open(io.BytesIO(read.review)).convert("L")
    for bubble, style in rings:
        reader.ring(image, layout, REVIEW_DPI, bubble, style)
    buffer = io.BytesIO()
    # JPEG: WeasyPrint embeds it as it is, where a PNG would be decoded and compressed
    # again (a third of the time of grading 200 pages); the rings stay sharp at 85.
    image.save(buffer, format="JPEG", quality=85, optimize=False)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
