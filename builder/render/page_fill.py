"""Pages that end short: each wasted page is a sheet per student at the photocopier.

SPEC §4: no page but the last may end more than 40 % empty when the block that starts
the next page would have fitted in the space left. The stylesheet lets sections flow
(headings keep with what follows, tables break between rows), so such a page means a
rule forced the turn: usually a `break-before` in a teacher's styles/custom.css. This
check reads the laid-out boxes and names the block that moved. Exempt: a page before a
section the lesson asked to start fresh (`page_break_before`, class `fresh-page`), and a
page whose next block cannot break (a question with its writing lines, a picture) and
does not fit. Duplex blank pages and a bundle's cover are separate documents, never
checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from ..errors import Problem

MOST_EMPTY = 0.40  # of the page's text area
PX_PER_IN = 96  # WeasyPrint lays out in CSS pixels
# The margins between the page's last block and the next one (a question's 0.16 in, a
# heading's 0.22 in) come on top of the block's own height: within this, it did not fit.
SLACK_IN = 0.3
_KEEP_WITH_NEXT = ("avoid", "avoid-page")
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Block:
    """What starts a page: what it is, the height it needs from the top of the page's
    text area, whether it starts a section the lesson put on a fresh page."""

    text: str
    height: float
    fresh: bool


def sparse_page_warnings(document, lesson_file: Path) -> list[Problem]:
    pages = [page._page_box for page in document.pages]
    sheet = sheet_name(pages[0])
    warnings = []
    for number, (page, following) in enumerate(pairwise(pages), start=1):
        free, height = free_space(page)
        if free <= MOST_EMPTY * height:
            continue
        block = next_block(following, _elements(page))
        if block is None or block.fresh or block.height + SLACK_IN * PX_PER_IN > free:
            continue
        warnings.append(
            Problem(
                lesson_file,
                f"{sheet} page {number} ends {100 * free / height:.0f} % empty, but what "
                f"starts page {number + 1} ({block.text}, {block.height / PX_PER_IN:.1f} in) "
                f"would fit in the {free / PX_PER_IN:.1f} in left: a page break forced in "
                "the styles wastes paper; remove it, or write page_break_before in "
                "lesson.yaml to start a section on a fresh page on purpose",
                severity="warning",
            )
        )
    return warnings


def sheet_name(page_box) -> str:
    """ "the answer key's", "the large-print student sheet's": which PDF the page is in."""
    for box, _ in body_boxes(page_box):
        if getattr(box, "element", None) is not None and box.element.tag == "body":
            classes = (box.element.get("class") or "").split()
            large = "large-print " if "large-print" in classes else ""
            return f"the {large}{'answer key' if 'key' in classes else 'student sheet'}'s"
    return "the"


def starts_fresh(page) -> bool:
    """Whether the page starts a section the lesson put on a fresh page."""
    block = next_block(page._page_box)
    return block is not None and block.fresh


def free_space(page_box) -> tuple[float, float]:
    """(space left at the foot of the page's text area, the area's height), in CSS pixels."""
    top, bottom = _text_area(page_box)
    return bottom - _used_bottom(page_box, top), bottom - top


def _text_area(page_box) -> tuple[float, float]:
    top = page_box.margin_top + page_box.padding_top
    return top, page_box.margin_height() - page_box.margin_bottom - page_box.padding_bottom


def _used_bottom(page_box, top: float) -> float:
    """The foot of the lowest box laid out on the page: text, pictures, rules and the
    writing space a question reserves, whether or not anything is printed in it."""
    lowest = top
    for box, _ in body_boxes(page_box):
        if _is_leaf(box) or _reserves_space(box):
            lowest = max(lowest, _bottom(box))
    return lowest


def _reserves_space(box) -> bool:
    """A block that sets its own height (the key's writing space, a question's
    `min-height`). Other containers stretch to the page foot when they continue on the
    next page (CSS fragmentation), so their height says nothing about what was used."""
    minimum = box.style["min_height"]
    return getattr(minimum, "value", 0) > 0


def next_block(page_box, before: set[int] = frozenset()) -> Block | None:
    """What starts the page and cannot be split, with the headings kept with it: a
    question, a table row, a picture, the first two lines of a paragraph. `before`: the
    elements of the page before, which continue here and are not a block of their own."""
    top = _text_area(page_box)[0]
    seen = set(before)
    heading, lines, fresh = "", 0, False
    keeping: set[int] = set()  # headings, instructions, header rows: kept with what follows
    for box, ancestors in body_boxes(page_box):
        element = getattr(box, "element", None)
        new = element is not None and id(element) not in seen
        if new:
            seen.add(id(element))
            fresh = fresh or "fresh-page" in (element.get("class") or "").split()
        kept = _unbreakable(box) if new else None
        if kept is not None:
            if _keeps_with_next(kept, ancestors):
                heading = heading or element_text(element)
                keeping.add(id(element))
                continue
            return Block(_label(heading, kept), _bottom(kept) - top, fresh)
        if any(id(e) in keeping or e.tag == "thead" for e in ancestors):
            continue
        if type(box).__name__ == "LineBox":
            lines += 1
            if lines == 2:  # orphans: 2 (lesson.css)
                return Block(_label(heading, box), _bottom(box) - top, fresh)
        elif type(box).__name__ == "BlockBox" and _is_leaf(box):  # a rule, a writing line
            return Block(_label(heading, box), _bottom(box) - top, fresh)
    return None


def _elements(page_box) -> set[int]:
    return {id(box.element) for box, _ in body_boxes(page_box) if box.element is not None}


def _bottom(box) -> float:
    return box.border_box_y() + box.border_height()


def _unbreakable(box):
    """`box` (an element's first box) when it keeps together (break-inside: avoid, a
    table row, a picture, an organizer's table) or is a heading, else None."""
    if type(box).__name__ in ("BlockReplacedBox", "TableRowBox"):
        return box
    if "keep-whole" in (box.element.get("class") or "").split():  # its wrapper, for a table
        return box
    if box.element.tag in HEADINGS or box.style["break_inside"] in _KEEP_WITH_NEXT:
        return box
    if box.style["break_after"] in _KEEP_WITH_NEXT:  # instructions, kept with what follows
        return box
    return None


def _keeps_with_next(box, ancestors: tuple) -> bool:
    """A heading, or a table's header row (repeated on the next page with the rows)."""
    if type(box).__name__ == "TableRowBox":
        return any(element.tag == "thead" for element in ancestors)
    return box.style["break_after"] in _KEEP_WITH_NEXT


def _label(heading: str, box) -> str:
    """'Timeline' and a table row, question 8, the first lines of 'The senate…'."""
    element = box.element
    classes = (element.get("class") or "").split()
    if "question" in classes:
        number = element.find(".//span[@class='number']")
        what = "a question" if number is None else f"question {element_text(number).rstrip('.')}"
    elif type(box).__name__ == "TableRowBox":
        what = "a table row"
    elif "organizer" in classes or "organizer-table" in classes:
        what = "an organizer" if "organizer" in classes else "an organizer's table"
    elif element.tag in ("figure", "img", "svg") or "timeline-drawing" in classes:
        what = "a picture"
    elif type(box).__name__ == "LineBox":
        words = " ".join(t.text for t in box.descendants() if type(t).__name__ == "TextBox")
        what = f"the first lines of '{_short(words)}'"
    else:
        words = element_text(element)
        what = f"'{_short(words)}'" if words else "writing lines"
    return f"'{_short(heading)}' and {what}" if heading else what


def _short(text: str, most: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def element_text(element) -> str:
    """The element's words, its parts apart ("Document A Where the crisis came from")."""
    return " ".join(" ".join(element.itertext()).split())


def _is_leaf(box) -> bool:
    name = type(box).__name__
    if name in ("TextBox", "InlineReplacedBox", "BlockReplacedBox"):
        return True
    return (
        name.endswith("BlockBox")
        and not getattr(box, "children", None)
        and bool(box.border_bottom_width or box.border_top_width or box.height)
    )


def body_boxes(page_box):
    """Every box on the page except the margin boxes (footer, banner), with the elements
    it sits in, outermost first."""
    for child in page_box.children:
        if type(child).__name__ != "MarginBox":
            yield from _walk(child, ())


def _walk(box, ancestors: tuple):
    element = getattr(box, "element", None)
    if element is not None and (not ancestors or ancestors[-1] is not element):
        ancestors = (*ancestors, element)
    yield box, ancestors
    for child in getattr(box, "children", ()):
        yield from _walk(child, ancestors)
