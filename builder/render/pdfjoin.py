"""Combine rendered PDFs into one print master, and stamp short texts onto rendered pages.

A bundle (a week's packet for one class) is a cover page plus several lessons, each
rendered by WeasyPrint as its own PDF so that "Page X of Y" restarts per lesson. The
copier needs one file: `combine` concatenates the parts with a bookmark per part (the
part's own bookmarks nested under it), keeps their links and named destinations, pads
odd parts with a blank page for double-sided copying, and can number the whole packet.

Rendering the packet again for each of 30 students would take 30 times as long, so
`stamp` lays out only the short texts (student names) with WeasyPrint, every distinct
text once in one document, and draws each onto the already-rendered pages as a form
XObject. Stamps sit in the page margins, never within 0.25 in of the paper edge, and are
marked as artifacts so a tagged (PDF/UA) page stays tagged. Output bytes depend only on
input (the file /ID is a hash of the content). A large-print packet (SPEC §4: no text
under 16 pt) gets its packet page numbers and blank pages in 16 pt type, the numbers on
the line above "Page X of Y", in a column styles/large-print.css keeps free for them.

PDFs are read and written with pikepdf (qpdf): pypdf, parsing WeasyPrint's object streams
in Python, took seconds to join a 30-lesson bundle. WeasyPrint (0.8 s to import) is
imported only when something has to be laid out.
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
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, Rectangle, Stream, String

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
_Names = dict[str, tuple[String, Array]]  # named destination: text -> (key as written, target)


@dataclass(frozen=True)
class Part:
    pdf: bytes  # a complete PDF (from WeasyPrint)
    title: str  # its top-level bookmark in the combined PDF
    keep_outline: bool = True  # nest the part's own bookmarks (from h1-h6) under `title`


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


def page_count(pdf: bytes) -> int:
    return len(_open(pdf).pages)  # qpdf reads the cross-reference table and the page tree


def padded_page_counts(counts: list[int], duplex: bool) -> list[int]:
    """The page count each part will occupy in the combined PDF (odd counts + 1 when duplex)."""
    return [count + (count % 2 if duplex else 0) for count in counts]


@cache
def blank_page(paper: str, large_print: bool = False) -> bytes:
    """A one-page PDF for duplex padding, on `paper`, reading 'This page is
    intentionally left blank.' in small type (16 pt in large print) at the middle of the
    page (so nobody thinks a page is missing)."""
    width, height = _paper_size(paper)
    kind = _LARGE if large_print else _REGULAR
    box = _Box((height - kind.line) / 2, INCH, width - 2 * INCH, "center", kind)
    return _render((BLANK_TEXT,), paper, box, b"lessonpack-blank")


def combine(
    parts: list[Part],
    *,
    paper: str,
    duplex: bool = False,
    footer: list[str | None] | None = None,
    title: str = "",
    language: str = "en",
    large_print: bool = False,
) -> bytes:
    """Concatenate the parts in order into one PDF with a bookmark per part (and the part's
    own bookmarks nested under it when keep_outline).

    duplex=True inserts blank_page(paper, large_print) after every part with an odd page
    count, so each part starts on a front side; blank pages get no bookmark. `footer`, if
    given, has one entry per page of the final document (see `padded_page_counts`): text
    stamped at the bottom centre of that page, or None; in large print (parts laid out
    with styles/large-print.css) at 16 pt, right-aligned on the line above "Page X of Y".
    Links and named destinations of the parts are kept (a name used by two parts is
    renamed in the later one, with its links)."""
    _paper_size(paper)
    if not parts:
        raise ValueError("combine needs at least one part")
    sources = [_open(part.pdf) for part in parts]  # open until saved: qpdf copies lazily
    counts = [len(source.pages) for source in sources]
    for part, source in zip(parts, sources, strict=True):
        if not source.pages:
            raise ValueError(f"part {part.title!r} has no pages")
        _check_sizes(enumerate(source.pages), paper, f"part {part.title!r}")
    padded = padded_page_counts(counts, duplex)
    if footer is not None and len(footer) != sum(padded):
        raise ValueError(
            f"footer has {len(footer)} entries but the combined PDF has {sum(padded)} pages"
        )

    out = pikepdf.new()
    blank = _open(blank_page(paper, large_print)) if padded != counts else None
    names: _Names = {}
    bookmarks = []
    for part, source, count, slots in zip(parts, sources, counts, padded, strict=True):
        bookmarks.append(_append_part(out, source, part, names))
        if slots > count and blank is not None:
            out.pages.append(blank.pages[0])  # qpdf gives a repeated page its own dictionary
    with out.open_outline() as outline:
        outline.root.extend(bookmarks)
    if names:  # one flat name tree, its keys sorted as the standard asks
        keys = sorted(names.values(), key=lambda entry: bytes(entry[0]))
        tree = Dictionary(Names=Array([item for entry in keys for item in entry]))
        out.Root.Names = Dictionary(Dests=out.make_indirect(tree))
    box = _box("bottom-center", paper, large_print)
    overlay = _stamp_pages(out, _clean_all(footer or []), paper, box)
    out.Root.Lang = String(language)
    if title:
        out.docinfo.Title = String(title)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    return _save(out, [*sources, blank, overlay])


def stamp(pdf: bytes, texts: list[str | None], *, paper: str, where: str = "top-left") -> bytes:
    """Overlay one short line of text per page (None = leave that page alone).

    `where`: 'top-left' (the line's top 0.45 in from the top edge, 0.75 in from the left,
    under the lesson's own header line), 'top-right', or 'bottom-center' (on the baseline
    of the lesson's own footers, 0.30 to 0.47 in above the bottom edge). Texts are plain
    text, never HTML; whitespace runs become one space, and a text too long for its box
    (3.25 in wide at the top, 1.4 in at the bottom) ends in an ellipsis. Raises ValueError
    when len(texts) differs from the page count or a stamped page is not `paper` sized.
    Everything else (bookmarks, links, tags, metadata, the first half of /ID) is kept."""
    box = _box(where, paper)  # refuse a bad position or paper before any work
    document = _open(pdf)
    if len(texts) != len(document.pages):
        raise ValueError(f"{len(texts)} stamp texts for a PDF of {len(document.pages)} pages")
    overlay = _stamp_pages(document, _clean_all(texts), paper, box)
    return _save(document, [document, overlay])


# ---- combining -------------------------------------------------------------------------


def _append_part(out: Pdf, source: Pdf, part: Part, names: _Names) -> OutlineItem:
    """Append the part's pages to `out` and its named destinations to `names`; return its
    bookmark. qpdf points references between copied pages at the copies; destinations and
    bookmarks, kept outside the pages, are moved here. A name that an earlier part uses
    becomes `name-2` (or -3, ...) in this part's destinations and links."""
    start = len(out.pages)
    for page in source.pages:  # (pages.extend warns that it would not move the names)
        out.pages.append(page)
    moved = {page.obj.objgen: out.pages[start + i].obj for i, page in enumerate(source.pages)}
    own = _destinations(source)
    taken = set(names) | set(own)
    renamed = {name: _free_name(name, taken) for name in sorted(set(own) & set(names))}
    for name, (key, dest) in own.items():
        new, target = renamed.get(name), _moved(dest, moved)
        if target is not None:
            names[new or name] = (String(new) if new else key, target)
    for page in out.pages[start:]:
        if "/StructParents" in page.obj:  # the parts' structure trees are not kept
            del page.obj.StructParents
        for annotation in page.obj.get("/Annots", ()):
            if "/StructParent" in annotation:
                del annotation.StructParent
            _rename_link(annotation, renamed)
    bookmark = OutlineItem(part.title, Array([out.pages[start].obj, Name.Fit]))
    if part.keep_outline and "/Outlines" in source.Root:
        bookmark.children = _bookmarks(source.Root.Outlines.get("/First"), moved, own)
    return bookmark


def _destinations(pdf: Pdf) -> _Names:
    """The named destinations of a PDF's /Dests name tree (where WeasyPrint puts them)."""
    found: _Names = {}
    nodes = [pdf.Root.get("/Names", Dictionary()).get("/Dests", Dictionary())]
    while nodes:
        node = nodes.pop(0)
        pairs = list(node.get("/Names", ()))
        for key, value in zip(pairs[::2], pairs[1::2], strict=True):
            found.setdefault(str(key), (key, value))
        nodes.extend(node.get("/Kids", ()))
    return found


def _moved(dest: object, moved: dict[tuple[int, int], Dictionary]) -> Array | None:
    """An explicit destination [page, view...] pointed at the copy of its page, or None."""
    if isinstance(dest, Dictionary):
        dest = dest.get("/D")
    if not isinstance(dest, Array) or len(dest) == 0 or not isinstance(dest[0], Dictionary):
        return None
    page = moved.get(dest[0].objgen)
    return None if page is None else Array([page, *list(dest)[1:]])


def _bookmarks(item: Dictionary | None, moved: dict, own: _Names) -> list[OutlineItem]:
    """Copies of the outline items from `item` on (and their children), pointing at the
    copied pages. Their structure elements (/SE) are left behind with the tags."""
    found: list[OutlineItem] = []
    seen: set[tuple[int, int]] = set()
    while isinstance(item, Dictionary) and item.objgen not in seen:
        seen.add(item.objgen)
        action = item.get("/A", Dictionary())
        dest = item.get("/Dest", action.get("/D") if action.get("/S") == Name.GoTo else None)
        if isinstance(dest, String):
            dest = own.get(str(dest), (None, None))[1]
        copy = OutlineItem(str(item.get("/Title", "")), _moved(dest, moved))
        copy.is_closed = int(item.get("/Count", 0)) < 0
        copy.children = _bookmarks(item.get("/First"), moved, own)
        found.append(copy)
        item = item.get("/Next")
    return found


def _free_name(name: str, taken: set[str]) -> str:
    """`name-2` (or -3, ...), not yet in `taken`; it is added there."""
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    taken.add(f"{name}-{number}")
    return f"{name}-{number}"


def _rename_link(annotation: Dictionary, renamed: dict[str, str]) -> None:
    action = annotation.get("/A")
    for holder, key in ((annotation, "/Dest"), (action, "/D")):
        target = holder.get(key) if isinstance(holder, Dictionary) else None
        if isinstance(target, String) and str(target) in renamed:
            holder[key] = String(renamed[str(target)])


# ---- stamping --------------------------------------------------------------------------


def _stamp_pages(pdf: Pdf, texts: list[str], paper: str, box: _Box) -> Pdf | None:
    """Draw texts[i] over page i ('' = none) in `box`; every distinct text is rendered
    once, as one form XObject that all pages with that text share. Returns the rendered
    stamps, which must stay open until `pdf` is saved (None when nothing was stamped)."""
    stamped = {i: text for i, text in enumerate(texts) if text}
    if not stamped:
        return None
    pages = pdf.pages
    _check_sizes(((i, pages[i]) for i in stamped), paper, "the PDF")
    distinct = tuple(dict.fromkeys(stamped.values()))
    overlay = _open(_render(distinct, paper, box, _IDENTIFIER))
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
    width, height = _paper_size(paper)
    if where == "top-left":
        return _Box(0.45 * INCH, _SIDE, 3.25 * INCH, "left")
    if where == "top-right":
        return _Box(0.45 * INCH, width - _SIDE - 3.25 * INCH, 3.25 * INCH, "right")
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


# ---- shared ----------------------------------------------------------------------------


def _paper_size(paper: str) -> tuple[float, float]:
    size = paper_size(paper)
    return size.width, size.height


def _check_sizes(pages: Iterable[tuple[int, Page]], paper: str, what: str) -> None:
    """Raise ValueError for a page (index, page) that is not `paper` sized."""
    width, height = _paper_size(paper)
    for index, page in pages:
        box = Rectangle(page.mediabox)
        if abs(box.width - width) > SIZE_TOLERANCE or abs(box.height - height) > SIZE_TOLERANCE:
            raise ValueError(
                f"page {index + 1} of {what} is {box.width:g} x {box.height:g} pt, "
                f"not {paper} ({width:g} x {height:g} pt)"
            )


def _open(pdf: bytes) -> Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def _save(pdf: Pdf, used: list[Pdf | None]) -> bytes:
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
