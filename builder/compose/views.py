"""The typed render context: everything a template may show, decided before rendering.

Templates only lay out these values. The student sheet and the key read the same
views (the key adds `show_answers`), so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup


@dataclass(frozen=True)
class NoteView:
    number: int
    term: str
    meaning: Markup


@dataclass(frozen=True)
class ImageView:
    src: str  # as written in the lesson, relative to lesson.yaml (the PDF fetches it)
    asset: str  # where --html copies it, relative to the HTML page
    alt: str
    caption: Markup
    credit: Markup


@dataclass(frozen=True)
class DocumentView:
    id: str
    anchor: str
    label: str  # "A", "B", ...
    title: str | None
    source: Markup
    headnote: Markup
    focus_question: Markup
    images: list[ImageView]
    body: Markup
    numbered: bool  # margin line numbers
    printed_lines: int | None  # how many lines the measuring pass found (for the check)
    notes: list[NoteView]  # the glossary, as numbered notes at the foot of the document
    original: Markup | None  # the unmodified text, when the teacher chose to show it


@dataclass(frozen=True)
class ChoiceView:
    letter: str
    text: Markup
    correct: bool


@dataclass(frozen=True)
class RubricLevelView:
    points: int
    label: str | None
    descriptor: Markup


@dataclass(frozen=True)
class QuestionView:
    id: str
    anchor: str
    number: int
    kind: str
    group: str | None  # printed as a heading when it differs from the question before
    new_group: bool
    prompt: Markup
    lines: int
    points: int | None
    document: str | None  # "A" when the question is about Document A
    choices: list[ChoiceView]
    answer: Markup  # model answer (empty when the answer is a list of look-fors)
    look_fors: list[Markup]
    rubric: list[RubricLevelView]


@dataclass(frozen=True)
class EventView:
    key: str  # what the student writes: a number (order) or a letter (match)
    date: str
    label: str
    detail: Markup


@dataclass(frozen=True)
class TimelineView:
    title: str
    instructions: Markup
    mode: str
    events: list[EventView]  # in the order printed on the student sheet
    dates: list[tuple[str, str]] = field(default_factory=list)  # match mode: (date, letter)
    # The drawn timeline, in as many parts as it needs to fit pages: with dates and labels
    # for the key; with numbered blank markers for the student sheet in fill mode only.
    drawing_key: list[Markup] = field(default_factory=list)
    drawing_student: list[Markup] = field(default_factory=list)
    points: int | None = None  # all its rows together: `points:` per correct row (SPEC §2)

    @property
    def match_rows(self) -> list[tuple[tuple[str, str], EventView]]:
        """Match mode's table rows: each date (with its answer) beside one lettered event."""
        return list(zip(self.dates, self.events, strict=True))


EMPTY = Markup("")


@dataclass(frozen=True)
class OrganizerRowView:
    """One row of an organizer: a document, a claim, a chart row or a chain's step."""

    head: Markup  # the row's first cell: a claim's text, a step's number (empty for a chart)
    cells: list[Markup]  # what the key prints in each column ("" where it prints nothing)
    label: str = ""  # a document's letter, for a sourcing chart
    title: str | None = None  # a document's title and source line, for a sourcing chart
    source: Markup = EMPTY
    note: Markup = EMPTY  # a claim's note (key only)
    given: bool = False  # a chain step printed on both sheets


# Handwriting room: a sourcing cell holds at least three wide-ruled lines, a
# corroboration cell a word and a line of evidence, a chart cell a phrase.
CELL_LINES = {"sourcing": 3, "corroboration": 2, "chart": 2, "chain": 2}
WIDE_RULED_IN = 11 / 32
MIN_COLUMN_IN = 0.9  # narrower than this, handwriting and 9 pt headings don't fit
HEAD_COLUMN_IN = {"sourcing": 1.5, "corroboration": 2.6}  # the documents', the claims'
WORD_COLUMN_IN = 1.1  # a corroboration cell: "contradicts" and a word of evidence


@dataclass(frozen=True)
class OrganizerView:
    id: str  # o1, o2, ...
    anchor: str
    kind: str  # sourcing | corroboration | chart | chain
    title: str
    instructions: Markup
    points: int | None
    columns: list[str]  # the header row after the head column
    rows: list[OrganizerRowView]  # as the key prints them
    student_rows: int  # how many of them the student sheet prints (a chart's blank rows)

    def writing(self, pitch_in: float) -> tuple[int, float]:
        """(writing lines, cell height in inches) of an answer cell at this line pitch:
        the room of CELL_LINES wide-ruled lines, in as many whole lines of the pitch as fit
        it (large print's 0.5 in lines: two in a sourcing cell, so APPARTS fits a page)."""
        height = CELL_LINES[self.kind] * WIDE_RULED_IN
        lines = max(1, int(height / pitch_in + 0.1))
        return lines, max(height, lines * pitch_in)

    def as_table(self, body_width_in: float, large_print: bool) -> bool:
        """Whether a sourcing chart prints as one table (documents in rows) or, when its
        columns would be narrower than handwriting needs, one table per document."""
        if self.kind != "sourcing":
            return True
        wanted = HEAD_COLUMN_IN["sourcing"] + MIN_COLUMN_IN * len(self.columns)
        return not large_print and wanted <= body_width_in

    def fits_a_page(self, body_height_in: float, pitch_in: float, large_print: bool) -> bool:
        """False when even the organizer's least height (its title, header row and cells'
        writing room, row by row) is taller than a page: kept whole, it would first be
        pushed to the next page, leaving this one short, and then break anyway."""
        cell = self.writing(pitch_in)[1] + 0.06  # the cell's padding and rule
        if self.kind == "chain":
            lines = -(-len(self.rows) // (2 if large_print else 4))
            return 0.9 + lines * (cell + 0.3) <= body_height_in
        return 0.9 + 0.3 + len(self.rows) * cell <= body_height_in

    def column_groups(self, body_width_in: float, large_print: bool) -> list[range]:
        """A corroboration grid's document columns in as many tables as it takes to keep
        each column at least WORD_COLUMN_IN wide (1.8 in in large print), the claims
        repeated in each; one group for every other kind."""
        if self.kind != "corroboration":
            return [range(len(self.columns))]
        width = 1.8 if large_print else WORD_COLUMN_IN
        head = 2.8 if large_print else HEAD_COLUMN_IN["corroboration"]
        per_table = max(1, int((body_width_in - head) // width))
        count = len(self.columns)
        return [range(i, min(i + per_table, count)) for i in range(0, count, per_table)]


@dataclass(frozen=True)
class LessonView:
    slug: str
    anchor: str
    title: str
    subtitle: str | None
    subject: str | None
    grade: str | None
    duration: str | None
    language: str
    central_question: Markup
    objectives: list[Markup]
    documents: list[DocumentView]
    questions: list[QuestionView]
    timeline: TimelineView | None
    total_points: int
    organizers: list[OrganizerView] = field(default_factory=list)
    measuring: bool = False  # the line-measuring pass: only numbered readings are shown
    header: str = ""  # a bundle's class · teacher · date, on every page
    version: str = ""  # "A", "B", ... when a lesson is printed in versions
    large_print: bool = False
    line_pitch_in: float = 11 / 32  # writing lines: wide-ruled, or wider in large print
    project: str = "."  # the project folder relative to the lesson's, for theme images
    page_breaks: frozenset[str] = frozenset()  # sections that start on a fresh page

    @property
    def rubrics(self) -> list[QuestionView]:
        return [q for q in self.questions if q.rubric]


@dataclass(frozen=True)
class CoverView:
    """A bundle's cover: what the packet is for, and where each lesson starts."""

    title: str
    header: str  # class · teacher · date
    version: str
    language: str
    lessons: list[tuple[str, int]]  # (lesson title, packet page)
