"""A lesson as a quiz any learning platform can take: documents, questions, the
timeline and the organizers as items, each with the HTML a student sees, the points,
the right answers, and the feedback only the teacher (or a student after submitting)
sees. canvas.py and moodle.py write the same items in their platforms' formats.

Items are made from the render context (compose/views.py), so the export shows what the
handout prints: the same sanitized HTML, document letters, question numbers, group
headings and `{line:name}` resolved to the printed handout's line numbers. Nothing here
knows a platform's format.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from markupsafe import Markup

from ..compose.views import DocumentView, LessonView, OrganizerView, QuestionView

ItemKind = Literal["text", "choice", "truefalse", "essay", "matching"]


@dataclass(frozen=True)
class Image:
    """A picture a document shows: the file on disk and its name inside the export."""

    path: Path  # resolved, inside the project (the sandbox checked it when loading)
    name: str  # e.g. "images/3f2a9c1e-map.png", as the item's HTML references it
    alt: str


@dataclass(frozen=True)
class Choice:
    ident: str
    html: str
    correct: bool


@dataclass(frozen=True)
class Item:
    """One quiz item. `html` never holds an answer; `feedback` holds the model answer,
    look-fors, rubric or filled-in organizer (empty with --no-feedback)."""

    ident: str  # stable across exports: from the lesson slug and the question's id
    kind: ItemKind
    title: str  # "Sourcing — Question 1", "Document A: Where the crisis came from"
    html: str
    points: int = 0
    choices: tuple[Choice, ...] = ()  # choice
    answer: bool | None = None  # truefalse
    pairs: tuple[tuple[str, str], ...] = ()  # matching: (prompt, its answer), as plain text
    feedback: str = ""
    images: tuple[Image, ...] = ()
    lines: int = 0  # an essay's writing lines on the handout (0: the platform's default)
    source: str = ""  # what the lesson calls it, for warnings: "question q3", "organizer o2"


@dataclass(frozen=True)
class Quiz:
    """One lesson's items, in the handout's order: each document before its first
    question, the questions, the organizers, the timeline."""

    ident: str
    slug: str
    title: str
    language: str
    items: tuple[Item, ...] = field(default_factory=tuple)

    @property
    def points(self) -> int:
        return sum(item.points for item in self.items)


def quiz(view: LessonView, folder: Path, feedback: bool = True, ident: str = "") -> Quiz:
    """The quiz of one lesson's render context; `folder` is the lesson folder (for
    image files). Documents come before the first question about them; documents no
    question names come first, in order."""
    documents = {d.id: _document_item(view.slug, d, folder) for d in view.documents}
    by_label = {d.label: d.id for d in view.documents}
    first_use: dict[str, int] = {}  # reading id -> the first question about it
    for index, question in enumerate(view.questions):
        if question.document:
            first_use.setdefault(by_label[question.document], index)
    items: list[Item] = [documents[d.id] for d in view.documents if d.id not in first_use]
    group = None  # the heading a question sits under: its own group or the one before
    for index, question in enumerate(view.questions):
        items += [documents[rid] for rid, at in first_use.items() if at == index]
        group = question.group or group
        items.append(_question_item(view.slug, question, group, feedback))
    items += [_organizer_item(view.slug, o, feedback) for o in view.organizers]
    if view.timeline is not None:
        items.append(_timeline_item(view))
    return Quiz(
        ident=ident or stable_id(view.slug),
        slug=view.slug,
        title=view.title,
        language=view.language,
        items=tuple(items),
    )


def stable_id(*parts: str) -> str:
    """An identifier that is the same in every export of the same lesson (so a platform
    re-importing it can update instead of duplicating) and valid as an XML id."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()[:16]
    return f"lp{digest}"


# --- documents ------------------------------------------------------------------------

_LINE_NUMBER = re.compile(r'<span class="ln" aria-hidden="true">(\d+)</span>')


def line_marks(html: str) -> str:
    """Margin line numbers as marks in the text, like the --html page: "(line 15)" where
    printed line 15 starts, so a question citing it stays usable on a screen."""
    return _LINE_NUMBER.sub(r' <span class="line-mark">(line \1)</span> ', html)


def _image(path: Path, alt: str) -> Image:
    """The picture under a name unique to its bytes (two lessons' `map.png` differ) and
    safe on every platform (ASCII letters, digits, `.`, `_`, `-`)."""
    resolved = path.resolve()
    digest = hashlib.sha256(resolved.read_bytes()).hexdigest()[:8]
    name = re.sub(r"[^A-Za-z0-9._-]", "_", resolved.name)
    return Image(resolved, f"images/{digest}-{name}", alt)


def _document_item(slug: str, document: DocumentView, folder: Path) -> Item:
    images = tuple(_image(folder / image.src, image.alt) for image in document.images)
    parts = [
        Markup("<h3>Document {}{}</h3>").format(
            document.label, Markup(": ") + document.title if document.title else ""
        )
    ]
    if document.source:
        parts.append(Markup("<p><strong>Source:</strong> {}</p>").format(document.source))
    if document.headnote:
        parts.append(Markup("<p><em>{}</em></p>").format(document.headnote))
    if document.focus_question:
        parts.append(
            Markup("<p><strong>As you read:</strong> {}</p>").format(document.focus_question)
        )
    for view, image in zip(document.images, images, strict=True):
        caption = Markup(" ").join(x for x in (view.caption, view.credit) if x)
        parts.append(
            Markup('<figure><img src="{}" alt="{}">{}</figure>').format(
                image.name,
                image.alt,
                Markup("<figcaption>{}</figcaption>").format(caption) if caption else "",
            )
        )
    parts.append(Markup(line_marks(str(document.body))))
    if document.notes:
        notes = Markup("").join(
            Markup("<li><strong>{}</strong> {}</li>").format(note.term, note.meaning)
            for note in document.notes
        )
        parts.append(Markup("<p><strong>Glossary</strong></p><ol>{}</ol>").format(notes))
    if document.original:
        parts.append(
            Markup("<p><strong>Original text, unmodified</strong></p>") + document.original
        )
    title = f"Document {document.label}" + (f": {document.title}" if document.title else "")
    return Item(
        ident=stable_id(slug, "document", document.id),
        kind="text",
        title=title,
        html=str(Markup("\n").join(parts)),
        images=images,
        source=f"reading {document.id}",
    )


# --- questions ------------------------------------------------------------------------


def _question_item(slug: str, question: QuestionView, group: str | None, feedback: bool) -> Item:
    title = f"{group} — Question {question.number}" if group else f"Question {question.number}"
    about = (
        Markup("<p><em>Document {}</em></p>").format(question.document) if question.document else ""
    )
    html = str(about + Markup("<p>{}</p>").format(question.prompt))
    common = dict(
        ident=stable_id(slug, "question", question.id),
        title=title,
        html=html,
        points=_points(question),
        lines=question.lines,
        source=f"question {question.id}",
    )
    if question.kind == "choice":
        choices = tuple(
            Choice(stable_id(slug, question.id, choice.letter), str(choice.text), choice.correct)
            for choice in question.choices
        )
        return Item(kind="choice", choices=choices, **common)
    if question.kind == "truefalse":
        return Item(kind="truefalse", answer=str(question.answer) == "True", **common)
    return Item(kind="essay", feedback=_answer_feedback(question) if feedback else "", **common)


def _points(question: QuestionView) -> int:
    """As printed; a choice or true/false question without points counts 1 (as on the
    answer sheets), a written one without points 0 (the teacher scores it)."""
    if question.points is not None:
        return question.points
    return 1 if question.kind in ("choice", "truefalse") else 0


def _answer_feedback(question: QuestionView) -> str:
    """The key's answer to a written question: model answer, look-fors, rubric."""
    parts = []
    if question.answer:
        parts.append(Markup("<p><strong>Answer:</strong> {}</p>").format(question.answer))
    if question.look_fors:
        items = Markup("").join(Markup("<li>{}</li>").format(x) for x in question.look_fors)
        parts.append(Markup("<p><strong>Look for:</strong></p><ul>{}</ul>").format(items))
    if question.rubric:
        rows = Markup("").join(
            Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>").format(
                level.points, level.label or "", level.descriptor
            )
            for level in question.rubric
        )
        parts.append(
            Markup(
                "<p><strong>Rubric</strong></p><table><thead><tr><th>Points</th><th>Level</th>"
                "<th>What it looks like</th></tr></thead><tbody>{}</tbody></table>"
            ).format(rows)
        )
    return str(Markup("\n").join(parts))


# --- organizers -----------------------------------------------------------------------


def _organizer_item(slug: str, organizer: OrganizerView, feedback: bool) -> Item:
    """An essay: the organizer's table with blank cells to fill in; the key's table in
    the feedback."""
    html = Markup("<p>{}</p>").format(organizer.instructions) + _organizer_table(organizer, False)
    return Item(
        ident=stable_id(slug, "organizer", organizer.id),
        kind="essay",
        title=f"{organizer.id.upper()}: {organizer.title}",
        html=str(html),
        points=organizer.points or 0,
        feedback=str(_organizer_table(organizer, True)) if feedback else "",
        source=f"organizer {organizer.id}",
    )


def _organizer_table(organizer: OrganizerView, answers: bool) -> Markup:
    rows = organizer.rows if answers else organizer.rows[: organizer.student_rows]
    if organizer.kind == "chain":
        steps = Markup("").join(
            Markup("<li>{}</li>").format(
                row.cells[0] if row.given or answers else Markup("____________")
            )
            for row in rows
        )
        return Markup("<ol>{}</ol>").format(steps)
    head = {"sourcing": "Document", "corroboration": "Claim"}.get(organizer.kind)
    header = Markup("").join(Markup("<th>{}</th>").format(c) for c in organizer.columns)
    if head:
        header = Markup("<th>{}</th>").format(head) + header
    body = []
    for row in rows:
        cells = Markup("").join(
            Markup("<td>{}</td>").format(cell if answers else "") for cell in row.cells
        )
        if organizer.kind == "sourcing":
            first = Markup("<th>Document {}{}</th>").format(
                row.label, Markup(": ") + row.title if row.title else ""
            )
        elif organizer.kind == "corroboration":
            note = Markup("<br><em>{}</em>").format(row.note) if answers and row.note else ""
            first = Markup("<th>{}{}</th>").format(row.head, note)
        else:
            first = Markup("")
        body.append(Markup("<tr>{}{}</tr>").format(first, cells))
    return Markup('<table border="1"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>').format(
        header, Markup("").join(body)
    )


# --- the timeline ---------------------------------------------------------------------


def _timeline_item(view: LessonView) -> Item:
    """A matching item: order — each event to its position 1…n; fill — each event to its
    date; match — each date to its event. Points: one per row."""
    timeline = view.timeline
    if timeline.mode == "order":
        pairs = tuple((e.label, e.key) for e in timeline.events)
    elif timeline.mode == "fill":
        pairs = tuple((e.label, e.date) for e in timeline.events)
    else:
        by_letter = {e.key: e.label for e in timeline.events}
        pairs = tuple((date, f"{letter}. {by_letter[letter]}") for date, letter in timeline.dates)
    return Item(
        ident=stable_id(view.slug, "timeline"),
        kind="matching",
        title=timeline.title,
        html=str(Markup("<p>{}</p>").format(timeline.instructions)),
        points=len(pairs),
        pairs=pairs,
        source="the timeline",
    )
