"""Stamp short texts (student names, packet page numbers) onto already-rendered pages,
and lay out the blank page that pads a part for double-sided copying.

Rendering a packet again for each of 30 students would take 30 times as long, so
`stamp` lays out only the short texts with WeasyPrint, every distinct text once in one
document, and draws each onto the rendered pages as a form XObject. Stamps sit in the
page margins, never within 0.25 in of the paper edge, and are marked as artifacts so a
tagged (PDF/UA) page stays tagged. A large-print packet (SPEC §4: no text under 16 pt)
gets its packet page numbers and blank pages in 16 pt type, the numbers on the line
above "Page X of Y", in a column styles/large-print.css keeps free for them.

Laid-out stamps can be kept from one build to the next (`remembering`, `remembered`).
This module also opens, size-checks and saves PDFs with pikepdf for itself and for
pdfjoin.py, which joins parts and numbers their pages through `stamp_footers`. Output
bytes depend only on input (the file /ID is a hash of the content). WeasyPrint (0.8 s
to import) is imported only when something has to be laid out.
"""

from __future__ import annotations

import io
import itertools
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Array, Dictionary, Pdf, Rectangle, Stream

from .paper import paper_size

if TYPE_CHECKING:
    from pikepdf import Page
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

INCH = 72.0
BLANK_TEXT = "This page is intentionally left blank."
WHERE = ("top-left", "top-right", "bottom-center")
SIZE_TOLERANCE = 1.0  # pt; a page this close to the paper size counts as that paper
FOOTER_LINE = 0.375 * INCH  # the middle of the lesson footer, above the bottom edge
MAX_CHARS = 60  # a stamp is one short line; what does not fit its box ends in an ellipsis
_SIDE = 0.75 * INCH  # the lesson's left and right page margins (styles/lesson.css)
# Large print's footer, as styles/large-print.css lays it out: "Page X of Y" in a right
# column this wide, its line box (16 pt type, line-height 1.05) ending this far above the
# bottom edge; the packet page is stamped on the line above it, in the same column.
LARGE_FOOTER_COLUMN = 1.9 * INCH  # fits "Page 888 of 888" and "packet p. 888" at 16 pt
LARGE_FOOTER_BOTTOM = 0.28 * INCH
_IDENTIFIER = b"lessonpack-stamp"
_STAMP = "/LessonpackStamp"  # the stamp's name among a page's XObject resources


@dataclass(frozen=True)
class _Type:
    """The type of stamps and of the blank page's line: the one home of their sizes."""

    size: float  # pt
    line: float  # pt, the height of the one-line box

    @property
    def font(self) -> str:
        return f'{self.size:g}pt/{self.line:g}pt "DejaVu Sans", sans-serif'


_REGULAR = _Type(9.0, 12.0)  # small beside the lesson's 8.5 pt footers
_LARGE = _Type(16.0, 16.8)  # large print: nothing below 16 pt (SPEC §4), as its footers


@dataclass(frozen=True)
class _Box:
    """Where a stamp's one-line box sits on the page, in pt from the top-left corner."""

    top: float
    left: float
    width: float
    align: str
    type: _Type = _REGULAR


# ---- public API ------------------------------------------------------------------------


@cache
def blank_page(paper: str, large_print: bool = False) -> bytes:
    """A one-page PDF for duplex padding, on `paper`, reading 'This page is
    intentionally left blank.' in small type (16 pt in large print) at the middle of the
    page (so nobody thinks a page is missing)."""
    size = paper_size(paper)
    width, height = size.width, size.height
    kind = _LARGE if large_print else _REGULAR
    box = _Box((height - kind.line) / 2, INCH, width - 2 * INCH, "center", kind)
    return _render((BLANK_TEXT,), paper, box, b"lessonpack-blank")


def stamp(
    pdf: bytes,
    texts: list[str | None],
    *,
    paper: str,
    where: str = "top-left",
    large_print: bool = False,
) -> bytes:
    """Overlay one short line of text per page (None = leave that page alone).

    `where`: 'top-left' (the line's top 0.45 in from the top edge, 0.75 in from the left,
    under the lesson's own header line), 'top-right', or 'bottom-center' (on the baseline
    of the lesson's own footers, 0.30 to 0.47 in above the bottom edge). Texts are plain
    text, never HTML; whitespace runs become one space, and a text too long for its box
    (3.25 in wide at the top, 1.4 in at the bottom) ends in an ellipsis. Raises ValueError
    when len(texts) differs from the page count or a stamped page is not `paper` sized.
    Everything else (bookmarks, links, tags, metadata, the first half of /ID) is kept.
    `large_print` sets a top stamp in 16 pt, in a box 5 in wide (answer sheets' names)."""
    box = _box(where, paper, large_print)  # refuse a bad position or paper before any work
    document = open_pdf(pdf)
    if len(texts) != len(document.pages):
        raise ValueError(f"{len(texts)} stamp texts for a PDF of {len(document.pages)} pages")
    overlay = _stamp_pages(document, _clean_all(texts), paper, box)
    return save_pdf(document, [document, overlay])


def stamp_footers(pdf: Pdf, texts: list[str | None], paper: str, large_print: bool) -> Pdf | None:
    """Draw texts[i] at the bottom centre of page i of `pdf` (None = none), as `stamp`
    does with where='bottom-center'; in large print at 16 pt, right-aligned on the line
    above "Page X of Y". Returns the rendered stamps, which must stay open until `pdf`
    is saved (None when nothing was stamped)."""
    box = _box("bottom-center", paper, large_print)
    return _stamp_pages(pdf, _clean_all(texts), paper, box)


@contextmanager
def remembering(store) -> Iterator[None]:
    """Within this block, laid-out texts are looked up in (and added to) `store`, an
    object with get(parts) -> bytes | None and put(parts, bytes) that keys the plain
    `parts` it is given: the build cache keeps a packet's page numbers from one build to
    the next (output/fingerprints.WithFonts)."""
    token = _STORE.set(store)
    try:
        yield
    finally:
        _STORE.reset(token)


def remembered(parts: tuple, make: Callable[[], bytes]) -> bytes:
    """make(), or what it returned before for the same `parts`, from the store in effect."""
    store = _STORE.get()
    if store is None:
        return make()
    data = store.get(parts)
    if data is None:
        data = make()
        store.put(parts, data)
    return data


_STORE: ContextVar = ContextVar("lessonpack_merge_store", default=None)


# ---- drawing ---------------------------------------------------------------------------


def _stamp_pages(pdf: Pdf, texts: list[str], paper: str, box: _Box) -> Pdf | None:
    """Draw texts[i] over page i ('' = none) in `box`; every distinct text is rendered
    once, as one form XObject that all pages with that text share. Returns the rendered
    stamps, which must stay open until `pdf` is saved (None when nothing was stamped)."""
    stamped = {i: text for i, text in enumerate(texts) if text}
    if not stamped:
        return None
    pages = pdf.pages
    check_sizes(((i, pages[i]) for i in stamped), paper, "the PDF")
    distinct = tuple(dict.fromkeys(stamped.values()))
    overlay = open_pdf(_render(distinct, paper, box, _IDENTIFIER))
    forms = {
        text: pdf.copy_foreign(page.as_form_xobject())
        for text, page in zip(distinct, overlay.pages, strict=True)
    }
    drawn: set[tuple[int, int]] = set()  # content streams of the pages stamped so far
    for i, text in stamped.items():
        _draw(pdf, pages[i], forms[text], drawn)
    return overlay


def _draw(pdf: Pdf, page: Page, form: Stream, drawn: set[tuple[int, int]]) -> None:
    """Draw `form` over the page (at its lower-left corner) as an artifact, so the page's
    tags stay complete. The page gets /Resources of its own (WeasyPrint shares them), and
    a copy of a content stream that a page stamped before has (padding pages share one)."""
    resources = Dictionary(page.obj.get("/Resources", Dictionary()))
    xobjects = Dictionary(resources.get("/XObject", Dictionary()))
    name = next(f"{_STAMP}{n}" for n in itertools.count(1) if f"{_STAMP}{n}" not in xobjects)
    xobjects[name] = form
    resources.XObject = xobjects
    page.obj.Resources = resources
    contents = page.obj.get("/Contents", Array())
    streams = list(contents) if isinstance(contents, Array) else [contents]
    streams = [Stream(pdf, s.read_bytes()) if s.objgen in drawn else s for s in streams]
    drawn.update(s.objgen for s in streams)
    box = Rectangle(page.mediabox)
    draw = f"Q\n/Artifact BMC\nq 1 0 0 1 {box.llx:.4f} {box.lly:.4f} cm {name} Do Q\nEMC\n"
    page.obj.Contents = Array([Stream(pdf, b"q\n"), *streams, Stream(pdf, draw.encode())])


def _box(where: str, paper: str, large_print: bool = False) -> _Box:
    size = paper_size(paper)
    width, height = size.width, size.height
    if where in ("top-left", "top-right"):
        kind, wide = (_LARGE, 5.0 * INCH) if large_print else (_REGULAR, 3.25 * INCH)
        left = _SIDE if where == "top-left" else width - _SIDE - wide
        return _Box(0.45 * INCH, left, wide, where.removeprefix("top-"), kind)
    if where == "bottom-center" and large_print:
        # 16 pt does not fit between the title and "Page X of Y": large-print.css keeps
        # the title out of a right column, and the stamp goes there, above "Page X of Y".
        top = height - LARGE_FOOTER_BOTTOM - 2 * _LARGE.line
        column = LARGE_FOOTER_COLUMN
        return _Box(top, width - _SIDE - column, column, "right", _LARGE)
    if where == "bottom-center":
        # On the line of the lesson's own footers (8.5 pt, centred 0.375 in above the
        # bottom edge), and short, so it stays between the title and "Page X of Y".
        short = 1.4 * INCH
        top = height - FOOTER_LINE - _REGULAR.line / 2
        return _Box(top, (width - short) / 2, short, "center")
    raise ValueError(f"unknown stamp position {where!r}; use one of {', '.join(WHERE)}")


# ---- laying out ------------------------------------------------------------------------


def _render(texts: tuple[str, ...], paper: str, box: _Box, identifier: bytes) -> bytes:
    """One page per text, each text in `box`, as a PDF laid out by WeasyPrint (about 5 ms
    a page: most of the time `combine` takes to number a packet)."""
    return remembered(
        ("stamps", texts, paper, box, identifier.hex()),
        lambda: _layout(texts, paper, box, identifier),
    )


@lru_cache(maxsize=8)  # a bundle joined again in this process (same page count)
def _layout(texts: tuple[str, ...], paper: str, box: _Box, identifier: bytes) -> bytes:
    from weasyprint import HTML

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # fontTools stamps times otherwise
    pages = "".join(f'<div class="page"><div class="stamp">{escape(t)}</div></div>' for t in texts)
    document = f'<!DOCTYPE html><html lang="und"><meta charset="utf-8"><body>{pages}</body>'
    return HTML(string=document).write_pdf(
        stylesheets=[_stylesheet(paper, box)],
        font_config=_font_config(),
        pdf_identifier=identifier,
    )


@cache
def _stylesheet(paper: str, box: _Box) -> CSS:
    from weasyprint import CSS

    css = f"""
        @page {{ size: {paper_size(paper).css}; margin: 0 }}
        html, body {{ margin: 0; padding: 0 }}
        .page {{ position: relative; height: 1pt }}
        .page + .page {{ break-before: page }}
        .stamp {{
            position: absolute; top: {box.top:.3f}pt; left: {box.left:.3f}pt;
            width: {box.width:.3f}pt; height: {box.type.line}pt; font: {box.type.font}; color: #000;
            text-align: {box.align}; white-space: nowrap; overflow: hidden;
            text-overflow: ellipsis;
        }}
    """
    return CSS(string=css, font_config=_font_config())


@cache
def _font_config() -> FontConfiguration:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _clean_all(texts: Iterable[str | None]) -> list[str]:
    return [_clean(text) for text in texts]


def _clean(text: str | None) -> str:
    """One line of plain text: control characters dropped, whitespace runs -> one space,
    at most MAX_CHARS characters (WeasyPrint's ellipsis maps the whole hidden rest of a
    line to one glyph, and a long rest breaks the font's ToUnicode map in some readers)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise TypeError(f"stamp texts must be str or None, not {type(text).__name__}")
    kept = "".join(
        ch
        for ch in unicodedata.normalize("NFC", text)
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    line = " ".join(kept.split())
    return line if len(line) <= MAX_CHARS else line[: MAX_CHARS - 1].rstrip() + "\u2026"


# ---- reading and writing PDFs (pikepdf), for stamping and for pdfjoin.py ---------------


def check_sizes(pages: Iterable[tuple[int, Page]], paper: str, what: str) -> None:
    """Raise ValueError for a page (index, page) that is not `paper` sized."""
    size = paper_size(paper)
    width, height = size.width, size.height
    for index, page in pages:
        box = Rectangle(page.mediabox)
        if abs(box.width - width) > SIZE_TOLERANCE or abs(box.height - height) > SIZE_TOLERANCE:
            raise ValueError(
                f"page {index + 1} of {what} is {box.width:g} x {box.height:g} pt, "
                f"not {paper} ({width:g} x {height:g} pt)"
            )


def open_pdf(pdf: bytes) -> Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def save_pdf(pdf: Pdf, used: list[Pdf | None]) -> bytes:
    """The PDF's bytes, at the highest version among `used` (where its objects came from),
    with a content-derived /ID (an existing /ID keeps its first half, as the standard asks)."""
    buffer = io.BytesIO()
    pdf.save(
        buffer,
        min_version=max(doc.pdf_version for doc in used if doc is not None),
        fix_metadata_version=False,  # keep the parts' XMP as it is (no rewrite)
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
    )
    return buffer.getvalue()
