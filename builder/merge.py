"""Combine rendered PDFs into one print master, and stamp short texts onto rendered pages.

A bundle (a week's packet for one class) is a cover page plus several lessons, each
rendered by WeasyPrint as its own PDF so that "Page X of Y" restarts per lesson. The
copier needs one file: `combine` concatenates the parts with a bookmark per part (the
part's own bookmarks nested under it), keeps their links and named destinations, pads
odd parts with a blank page for double-sided copying, and can number the whole packet.

Rendering the packet again for each of 30 students would take 30 times as long, so
`stamp` lays out only the short texts (student names) with WeasyPrint, every distinct
text once in one document, and merges them onto the already-rendered pages with pypdf.
Stamps sit in the page margins, never within 0.25 in of the paper edge, and are marked
as artifacts so a tagged (PDF/UA) page stays tagged. Output bytes depend only on input.

WeasyPrint (0.8 s to import) is imported only when something has to be laid out.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import TYPE_CHECKING

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

if TYPE_CHECKING:
    from pypdf import PageObject
    from pypdf.generic import DictionaryObject
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

INCH = 72.0
PAPER_SIZES = {"letter": (612.0, 792.0), "a4": (595.2756, 841.8898)}  # pt, as CSS sizes them
_CSS_SIZES = {"letter": "letter", "a4": "A4"}
BLANK_TEXT = "This page is intentionally left blank."
WHERE = ("top-left", "top-right", "bottom-center")
SIZE_TOLERANCE = 1.0  # pt; a page this close to the paper size counts as that paper
FOOTER_LINE = 0.375 * INCH  # the middle of the lesson footer, above the bottom edge
MAX_CHARS = 60  # a stamp is one short line; what does not fit its box ends in an ellipsis
_LINE = 12.0  # pt, the height of a stamp's line box (9 pt type)
_FONT = '9pt/12pt "DejaVu Sans", sans-serif'
_IDENTIFIER = b"lessonpack-stamp"


@dataclass(frozen=True)
class Part:
    pdf: bytes  # a complete PDF (from WeasyPrint)
    title: str  # its top-level bookmark in the combined PDF
    keep_outline: bool = True  # nest the part's own bookmarks (from h1-h6) under `title`


@dataclass(frozen=True)
class _Box:
    """Where a stamp's one-line box sits on the page, in pt from the top-left corner."""

    top: float
    left: float
    width: float
    align: str


# ---- public API ------------------------------------------------------------------------


def page_count(pdf: bytes) -> int:
    return len(_reader(pdf).pages)


def padded_page_counts(counts: list[int], duplex: bool) -> list[int]:
    """The page count each part will occupy in the combined PDF (odd counts + 1 when duplex)."""
    return [count + (count % 2 if duplex else 0) for count in counts]


@cache
def blank_page(paper: str) -> bytes:
    """A one-page PDF for duplex padding, paper 'letter' or 'a4', reading 'This page is
    intentionally left blank.' in small type at the middle of the page (so nobody thinks a
    page is missing)."""
    width, height = _paper_size(paper)
    box = _Box(top=(height - _LINE) / 2, left=INCH, width=width - 2 * INCH, align="center")
    return _render((BLANK_TEXT,), paper, box, b"lessonpack-blank")


def combine(
    parts: list[Part],
    *,
    paper: str,
    duplex: bool = False,
    footer: list[str | None] | None = None,
    title: str = "",
    language: str = "en",
) -> bytes:
    """Concatenate the parts in order into one PDF with a bookmark per part (and the part's
    own bookmarks nested under it when keep_outline).

    duplex=True inserts blank_page(paper) after every part with an odd page count, so each
    part starts on a front side; blank pages get no bookmark. `footer`, if given, has one
    entry per page of the final document (see `padded_page_counts`): text stamped at the
    bottom centre of that page, or None. Links and named destinations of the parts are
    kept (a name used by two parts is renamed in the later one, with its links)."""
    _paper_size(paper)
    if not parts:
        raise ValueError("combine needs at least one part")
    readers = [_reader(part.pdf) for part in parts]
    counts = [len(reader.pages) for reader in readers]
    for part, reader in zip(parts, readers, strict=True):
        if not reader.pages:
            raise ValueError(f"part {part.title!r} has no pages")
        _check_sizes(enumerate(reader.pages), paper, f"part {part.title!r}")
    padded = padded_page_counts(counts, duplex)
    if footer is not None and len(footer) != sum(padded):
        raise ValueError(
            f"footer has {len(footer)} entries but the combined PDF has {sum(padded)} pages"
        )

    writer = PdfWriter()
    blank = _reader(blank_page(paper)).pages[0] if padded != counts else None
    taken: set[str] = set()  # named destinations already in the writer
    for part, reader, count, slots in zip(parts, readers, counts, padded, strict=True):
        _append_part(writer, reader, part, taken)
        if slots > count and blank is not None:
            writer.add_page(blank)
    if footer is not None:
        _stamp_pages(writer, list(writer.pages), _clean_all(footer), paper, "bottom-center")
    _set_info(writer, title, language)
    inputs = [chunk for part in parts for chunk in (part.pdf, part.title, part.keep_outline)]
    digest = _digest(paper, duplex, repr(footer), title, language, *inputs)
    _set_id(writer, digest, digest)
    return _write(writer)


def stamp(pdf: bytes, texts: list[str | None], *, paper: str, where: str = "top-left") -> bytes:
    """Overlay one short line of text per page (None = leave that page alone).

    `where`: 'top-left' (the line's top 0.45 in from the top edge, 0.75 in from the left,
    under the lesson's own header line), 'top-right', or 'bottom-center' (on the baseline
    of the lesson's own footers, 0.30 to 0.47 in above the bottom edge). Texts are plain
    text, never HTML; whitespace runs become one space, and a text too long for its box
    (3.25 in wide at the top, 1.4 in at the bottom) ends in an ellipsis. Raises ValueError
    when len(texts) differs from the page count or a stamped page is not `paper` sized."""
    _box(where, paper)  # refuse a bad position or paper before any work
    reader = _reader(pdf)
    if len(texts) != len(reader.pages):
        raise ValueError(f"{len(texts)} stamp texts for a PDF of {len(reader.pages)} pages")
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # cloning does not keep the version
    _stamp_pages(writer, list(writer.pages), _clean_all(texts), paper, where)
    digest = _digest(pdf, repr(texts), paper, where)
    original = reader.trailer.get("/ID")
    _set_id(writer, _id_bytes(original[0]) if original else digest, digest)
    return _write(writer)


# ---- combining -------------------------------------------------------------------------


def _append_part(writer: PdfWriter, reader: PdfReader, part: Part, taken: set[str]) -> None:
    """Append all pages of one part under a new top-level bookmark.

    pypdf's append nests the imported outline under `outline_item` and maps named
    destinations, link annotations and outline targets onto the copied pages. It keeps
    the first of two equal destination names, so a clash is renamed here afterwards."""
    start = len(writer.pages)
    names = reader.named_destinations
    clashes = sorted(set(names) & taken)
    writer.append(reader, outline_item=part.title, import_outline=part.keep_outline)
    taken.update(names)
    if clashes:
        renamed = {old: _free_name(old, taken) for old in clashes}
        taken.update(renamed.values())
        _rename_destinations(writer, reader, start, renamed)


def _free_name(name: str, taken: set[str]) -> str:
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    return f"{name}-{number}"


def _rename_destinations(
    writer: PdfWriter, reader: PdfReader, start: int, renamed: dict[str, str]
) -> None:
    """Give the part's clashing destinations new names and point its links at them."""
    names = reader.named_destinations
    for old, new in renamed.items():
        target = reader.get_destination_page_number(names[old])
        array = names[old].dest_array
        array[0] = writer.pages[start + target].indirect_reference
        writer.add_named_destination_array(TextStringObject(new), array)
    for page in writer.pages[start : start + len(reader.pages)]:
        for annotation in _annotations(page):
            _rename_link(annotation, renamed)


def _annotations(page: PageObject) -> list[DictionaryObject]:
    annotations = page.get("/Annots")
    return [a.get_object() for a in annotations.get_object()] if annotations else []


def _rename_link(annotation: DictionaryObject, renamed: dict[str, str]) -> None:
    dest = annotation.get("/Dest")
    if isinstance(dest, str) and dest in renamed:
        annotation[NameObject("/Dest")] = TextStringObject(renamed[dest])
    action = annotation.get("/A")
    action = action.get_object() if action is not None else None
    if action is not None and isinstance(action.get("/D"), str) and action["/D"] in renamed:
        action[NameObject("/D")] = TextStringObject(renamed[action["/D"]])


def _set_info(writer: PdfWriter, title: str, language: str) -> None:
    writer.root_object[NameObject("/Lang")] = TextStringObject(language)
    if title:
        writer.add_metadata({"/Title": title})
        writer.create_viewer_preferences().display_doctitle = True


# ---- stamping --------------------------------------------------------------------------


def _stamp_pages(
    writer: PdfWriter, pages: list[PageObject], texts: list[str], paper: str, where: str
) -> None:
    """Merge texts[i] onto pages[i] ('' = none); every distinct text is rendered once."""
    stamped = {i: text for i, text in enumerate(texts) if text}
    if not stamped:
        return
    _check_sizes(((i, pages[i]) for i in stamped), paper, "the PDF")
    distinct = tuple(dict.fromkeys(stamped.values()))
    overlay_pdf = _reader(_render(distinct, paper, _box(where, paper), _IDENTIFIER))
    writer.pdf_header = max(writer.pdf_header, overlay_pdf.pdf_header)
    rendered = overlay_pdf.pages
    overlays = dict(zip(distinct, rendered, strict=True))
    for overlay in rendered:
        _mark_as_artifact(overlay)
    shared = Counter(ref for page in pages for ref in _content_ids(page))
    for i in stamped:  # before any merge rewrites a shared stream in place
        if any(shared[ref] > 1 for ref in _content_ids(pages[i])):
            _own_contents(writer, pages[i])
    for i, text in stamped.items():
        box = pages[i].mediabox
        move = Transformation().translate(float(box.left), float(box.bottom))
        pages[i].merge_transformed_page(overlays[text], move)
        pages[i].compress_content_streams()


def _mark_as_artifact(overlay: PageObject) -> None:
    """Wrap the stamp's drawing in /Artifact, so the stamped page's tags stay complete."""
    contents = overlay.get_contents()
    if contents is None:
        return
    stream = DecodedStreamObject()
    stream.set_data(b"/Artifact BMC\n" + contents.get_data() + b"\nEMC\n")
    overlay[NameObject("/Contents")] = stream


def _own_contents(writer: PdfWriter, page: PageObject) -> None:
    """Give the page a private copy of its content streams: pypdf rewrites merged content
    in place, and the padding pages of `combine` share one stream."""
    contents = page["/Contents"].get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    copies = [s.get_object().clone(writer, force_duplicate=True) for s in streams]
    if isinstance(contents, ArrayObject):
        page[NameObject("/Contents")] = ArrayObject(c.indirect_reference for c in copies)
    else:
        page[NameObject("/Contents")] = copies[0].indirect_reference


def _content_ids(page: PageObject) -> set[int]:
    contents = page.get("/Contents")
    if contents is None:
        return set()
    resolved = contents.get_object()
    refs = resolved if isinstance(resolved, ArrayObject) else [contents]
    return {ref.idnum for ref in refs if isinstance(ref, IndirectObject)}


def _box(where: str, paper: str) -> _Box:
    width, height = _paper_size(paper)
    side = 0.75 * INCH
    if where == "top-left":
        return _Box(0.45 * INCH, side, 3.25 * INCH, "left")
    if where == "top-right":
        return _Box(0.45 * INCH, width - side - 3.25 * INCH, 3.25 * INCH, "right")
    if where == "bottom-center":
        # On the line of the lesson's own footers (8.5 pt, centred 0.375 in above the
        # bottom edge), and short, so it stays between the title and "Page X of Y".
        short = 1.4 * INCH
        return _Box(height - FOOTER_LINE - _LINE / 2, (width - short) / 2, short, "center")
    raise ValueError(f"unknown stamp position {where!r}; use one of {', '.join(WHERE)}")


def _render(texts: tuple[str, ...], paper: str, box: _Box, identifier: bytes) -> bytes:
    """One page per text, each text in `box`, as a PDF laid out by WeasyPrint."""
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
        @page {{ size: {_CSS_SIZES[paper]}; margin: 0 }}
        html, body {{ margin: 0; padding: 0 }}
        .page {{ position: relative; height: 1pt }}
        .page + .page {{ break-before: page }}
        .stamp {{
            position: absolute; top: {box.top:.3f}pt; left: {box.left:.3f}pt;
            width: {box.width:.3f}pt; height: {_LINE}pt; font: {_FONT}; color: #000;
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
    try:
        return PAPER_SIZES[paper]
    except KeyError:
        raise ValueError(f"unknown paper {paper!r}; use 'letter' or 'a4'") from None


def _check_sizes(pages: Iterable[tuple[int, PageObject]], paper: str, what: str) -> None:
    """Raise ValueError for a page (index, page) that is not `paper` sized."""
    width, height = _paper_size(paper)
    for index, page in pages:
        box = page.mediabox
        if abs(box.width - width) > SIZE_TOLERANCE or abs(box.height - height) > SIZE_TOLERANCE:
            raise ValueError(
                f"page {index + 1} of {what} is {box.width:g} x {box.height:g} pt, "
                f"not {paper} ({width:g} x {height:g} pt)"
            )


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _digest(*chunks: bytes | str | bool) -> bytes:
    """16 bytes that change with any of the inputs: the basis of the file /ID."""
    hasher = hashlib.sha256()
    for chunk in chunks:
        data = chunk if isinstance(chunk, bytes) else repr(chunk).encode()
        hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.digest()[:16]


def _set_id(writer: PdfWriter, first: bytes, second: bytes) -> None:
    # pypdf only offers a random identifier (generate_file_identifiers); this one is
    # derived from the input, so identical input gives identical bytes.
    writer._ID = ArrayObject([ByteStringObject(first), ByteStringObject(second)])


def _id_bytes(value: ByteStringObject | TextStringObject) -> bytes:
    return value.original_bytes if isinstance(value, TextStringObject) else bytes(value)


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
