"""Combine rendered PDFs into one print master.

A bundle (a week's packet for one class) is a cover page plus several lessons, each
rendered by WeasyPrint as its own PDF so that "Page X of Y" restarts per lesson. The
copier needs one file: `combine` concatenates the parts with a bookmark per part (the
part's own bookmarks nested under it), keeps their links and named destinations, pads
odd parts with a blank page for double-sided copying, and can number the whole packet.
The blank page and the packet page numbers are laid out and drawn by stamps.py, which
also stamps students' names on a finished packet. The parts' tags are kept (SPEC §4): one
Document whose Parts are the lessons' own tag trees, so a screen reader reads the packet
in order. Output bytes depend only on input (the file /ID is a hash of the content).

PDFs are read and written with pikepdf (qpdf): pypdf, parsing WeasyPrint's object streams
in Python, took seconds to join a 30-lesson bundle. Importing this module does not
import WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, String

from .paper import paper_size
from .stamps import blank_page, check_sizes, open_pdf, save_pdf, stamp_footers

_Names = dict[str, tuple[String, Array]]  # named destination: text -> (key as written, target)


@dataclass(frozen=True)
class Part:
    pdf: bytes  # a complete PDF (from WeasyPrint)
    title: str  # its top-level bookmark in the combined PDF
    keep_outline: bool = True  # nest the part's own bookmarks (from h1-h6) under `title`


# ---- public API ------------------------------------------------------------------------


def page_count(pdf: bytes) -> int:
    return len(open_pdf(pdf).pages)  # qpdf reads the cross-reference table and the page tree


def padded_page_counts(counts: list[int], duplex: bool) -> list[int]:
    """The page count each part will occupy in the combined PDF (odd counts + 1 when duplex)."""
    return [count + (count % 2 if duplex else 0) for count in counts]


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
    paper_size(paper)  # refuse an unknown paper before any work
    if not parts:
        raise ValueError("combine needs at least one part")
    sources = [open_pdf(part.pdf) for part in parts]  # open until saved: qpdf copies lazily
    counts = [len(source.pages) for source in sources]
    for part, source in zip(parts, sources, strict=True):
        if not source.pages:
            raise ValueError(f"part {part.title!r} has no pages")
        check_sizes(enumerate(source.pages), paper, f"part {part.title!r}")
    padded = padded_page_counts(counts, duplex)
    if footer is not None and len(footer) != sum(padded):
        raise ValueError(
            f"footer has {len(footer)} entries but the combined PDF has {sum(padded)} pages"
        )

    out = pikepdf.new()
    blank = open_pdf(blank_page(paper, large_print)) if padded != counts else None
    names: _Names = {}
    bookmarks = []
    tags = _Tags(out)
    for part, source, count, slots in zip(parts, sources, counts, padded, strict=True):
        start = len(out.pages)
        bookmarks.append(_append_part(out, source, part, names, tags.next_key))
        tags.add(out, source, part.title, out.pages[start:])
        if slots > count and blank is not None:
            out.pages.append(blank.pages[0])  # qpdf gives a repeated page its own dictionary
    with out.open_outline() as outline:
        outline.root.extend(bookmarks)
    if names:  # one flat name tree, its keys sorted as the standard asks
        keys = sorted(names.values(), key=lambda entry: bytes(entry[0]))
        tree = Dictionary(Names=Array([item for entry in keys for item in entry]))
        out.Root.Names = Dictionary(Dests=out.make_indirect(tree))
    tags.finish(out)
    overlay = stamp_footers(out, footer or [], paper, large_print)
    out.Root.Lang = String(language)
    if title:
        out.docinfo.Title = String(title)
        out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    return save_pdf(out, [*sources, blank, overlay])


# ---- combining -------------------------------------------------------------------------


def _append_part(out: Pdf, source: Pdf, part: Part, names: _Names, tag_offset: int) -> OutlineItem:
    """Append the part's pages to `out` and its named destinations to `names`; return its
    bookmark. qpdf points references between copied pages at the copies; destinations and
    bookmarks, kept outside the pages, are moved here. A name that an earlier part uses
    becomes `name-2` (or -3, ...) in this part's destinations and links. The pages' keys
    into the tags' parent tree move up by `tag_offset` (see _Tags)."""
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
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + tag_offset
        for annotation in page.obj.get("/Annots", ()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + tag_offset
            _rename_link(annotation, renamed)
    bookmark = OutlineItem(part.title, Array([out.pages[start].obj, Name.Fit]))
    if part.keep_outline and "/Outlines" in source.Root:
        bookmark.children = _bookmarks(source.Root.Outlines.get("/First"), moved, own)
    return bookmark


class _Tags:
    """The combined PDF's tag tree: a Document holding each part's tree as a Part (titled
    with the part's bookmark), and one parent tree whose keys are the parts' keys moved
    up by the keys of the parts before (`next_key`), as the pages' and links' own keys are
    in _append_part. Copied after the part's pages, the tags point at the copied pages:
    qpdf maps every object it has copied from a source once."""

    def __init__(self, out: Pdf):
        self.document = out.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Document, K=Array())
        )
        self.nums: list = []
        self.next_key = 0
        self.role_map = Dictionary()

    def add(self, out: Pdf, source: Pdf, title: str, pages) -> None:
        tree = source.Root.get("/StructTreeRoot")
        if tree is None:
            return
        tree = out.copy_foreign(tree)
        tops = tree.K if isinstance(tree.K, Array) else Array([tree.K])
        part = out.make_indirect(
            Dictionary(Type=Name.StructElem, S=Name.Part, P=self.document, T=String(title))
        )
        for top in tops:
            top.P = part
            if top.get("/S") == Name.Document:  # one Document for the packet
                top.S = Name.Div
        part.K = tops
        self.document.K.append(part)
        keys = [self.next_key]
        for key, value in _number_tree(tree.get("/ParentTree")):
            self.nums += [key + self.next_key, value]
            keys.append(key + self.next_key + 1)
        for name, role in tree.get("/RoleMap", Dictionary()).items():
            self.role_map[name] = role
        self.next_key = max(keys)

    def finish(self, out: Pdf) -> None:
        if not self.document.K:
            return
        out.Root.StructTreeRoot = out.make_indirect(
            Dictionary(
                Type=Name.StructTreeRoot,
                K=self.document,
                ParentTree=out.make_indirect(Dictionary(Nums=Array(self.nums))),
                ParentTreeNextKey=self.next_key,
                **({"RoleMap": self.role_map} if self.role_map else {}),
            )
        )
        self.document.P = out.Root.StructTreeRoot
        out.Root.MarkInfo = Dictionary(Marked=True)


def _number_tree(node) -> list[tuple[int, object]]:
    """A number tree's (key, value) pairs in key order, from its /Nums and /Kids."""
    found = []
    nodes = [node] if isinstance(node, Dictionary) else []
    while nodes:
        current = nodes.pop(0)
        pairs = list(current.get("/Nums", ()))
        found += [(int(k), v) for k, v in zip(pairs[::2], pairs[1::2], strict=True)]
        nodes.extend(current.get("/Kids", ()))
    return sorted(found, key=lambda pair: pair[0])


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
