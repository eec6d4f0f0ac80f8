"""What one lesson's or bundle's pages grade to: `<name>-grades.csv` (a row per sheet),
`<name>-items.csv` (a row per item) and `<name>-review.pdf` (SPEC §7).

Pages come together by sheet and page here; a page read twice counts once, a missing
page and a roster student without a sheet are flagged, and every flag is written as
`<item column>: <what>` so a spreadsheet filter finds it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from ..errors import Problem
from .items import Item
from .pages import PageRead
from .plan import Sheet, SheetSet
from .score import RowRead, Scored, number, read_rows, score_item


@dataclass
class Report:
    files: list[tuple[str, bytes, int | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    flagged: int = 0


@dataclass
class SheetRow:
    sheet: Sheet
    pages: dict[int, PageRead] = field(default_factory=dict)
    scores: dict[str, Scored] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def sheet_reports(name: str, group: list[PageRead], sets: dict[str, SheetSet]) -> Report:
    report = Report()
    first = sets[min(sets)]
    columns = [item.column for item in _items(first, min(sets))]
    rows = _sheets(group, sets)
    for row in rows.values():
        _score(row, sets[row.sheet.version])
    for number_, student in enumerate(first.students, start=1):
        if number_ not in rows:
            rows[number_] = SheetRow(Sheet(number_, "", student.name, student.section))
            rows[number_].flags.append("no sheet scanned")
    ordered = [rows[n] for n in sorted(rows)]
    maximum = sum(item.points for item in _items(first, min(sets)))
    report.files.append(("grades.csv", _grades(ordered, columns, maximum), None))
    report.files.append(("items.csv", _item_analysis(ordered, first, min(sets)), None))
    review, pages = _review(name, ordered, sets)
    report.files.append(("review.pdf", review, pages))
    report.flagged = sum(len(row.flags) for row in ordered)
    changed = next((r for r in group if r.changed), None)
    if changed is not None:
        report.problems.append(
            Problem(
                changed.page.path,
                f"page {changed.page.number}: '{name}' changed since these sheets were "
                "printed (its files or the seed differ): grades use it as it is now",
                severity="warning",
            )
        )
    return report


def _items(sheet_set: SheetSet, letter: str) -> tuple[Item, ...]:
    return sheet_set.layout(sheet_set.built(letter)).items


def _sheets(group: list[PageRead], sets: dict[str, SheetSet]) -> dict[int, SheetRow]:
    rows: dict[int, SheetRow] = {}
    for read in sorted(group, key=lambda r: (r.code.sheet, r.code.page, str(r.page.path))):
        code = read.code
        row = rows.get(code.sheet)
        if row is None:
            row = rows[code.sheet] = SheetRow(
                sets[code.version].sheet_of(code.sheet, code.version)
            )
        if code.page in row.pages:
            earlier = row.pages[code.page]
            row.flags.append(
                f"page {code.page} scanned twice ({_where(read)} and "
                f"{_where(earlier)}); counted once"
            )
            continue
        if code.version != row.sheet.version:
            row.flags.append(f"page {code.page} says version {code.version}; ignored")
            continue
        row.pages[code.page] = read
    for row in rows.values():
        count = next(iter(row.pages.values())).code.pages
        for page in range(1, count + 1):
            if page not in row.pages:
                row.flags.append(f"page {page} of {count} not scanned")
    return rows


def _first_pages(version) -> dict[str, int]:
    """The page each item starts on (a score's tens and units rows may part)."""
    starts: dict[str, int] = {}
    for number_, page in enumerate(version.pages, start=1):
        for row in page.rows:
            starts.setdefault(row.item, number_)
    return starts


def _where(read: PageRead) -> str:
    """`<scan path as given>:<page>`, as the grade sheet's `pages` column lists it."""
    return f"{read.page.given}:{read.page.number}"


def _score(row: SheetRow, sheet_set: SheetSet) -> None:
    layout = sheet_set.layout(sheet_set.built(row.sheet.version))
    reads: dict[tuple[str, str], RowRead] = {}
    for number_, read in row.pages.items():
        reads |= read_rows(layout.pages[number_ - 1], read.fills, number_)
    for item in layout.items:
        scored = score_item(item, reads)
        row.scores[item.column] = scored
        row.flags += [f"{item.column}: {flag}" for flag in scored.flags]


def _grades(rows: list[SheetRow], columns: list[str], maximum: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["student", "section", "version", "sheet", "pages", *columns, "total", "max", "problems"]
    )
    for row in rows:
        cells = []
        for column in columns:
            scored = row.scores.get(column)
            cells.append("" if scored is None or scored.earned is None else number(scored.earned))
        earned = [s.earned for s in row.scores.values() if s.earned is not None]
        writer.writerow(
            [
                row.sheet.name,
                row.sheet.section,
                row.sheet.version,
                row.sheet.number,
                "; ".join(_where(row.pages[p]) for p in sorted(row.pages)),
                *cells,
                number(sum(earned)) if row.pages else "",
                maximum,
                "; ".join(row.flags),
            ]
        )
    return out.getvalue().encode()


def _item_analysis(rows: list[SheetRow], sheet_set: SheetSet, letter: str) -> bytes:
    """Per item: its mean, how many got full marks, and how answers spread by the lesson's
    own letters (each version's shuffle undone)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["item", "max", "mean", "percent_full", "blank", "multiple", "unclear", "answers"]
    )
    for item in _items(sheet_set, letter):
        scores = [r.scores[item.column] for r in rows if item.column in r.scores]
        earned = [s.earned for s in scores if s.earned is not None]
        mean = sum(earned) / len(earned) if earned else 0.0
        full = 100 * sum(e >= item.points for e in earned) / len(earned) if earned else 0.0
        writer.writerow(
            [
                item.column,
                item.points,
                f"{mean:.2f}",
                f"{full:.1f}",
                sum(s.count("blank") for s in scores),
                sum(s.count("multiple marks") for s in scores),
                sum(s.count("unclear") for s in scores),
                _answers(item, scores),
            ]
        )
    return out.getvalue().encode()


def _answers(item: Item, scores: list[Scored]) -> str:
    if item.kind == "choice":
        values = sorted(set(item.originals.values()))
    elif item.kind == "truefalse":
        values = ["T", "F"]
    else:
        return ""
    counts = {value: 0 for value in values}
    for scored in scores:
        for answer in scored.answers:
            counts[answer] = counts.get(answer, 0) + 1
    return "; ".join(f"{value}={count}" for value, count in counts.items())


def _review(name: str, rows: list[SheetRow], sets: dict[str, SheetSet]) -> tuple[bytes, int]:
    from .review import review_pdf

    pages = []
    for row in rows:
        for number_ in sorted(row.pages):
            read = row.pages[number_]
            sheet_set = sets[row.sheet.version]
            version = sheet_set.layout(sheet_set.built(row.sheet.version))
            layout = version.pages[number_ - 1]
            rings = [
                (bubble, style)
                for scored in row.scores.values()
                for page, bubble, style in scored.rings
                if page == number_
            ]
            starts = _first_pages(version)
            on_page = [item for item in version.items if starts[item.column] == number_]
            earned = sum(row.scores[i.column].earned or 0 for i in on_page)
            possible = sum(i.points for i in on_page)
            who = row.sheet.name or f"Sheet {row.sheet.number}"
            heading = (
                f"{who} · Version {row.sheet.version} · page {number_} of {read.code.pages}: "
                f"{number(earned)} of {possible} points on this page"
            )
            pages.append((heading, _where(read), read, layout, rings))
    return review_pdf(name, pages, sets[min(sets)])
