"""A validated lesson -> the typed render context (views.py) the templates read.

Here lesson text becomes sanitized HTML, documents get their letters (A, B, ...),
questions their numbers, groups, default writing space and points, line references
their numbers in this layout, and the timeline its seeded, reproducible shuffle.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from markupsafe import Markup

from ..letters import letter
from ..project.lesson import LessonSource
from ..project.rules import choice_index
from . import text
from .line_numbers import LineMap
from .organizers import organizer_views
from .readings import LineRefs, document_views
from .timeline import timeline_view
from .views import ChoiceView, LessonView, QuestionView, RubricLevelView

DEFAULT_LINES = {"short": 4, "long": 12, "choice": 0, "truefalse": 0}


def assemble(
    source: LessonSource,
    version: str = "",
    seed: int = 1,
    lines: dict[str, LineMap] | None = None,
    measuring: bool = False,
    header: str = "",
    large_print: bool = False,
) -> LessonView:
    """Build the render context for one lesson.

    `lines` are the measured line maps of this layout (line_numbers.py); `measuring`
    builds the context for the measuring pass itself."""
    lesson = source.lesson
    anchor = f"{source.slug}-{version}" if version else source.slug
    documents, refs = document_views(source, anchor, lines)
    labels = {d.id: d.label for d in documents}
    questions = []
    current_group = None  # a heading prints when a question names a new group
    for number, (q, qid) in enumerate(
        zip(lesson.questions, source.question_ids, strict=True), start=1
    ):
        new_group = q.group is not None and q.group != current_group
        current_group = q.group or current_group
        rng = random.Random(f"{source.slug}:{version}:{seed}:{qid}") if version else None
        questions.append(
            _question(q, qid, number, anchor, labels, refs, new_group=new_group, shuffle=rng)
        )
    timeline = None
    if lesson.timeline is not None:
        rng = random.Random(f"{source.slug}:{version}:{seed}")
        timeline = timeline_view(lesson.timeline, rng, large_print)
    organizers = organizer_views(lesson.organizers, documents, lesson.readings, anchor, refs.inline)
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
        organizers=organizers,
        total_points=sum(q.points or 0 for q in [*questions, *organizers])
        + ((timeline.points or 0) if timeline else 0),
        measuring=measuring,
        header=header,
        version=version,
        large_print=large_print,
        line_pitch_in=0.5 if large_print else 11 / 32,
        project=Path(os.path.relpath(source.root, source.folder)).as_posix(),
        page_breaks=frozenset(lesson.page_break_before),
    )


def needs_measuring(source: LessonSource) -> bool:
    """Whether this lesson's layout must be measured once before the final render."""
    return any(reading.line_numbers for reading in source.lesson.readings)


def _question(
    q,
    qid: str,
    number: int,
    anchor: str,
    labels: dict[str, str],
    refs: LineRefs,
    new_group: bool,
    shuffle: random.Random | None = None,
) -> QuestionView:
    answer, look_fors = Markup(""), []
    if isinstance(q.answer, list):
        look_fors = [refs.inline(item) for item in q.answer]
    elif q.kind == "truefalse" and q.answer is not None:
        answer = Markup("True" if q.answer.lower() == "true" else "False")
    elif q.answer is not None and q.kind != "choice":
        answer = refs.inline(q.answer)
    correct = choice_index(q.answer, q.choices) if q.choices and isinstance(q.answer, str) else None
    order = list(range(len(q.choices or [])))
    if shuffle is not None:  # a version: same choices, another order; the key follows it
        shuffle.shuffle(order)
    choices = [
        ChoiceView(letter(position), refs.inline(q.choices[i]), i == correct)
        for position, i in enumerate(order)
    ]
    correct = next((n for n, choice in enumerate(choices) if choice.correct), None)
    if correct is not None:
        answer = Markup(f"{letter(correct)}. ") + choices[correct].text
    return QuestionView(
        id=qid,
        anchor=f"{anchor}-{qid}",
        number=number,
        kind=q.kind,
        group=q.group,
        new_group=new_group,
        prompt=refs.inline(q.prompt),
        lines=q.lines if q.lines is not None else DEFAULT_LINES[q.kind],
        points=q.points,
        document=labels.get(q.reading) if q.reading else None,
        choices=choices,
        answer=answer,
        look_fors=look_fors,
        rubric=[
            RubricLevelView(level.points, level.label, refs.inline(level.descriptor))
            for level in q.rubric or []
        ],
    )
