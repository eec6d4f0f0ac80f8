"""Read the laid-out pages back and warn about what would spoil a photocopy.

CSS asks WeasyPrint to keep each question with its writing lines and to stay inside
the margins, but it cannot promise it (a question taller than a page must break, a
long URL may not wrap). These checks look at the actual boxes and turn surprises
into warnings, which `--strict` makes errors (SPEC §3).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..compose.line_numbers import numbered_lines
from ..errors import Problem
from .page_fill import (
    HEADINGS,
    body_boxes,
    element_text,
    free_space,
    next_block,
    sheet_name,
    sparse_page_warnings,
    starts_fresh,
)

TOLERANCE_PT = 1.0  # rounding in layout; one point is invisible on paper
_NOTDEF = re.compile(r"^\.notdef glyph rendered for Unicode string unsupported by fonts")


def layout_warnings(document, lesson_file: Path) -> list[Problem]:
    question_pages: dict[str, set[int]] = defaultdict(set)
    whole_pages: dict[object, set[int]] = defaultdict(set)  # organizers, kept on one page
    overflow_pages: list[int] = []
    stranded: list[str] = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        right = page_box.margin_width() - page_box.margin_right - page_box.padding_right
        bottom = page_box.margin_height() - page_box.margin_bottom
        overflowed = False
        last_ancestors, last_bottom = (), -1.0
        for box, ancestors in body_boxes(page_box):
            element = getattr(box, "element", None)
            classes = (element.get("class") or "").split() if element is not None else ()
            if "question" in classes:
                question_pages[element.get("id") or "?"].add(number)
            if "keep-whole" in classes or "too-tall" in classes:
                whole_pages[element].add(number)
            if not _is_content(box):
                continue
            box_bottom = box.position_y + box.margin_height()
            if box.position_x + box.margin_width() > right + TOLERANCE_PT or (
                box_bottom > bottom + TOLERANCE_PT
            ):
                overflowed = True
            if type(box).__name__ == "TextBox" and box_bottom >= last_bottom:
                last_ancestors, last_bottom = ancestors, box_bottom
        if overflowed:
            overflow_pages.append(number)
        what = _stranded(last_ancestors) if number < len(document.pages) else None
        if what and starts_fresh(document.pages[number]):  # the lesson asked for the turn
            what = None
        if what:
            stranded.append(
                f"{what} at the foot of {sheet_name(page_box)} page {number}, apart from "
                "what follows it" + _why(document, number)
            )
    warnings = [
        Problem(
            lesson_file,
            f"question '{anchor}' is split across pages {min(pages)} and "
            f"{max(pages)}: shorten it or reduce its 'lines'",
            severity="warning",
        )
        for anchor, pages in question_pages.items()
        if len(pages) > 1
    ]
    sheet = sheet_name(document.pages[0]._page_box) if document.pages else "the"
    warnings += [
        Problem(
            lesson_file,
            f"organizer {element.get('data-organizer')} ('{element.get('data-title')}') is "
            f"taller than a page: it runs from {sheet} page {min(pages)} to page "
            f"{max(pages)}, its header row repeated; give it fewer rows, claims or "
            "documents, or split it in two",
            severity="warning",
        )
        for element, pages in whole_pages.items()
        if len(pages) > 1
    ]
    if overflow_pages:
        warnings.append(
            Problem(
                lesson_file,
                "content runs outside the printable area on page(s) "
                f"{', '.join(map(str, overflow_pages))}: look for a very long word or URL, or a "
                "wide table",
                severity="warning",
            )
        )
    warnings += [Problem(lesson_file, what, severity="warning") for what in stranded]
    warnings += sparse_page_warnings(document, lesson_file)
    warnings += header_warnings(document, lesson_file)
    return warnings + line_number_warnings(document, lesson_file)


def header_warnings(document, lesson_file: Path) -> list[Problem]:
    """A bundle's class · teacher · date line too long for the page head prints over the
    "ANSWER KEY" banner and version letter beside it (every page has the same head)."""
    if not document.pages:
        return []
    sides = {"@top-left": [], "@top-right": []}
    for child in document.pages[0]._page_box.children:
        if type(child).__name__ == "MarginBox" and child.at_keyword in sides:
            sides[child.at_keyword] += [
                (t.position_x, t.position_y, t.position_x + t.width, t.position_y + t.height)
                for t in child.descendants()
                if type(t).__name__ == "TextBox" and t.text.strip()
            ]
    clash = any(  # side by side on one line (rows touch by their leading, not their ink)
        a[0] < b[2] and b[0] < a[2] and min(a[3], b[3]) - max(a[1], b[1]) > _half_height(a, b)
        for a in sides["@top-left"]
        for b in sides["@top-right"]
    )
    if not clash:
        return []
    return [
        Problem(
            lesson_file,
            "the bundle's class · teacher · date line is too long for the top of the page: "
            "it prints over the version letter or ANSWER KEY beside it; shorten the bundle's "
            "'class' or 'teacher'",
            severity="warning",
        )
    ]


def _why(document, number: int) -> str:
    """The reason a heading was left behind, when it is that what follows it (a question
    with its writing lines) fills the next page: together they would not fit on any."""
    page = document.pages[number]._page_box  # the next page
    block = next_block(page)
    if block is None or block.height < 0.9 * free_space(page)[1]:
        return ""
    fix = "shorten its answer" if "answer key" in sheet_name(page) else "lower its 'lines'"
    return f": {block.text} fills page {number + 1} alone, so the heading cannot go with it; {fix}"


def _half_height(a: tuple, b: tuple) -> float:
    return min(a[3] - a[1], b[3] - b[1]) / 2


def _stranded(ancestors: tuple) -> str | None:
    """What the last text on a page belongs to, if it must not end a page (SPEC §4)."""
    for element in reversed(ancestors):
        classes = (element.get("class") or "").split()
        if "document-head" in classes:
            return "a document's title or source line"
        if element.tag in HEADINGS:
            return f"the heading '{element_text(element)[:40]}'"
    return None


def line_number_warnings(document, lesson_file: Path) -> list[Problem]:
    """Every margin number must stand on the printed line it counts, and each reading must
    have as many lines as the measuring pass found (SPEC §4)."""
    counts: dict[str, int] = defaultdict(int)
    expected: dict[str, str] = {}
    drifted: set[str] = set()
    for page in document.pages:
        for text_element, line_box in numbered_lines(page._page_box):
            doc = text_element.get("id")
            expected[doc] = text_element.get("data-lines") or ""
            counts[doc] += 1
            for box in line_box.descendants():
                element = getattr(box, "element", None)
                if (
                    type(box).__name__ == "AbsolutePlaceholder"
                    and element is not None
                    and element.get("class") == "ln"
                    and (element.text or "").strip() != str(counts[doc])
                ):
                    drifted.add(doc)
    drifted |= {doc for doc, count in counts.items() if expected[doc] != str(count)}
    return [
        Problem(
            lesson_file,
            f"margin line numbers of '{doc}' do not match its printed "
            "lines; please report this with the lesson",
            severity="warning",
        )
        for doc in sorted(drifted)
    ]


def _is_content(box) -> bool:
    """Boxes that put ink on paper: text and images."""
    name = type(box).__name__
    return name in ("TextBox", "InlineReplacedBox", "BlockReplacedBox")


class _GlyphCollector(logging.Handler):
    """Collects WeasyPrint's ".notdef glyph rendered" warnings: characters no font has."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.characters: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if _NOTDEF.match(str(record.msg)) and record.args:
            self.characters[str(record.args[0])] = None


@contextmanager
def missing_glyphs(lesson_file: Path) -> Iterator[list[Problem]]:
    """Within the block, characters drawn with no font become warnings in the yielded list,
    located at their first use in the lesson's files."""
    collector = _GlyphCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    warnings: list[Problem] = []
    try:
        yield warnings
    finally:
        logger.removeHandler(collector)
    for character in collector.characters:
        path, line, col = _first_use(lesson_file, character)
        warnings.append(
            Problem(
                path,
                f"no installed font has the character '{character}' "
                f"(U+{ord(character):04X}); it prints as an empty box. Install a font that has it, "
                "or replace it",
                line,
                col,
                "warning",
            )
        )


def _first_use(lesson_file: Path, character: str) -> tuple[Path, int | None, int | None]:
    files = [lesson_file, *sorted(lesson_file.parent.rglob("*.md"))]
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, text in enumerate(lines, start=1):
            if (col := text.find(character)) >= 0:
                return path, number, col + 1
    return lesson_file, None, None
