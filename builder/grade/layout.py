"""Where everything sits on an answer sheet, in inches from the paper's top-left corner.

One pure function of the rows and the paper: the printed sheet (sheets.py) draws what
it says, and the reader (read.py) finds the same bubbles on a scan from the QR code's
fields alone, without WeasyPrint. Change a number here and sheets already printed can
no longer be read, so the numbers are part of the sheet's format (`LP1`).
"""

from __future__ import annotations

from dataclasses import dataclass

INCH = 72.0  # points

# The four corner squares: filled black, outer edges 0.35 in from the paper's edges
# (SPEC §7: 0.25-0.35 in wide, at least 0.3 in in; inside the 0.25 in clear band).
SQUARE = 0.3
SQUARE_INSET = 0.35
QR_SIZE = 1.05  # the symbol, with a two-module quiet zone inside it
QR_TOP = 0.75
MARGIN = 0.75  # left and right of the rows and the header


@dataclass(frozen=True)
class Style:
    """Sizes that differ between regular and large print."""

    bubble: float  # diameter
    pitch: float  # from one bubble's centre to the next
    row: float  # from one line of bubbles to the next
    label: float  # the width of the label column
    bubble_font: float  # points, the letter inside a bubble
    text_font: float  # points, labels and the header
    header: float  # from the top of the paper to the first row
    note_font: float  # points, "teacher's score": SPEC §4's 8 pt floor, 16 pt in large print


REGULAR = Style(0.22, 0.3, 0.34, 0.55, 8.0, 10.0, 2.3, 8.0)
LARGE = Style(0.32, 0.42, 0.5, 0.95, 12.0, 16.0, 2.75, 16.0)


@dataclass(frozen=True)
class Row:
    """One gradable row: a question, a timeline row, an organizer, or one digit of a
    written item's score."""

    item: str  # the CSV's item column: "q3", "o1", "timeline"; "<slug>/q3" in a bundle
    label: str  # printed at the left: "3", "T1", "O1"
    kind: str  # choice | truefalse | order | match | score
    values: tuple[str, ...]  # the bubbles' labels, left to right
    part: str = ""  # "tens" or "units" for a score of 10 or more ("0", "10", "20" and
    # "0".."9"); for a timeline row, the event's or date's place as printed ("1", "2", ...)


@dataclass(frozen=True)
class Heading:
    """A bundle's lesson title over its rows."""

    text: str


@dataclass(frozen=True)
class Bubble:
    row: int  # index into SheetPage.rows
    value: str
    x: float  # centre
    y: float


@dataclass(frozen=True)
class PlacedText:
    text: str
    x: float  # left edge
    y: float  # the line's vertical centre
    size: float  # points
    heading: bool = False
    note: bool = False  # small print after a row: "teacher's score"


@dataclass(frozen=True)
class SheetPage:
    width: float
    height: float
    radius: float  # of every bubble
    style: Style
    rows: tuple[Row, ...]  # the rows on this page, each once even when it wraps
    bubbles: tuple[Bubble, ...]
    texts: tuple[PlacedText, ...]  # row labels and lesson headings

    @property
    def squares(self) -> tuple[tuple[float, float], ...]:
        """Centres of the corner squares: top-left, top-right, bottom-right, bottom-left."""
        near = SQUARE_INSET + SQUARE / 2
        return (
            (near, near),
            (self.width - near, near),
            (self.width - near, self.height - near),
            (near, self.height - near),
        )

    @property
    def qr_box(self) -> tuple[float, float, float]:
        """(left, top, size) of the QR code, quiet zone included."""
        return (self.width - MARGIN - QR_SIZE, QR_TOP, QR_SIZE)


def paginate(
    lines: list[Row | Heading], width: float, height: float, large_print: bool
) -> list[SheetPage]:
    """Lay rows out top to bottom, in two columns when every row fits half the width,
    wrapping a row too long for its column onto the next line with its label repeated,
    and starting a new page when the column runs out. A heading never ends a column, and
    a lesson's rows going on in a new column or page come under "<title> (continued)"."""
    style = LARGE if large_print else REGULAR
    usable = width - 2 * MARGIN
    gutter = 0.3
    half = (usable - gutter) / 2
    widest = max((_row_width(line, style) for line in lines if isinstance(line, Row)), default=0)
    columns = 2 if widest <= half else 1
    column_width = half if columns == 2 else usable
    per_line = max(1, int((column_width - style.label) // style.pitch))
    bottom = height - SQUARE_INSET - SQUARE - 0.35  # clear of the bottom squares and footer

    blocks = _blocks(lines, per_line)
    pages: list[list[tuple[Row | Heading, int, float, float, int]]] = [[]]
    column, y = 0, style.header
    heading: Heading | None = None  # the lesson whose rows these are, in a bundle
    for block in blocks:
        if isinstance(block[0][0], Heading):
            heading = block[0][0]
        if y + len(block) * style.row > bottom + 1e-9:
            column += 1
            y = style.header
            if column == columns:
                pages.append([])
                column = 0
            if heading is not None and block[0][0] is not heading:
                # a bundle's lesson going on in a new column says which lesson it is
                block = [(Heading(f"{heading.text} (continued)"), 0), *block]
        x = MARGIN + column * (column_width + gutter)
        for line, start in block:
            pages[-1].append((line, start, x, y + style.row / 2, per_line))
            y += style.row
    return [_page(entries, width, height, style) for entries in pages if entries]


def _blocks(lines: list[Row | Heading], per_line: int) -> list[list[tuple[Row | Heading, int]]]:
    """What must stay together in a column: a heading with the first line of its first
    row, and each row's wrapped lines. Each entry is (row, index of its first bubble)."""
    blocks: list[list[tuple[Row | Heading, int]]] = []
    pending: list[tuple[Row | Heading, int]] = []
    for line in lines:
        if isinstance(line, Heading):
            pending.append((line, 0))
            continue
        parts = [(line, start) for start in range(0, max(1, len(line.values)), per_line)]
        blocks.append(pending + parts)
        pending = []
    if pending:
        blocks.append(pending)
    return blocks


def _row_width(row: Row, style: Style) -> float:
    note = 0.1 * style.text_font if row.kind == "score" else 0.0  # "teacher's score"
    return style.label + len(row.values) * style.pitch + note


def _page(entries, width: float, height: float, style: Style) -> SheetPage:
    rows: list[Row] = []
    bubbles: list[Bubble] = []
    texts: list[PlacedText] = []
    for line, start, x, y, per_line in entries:
        if isinstance(line, Heading):
            texts.append(PlacedText(line.text, x, y, style.text_font, heading=True))
            continue
        if start == 0 or line not in rows:
            rows.append(line)
        index = rows.index(line)
        texts.append(PlacedText(line.label, x, y, style.text_font))
        shown = line.values[start : start + per_line]
        for offset, value in enumerate(shown):
            cx = x + style.label + style.pitch * offset + style.pitch / 2
            bubbles.append(Bubble(index, value, cx, y))
        if line.kind == "score" and start + per_line >= len(line.values):
            after = x + style.label + style.pitch * len(shown) + 0.08
            texts.append(PlacedText("teacher’s score", after, y, style.note_font, note=True))
    return SheetPage(
        width, height, style.bubble / 2, style, tuple(rows), tuple(bubbles), tuple(texts)
    )
