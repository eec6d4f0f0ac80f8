"""What an answer sheet grades, lesson by lesson: its rows of bubbles, the right bubble
in each, and the points (SPEC §7).

One list serves the printed sheet (its rows, in the handout's order), the grader (the
right answers of the version the QR code names) and the warnings a teacher sees before
printing, so the three cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import Problem
from ..letters import letter
from ..project.ids import organizer_id
from .layout import Row

if TYPE_CHECKING:
    from ..compose.views import LessonView, QuestionView
    from ..project.lesson import LessonSource

MAX_POINTS = 99  # two digits of score bubbles
MAX_ORDER_ROWS = 12  # bubbles 1..12 on one line
MAX_MATCH_ROWS = 24  # letters A..X


@dataclass(frozen=True)
class Item:
    """One column of the grade sheet: a question, an organizer, or the timeline."""

    column: str  # "q3", "o1", "timeline"; "<slug>/q3" in a bundle
    kind: str  # choice | truefalse | written | order | match
    points: int  # the most it can score
    rows: tuple[Row, ...]
    correct: tuple[str | None, ...] = ()  # per row, the right bubble; None: no answer given
    per_row: int = 0  # timeline: points for each right row
    originals: dict[str, str] = field(default_factory=dict)  # bubble -> the lesson's letter


def lesson_items(view: LessonView, base: LessonView, prefix: str = "") -> list[Item]:
    """The gradable items of one printed lesson (`view`, one version of it) in the order
    its handout prints them; `base` is the lesson unshuffled, to name answers by the
    lesson's own letters. `prefix` is "<slug>/" in a bundle."""
    items = [_question(q, b, prefix) for q, b in zip(view.questions, base.questions, strict=True)]
    items += [
        _written(prefix + o.id, o.id.upper(), o.points)
        for o in view.organizers
        if o.points is not None
    ]
    items.append(_timeline(view, prefix))
    return [item for item in items if item is not None]


def _question(q: QuestionView, base: QuestionView, prefix: str) -> Item | None:
    column, label = prefix + q.id, str(q.number)
    if q.kind == "choice":
        values = tuple(c.letter for c in q.choices)
        right = next((c.letter for c in q.choices if c.correct), None)
        lesson_letter = {c.text: c.letter for c in base.choices}
        originals = {c.letter: lesson_letter.get(c.text, c.letter) for c in q.choices}
        row = Row(column, label, "choice", values)
        return Item(column, "choice", _points(q.points), (row,), (right,), originals=originals)
    if q.kind == "truefalse":
        right = {"True": "T", "False": "F"}.get(str(q.answer))
        row = Row(column, label, "truefalse", ("T", "F"))
        return Item(column, "truefalse", _points(q.points), (row,), (right,))
    return _written(column, label, q.points)


def _points(points: int | None) -> int:
    return 1 if points is None else points  # a choice without points counts 1 (SPEC §7)


def _written(column: str, label: str, points: int | None) -> Item | None:
    """Score bubbles the teacher fills: 0..points, or a tens and a units row above 9."""
    if points is None:
        return None
    if points <= 9:
        rows = (Row(column, label, "score", tuple(str(n) for n in range(points + 1))),)
    else:
        tens = tuple(str(n) for n in range(0, points + 1, 10))
        units = tuple(str(n) for n in range(10))
        rows = (
            Row(column, label, "score", tens, part="tens"),
            Row(column, label, "score", units, part="units"),
        )
    return Item(column, "written", points, rows)


def _timeline(view: LessonView, prefix: str) -> Item | None:
    """`order`: a row per event as printed, bubbles 1..n; `match`: a row per date, bubbles
    the event letters. Graded only when the timeline has points and fits the sheet."""
    timeline = view.timeline
    if timeline is None or timeline.points is None:
        return None
    if not _on_sheet(timeline.mode, len(timeline.events)):
        return None
    column = prefix + "timeline"
    count = len(timeline.events)
    per_row = timeline.points // count
    if timeline.mode == "order":
        values = tuple(str(n) for n in range(1, count + 1))
        correct = tuple(event.key for event in timeline.events)
    else:
        values = tuple(letter(n) for n in range(count))
        correct = tuple(answer for _, answer in timeline.dates)
    rows = tuple(
        Row(column, f"T{n}", timeline.mode, values, part=str(n)) for n in range(1, count + 1)
    )
    return Item(column, timeline.mode, timeline.points, rows, correct, per_row=per_row)


def _on_sheet(mode: str, events: int) -> bool:
    if mode == "order":
        return events <= MAX_ORDER_ROWS
    return mode == "match" and events <= MAX_MATCH_ROWS


def sheet_problems(source: LessonSource) -> list[Problem]:
    """What a teacher should know before printing answer sheets for this lesson: items
    counted as 1 point, points beyond two digits (an error), a timeline left off."""
    problems = []
    path, lesson = source.yaml_path, source.lesson

    def at(name: str, message: str, severity: str = "warning") -> None:
        problems.append(Problem(path, message, *source.places.get(name, ()), severity=severity))

    for q, qid in zip(lesson.questions, source.question_ids, strict=True):
        name = f"question {qid}"
        if q.kind in ("choice", "truefalse") and q.points is None:
            at(name, f"question {qid} counts 1 point on the answer sheet; give it 'points:'")
        if (q.points or 0) > MAX_POINTS:
            at(name, _too_many(f"question {qid}", q.points), "error")
    for i, organizer in enumerate(lesson.organizers):
        oid = organizer_id(organizer, i)
        if (organizer.points or 0) > MAX_POINTS:
            at(f"organizer {oid}", _too_many(f"organizer {oid}", organizer.points), "error")
    timeline = lesson.timeline
    if timeline is not None and timeline.points is not None:
        count = len(timeline.events)
        if timeline.mode != "fill" and not _on_sheet(timeline.mode, count):
            limit = MAX_ORDER_ROWS if timeline.mode == "order" else MAX_MATCH_ROWS
            at(
                "timeline",
                f"the timeline's {count} events are more than an answer sheet holds in "
                f"'{timeline.mode}' mode ({limit}): it is left off the sheet; grade it on "
                "the handout",
            )
    return problems


def _too_many(what: str, points: int) -> str:
    return (
        f"{what} is worth {points} points: an answer sheet scores at most {MAX_POINTS}; "
        "lower its points, or leave answer sheets off"
    )
