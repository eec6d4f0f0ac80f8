"""From bubble darkness to points, by SPEC §7's rules.

A bubble at least half filled is a mark; under a fifth is empty; between is unclear.
A row with an unclear bubble scores 0 and is flagged, two marks in a row score 0 and
are flagged, a row with no mark scores 0 and is listed as blank. Each read mark is
also given the ring the review page draws around it: correct, wrong or unclear.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .items import Item
from .layout import SheetPage

MARK = 0.5
EMPTY = 0.2


def state(fill: float) -> str:
    if fill >= MARK:
        return "mark"
    return "empty" if fill < EMPTY else "unclear"


@dataclass
class RowRead:
    """One row as the scan shows it, with where its bubbles are on the page."""

    marked: list[str] = field(default_factory=list)  # the values marked
    marks: list[int] = field(default_factory=list)  # their bubbles' indices on the page
    unclear: list[int] = field(default_factory=list)
    values: dict[int, str] = field(default_factory=dict)  # bubble index -> its value
    page: int = 1  # the sheet's page it is on

    @property
    def flag(self) -> str:
        if self.unclear:
            return "unclear"
        if len(self.marks) > 1:
            return "multiple marks"
        return "" if self.marks else "blank"

    @property
    def answer(self) -> str | None:
        return self.marked[0] if not self.flag else None


def read_rows(
    layout: SheetPage, fills: tuple[float, ...], page: int = 1
) -> dict[tuple[str, str], RowRead]:
    """Each row of the sheet's `page` by (item column, part), from its bubbles' fills."""
    rows: dict[tuple[str, str], RowRead] = {}
    for index, (bubble, fill) in enumerate(zip(layout.bubbles, fills, strict=True)):
        row = layout.rows[bubble.row]
        read = rows.setdefault((row.item, row.part), RowRead(page=page))
        read.values[index] = bubble.value
        seen = state(fill)
        if seen == "mark":
            read.marks.append(index)
            read.marked.append(bubble.value)
        elif seen == "unclear":
            read.unclear.append(index)
    return rows


@dataclass
class Scored:
    """One item on one sheet."""

    earned: int | None  # None: a page holding it was not scanned
    flags: list[str] = field(default_factory=list)  # "blank", "multiple marks", "T3 unclear"
    answers: list[str] = field(default_factory=list)  # what was marked, for items.csv
    rings: list[tuple[int, int, str]] = field(default_factory=list)  # (page, bubble, style)

    def count(self, flag: str) -> bool:
        return any(f == flag or f.endswith(" " + flag) for f in self.flags)


def score_item(item: Item, reads: dict[tuple[str, str], RowRead]) -> Scored:
    """Points for `item` from its rows' reads (all of them: a missing one means None)."""
    rows = [reads.get((row.item, row.part)) for row in item.rows]
    if any(read is None for row, read in zip(item.rows, rows, strict=True)):
        return Scored(None)
    present = [read for read in rows if read is not None]
    if item.kind == "written":
        return _written(item, present)
    scored = Scored(0)
    for row, read, right in zip(item.rows, present, item.correct, strict=True):
        if read.flag:
            name = f"{row.label} {read.flag}" if item.kind in ("order", "match") else read.flag
            scored.flags.append(name)
        good = not read.flag and right is not None and read.answer == right
        scored.rings += [(read.page, i, "unclear") for i in read.unclear]
        scored.rings += [(read.page, i, "correct" if good else "wrong") for i in read.marks]
        if good:
            scored.earned = (scored.earned or 0) + (item.per_row or item.points)
        if not read.flag and read.answer is not None:
            scored.answers.append(item.originals.get(read.answer, read.answer))
        if right is None and not read.flag:
            scored.flags.append("no answer in the lesson to grade by")
    return scored


def _written(item: Item, reads: list[RowRead]) -> Scored:
    """A teacher's score: the marked number, or tens plus units."""
    scored = Scored(0)
    for read in reads:
        one = len(read.marks) == 1
        scored.rings += [(read.page, i, "unclear") for i in read.unclear]
        scored.rings += [(read.page, i, "correct" if one else "wrong") for i in read.marks]
    flags = [read.flag for read in reads if read.flag and read.flag != "blank"]
    if flags:
        scored.flags.append(flags[0])
        return scored
    if all(read.flag == "blank" for read in reads):
        scored.flags.append("blank")
        return scored
    total = sum(int(read.answer) for read in reads if read.answer is not None)
    if total > item.points:
        scored.flags.append(f"score {total} is more than its {item.points} points")
        total = item.points
    scored.earned = total
    return scored


def number(value: float) -> str:
    """Integers when whole, else one decimal (SPEC §7)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
