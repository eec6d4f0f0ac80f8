"""A validated lesson -> the typed render context the templates read.

Here lesson text becomes sanitized HTML, documents get their letters (A, B, ...),
questions their numbers, default writing space and points, and the timeline its
seeded, reproducible shuffle. Templates only lay out what this module decided, so
the student sheet and the key come from one context and can never disagree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from markupsafe import Markup

from . import text
from .letters import letter
from .load import LessonSource
from .validate import choice_index

DEFAULT_LINES = {"short": 4, "long": 12, "choice": 0, "truefalse": 0}


@dataclass(frozen=True)
class GlossaryView:
    term: str
    meaning: Markup


@dataclass(frozen=True)
class DocumentView:
    id: str
    anchor: str
    label: str  # "A", "B", ...
    title: str | None
    source: Markup
    headnote: Markup
    body: Markup
    glossary: list[GlossaryView]


@dataclass(frozen=True)
class ChoiceView:
    letter: str
    text: Markup
    correct: bool


@dataclass(frozen=True)
class QuestionView:
    id: str
    anchor: str
    number: int
    kind: str
    prompt: Markup
    lines: int
    points: int | None
    document: str | None  # "A" when the question is about Document A
    choices: list[ChoiceView]
    answer: Markup  # model answer (empty when the answer is a list of look-fors)
    look_fors: list[Markup]


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


def assemble(source: LessonSource, version: str = "", seed: int = 1) -> LessonView:
    """Build the render context for one lesson (and one version, for later shuffles)."""
    lesson = source.lesson
    anchor = f"{source.slug}-{version}" if version else source.slug
    documents = [
        DocumentView(
            id=reading.id,
            anchor=f"{anchor}-doc-{reading.id}",
            label=letter(i),
            title=reading.title,
            source=text.inline(reading.source),
            headnote=text.inline(reading.headnote),
            body=text.block(source.reading_texts.get(reading.id, "")),
            glossary=[GlossaryView(g.term, text.inline(g.meaning)) for g in reading.glossary],
        )
        for i, reading in enumerate(lesson.readings)
    ]
    labels = {d.id: d.label for d in documents}
    questions = [
        _question(q, qid, n, anchor, labels)
        for n, (q, qid) in enumerate(
            zip(lesson.questions, source.question_ids, strict=True), start=1
        )
    ]
    timeline = None
    if lesson.timeline is not None:
        timeline = _timeline(lesson.timeline, random.Random(f"{source.slug}:{version}:{seed}"))
    return LessonView(
        slug=source.slug,
        anchor=anchor,
        title=lesson.title,
        subtitle=lesson.subtitle,
        subject=lesson.subject,
        grade=lesson.grade,
        duration=lesson.duration,
        language=lesson.language,
        central_question=text.inline(lesson.central_question),
        objectives=[text.inline(o) for o in lesson.objectives],
        documents=documents,
        questions=questions,
        timeline=timeline,
        total_points=sum(q.points or 0 for q in questions),
    )


def _question(q, qid: str, number: int, anchor: str, labels: dict[str, str]) -> QuestionView:
    answer, look_fors = Markup(""), []
    if isinstance(q.answer, list):
        look_fors = [text.inline(item) for item in q.answer]
    elif q.kind == "truefalse" and q.answer is not None:
        answer = Markup("True" if q.answer.lower() == "true" else "False")
    elif q.answer is not None and q.kind != "choice":
        answer = text.inline(q.answer)
    correct = choice_index(q.answer, q.choices) if q.choices and isinstance(q.answer, str) else None
    choices = [
        ChoiceView(letter(i), text.inline(c), i == correct) for i, c in enumerate(q.choices or [])
    ]
    if correct is not None:
        answer = Markup(f"{letter(correct)}. ") + choices[correct].text
    return QuestionView(
        id=qid,
        anchor=f"{anchor}-{qid}",
        number=number,
        kind=q.kind,
        prompt=text.inline(q.prompt),
        lines=q.lines if q.lines is not None else DEFAULT_LINES[q.kind],
        points=q.points,
        document=labels.get(q.reading) if q.reading else None,
        choices=choices,
        answer=answer,
        look_fors=look_fors,
    )


def _timeline(timeline, rng: random.Random) -> TimelineView:
    chronological = sorted(timeline.events, key=lambda e: e.date.sort_key)
    count = len(chronological)
    instructions = timeline.instructions
    if timeline.mode == "order":
        printed = _shuffled(chronological, rng)
        events = [
            EventView(str(chronological.index(e) + 1), str(e.date), e.label, text.inline(e.text))
            for e in printed
        ]
        instructions = instructions or (f"Number the events from 1 (earliest) to {count} (latest).")
        return TimelineView(
            timeline.title or "Timeline", text.inline(instructions), "order", events
        )
    if timeline.mode == "fill":
        events = [
            EventView(str(i + 1), str(e.date), e.label, text.inline(e.text))
            for i, e in enumerate(chronological)
        ]
        instructions = instructions or "Write the date of each event on its line."
        return TimelineView(timeline.title or "Timeline", text.inline(instructions), "fill", events)
    printed = _shuffled(chronological, rng)
    events = [
        EventView(letter(i), str(e.date), e.label, text.inline(e.text))
        for i, e in enumerate(printed)
    ]
    dates = [(str(e.date), letter(printed.index(e))) for e in chronological]
    instructions = instructions or "Write the letter of the matching event beside each date."
    return TimelineView(
        timeline.title or "Timeline", text.inline(instructions), "match", events, dates
    )


def _shuffled(events: list, rng: random.Random) -> list:
    """A reproducible shuffle that is never the answer itself (SPEC §2)."""
    shuffled = list(events)
    rng.shuffle(shuffled)
    if shuffled == events:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled
