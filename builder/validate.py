"""Rules that span fields: unique ids, references between questions and readings,
reading files on disk, answers that fit their question, timeline dates that can be
ordered. Runs after the models accepted the shapes; reports every problem found.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from .errors import Problem
from .letters import letter_index
from .load import LessonSource, project_root
from .models import Lesson
from .sandbox import Refused, read_text_checked
from .theme import builtin_roots
from .yamlfile import MAX_FILE_BYTES, SourceMap


def validate_lesson(
    lesson: Lesson, slug: str, folder: Path, yaml_path: Path, smap: SourceMap
) -> tuple[LessonSource, list[Problem]]:
    problems: list[Problem] = []

    def problem(message: str, loc: tuple, severity: str = "error", key: bool = False) -> None:
        pos = smap.key(loc) if key else smap.value(loc)
        problems.append(Problem(yaml_path, message, *(pos or (None, None)), severity))

    root = project_root(folder)
    reading_ids: list[str] = []
    texts: dict[str, str] = {}
    for i, reading in enumerate(lesson.readings):
        loc = ("readings", i)
        if reading.id in reading_ids:
            problem(
                f"reading id '{reading.id}' is used twice; give each reading its own id",
                (*loc, "id"),
            )
        reading_ids.append(reading.id)
        if (reading.file is None) == (reading.text is None):
            problem(
                f"reading '{reading.id}' needs exactly one of 'file' (a Markdown file) "
                "or 'text' (the text itself)",
                loc,
            )
        elif reading.file is not None:
            try:
                texts[reading.id] = read_text_checked(
                    folder / reading.file, [root, *builtin_roots()], MAX_FILE_BYTES
                )
            except Refused as exc:
                problem(f"reading file {exc}", (*loc, "file"))
        else:
            texts[reading.id] = reading.text or ""

    question_ids: list[str] = []
    for i, question in enumerate(lesson.questions):
        loc = ("questions", i)
        qid = question.id or f"q{i + 1}"
        if qid in question_ids:
            problem(
                f"question id '{qid}' is used twice (questions without an id are "
                f"q1, q2, ... by position); give this question another id",
                (*loc, "id") if question.id else loc,
            )
        question_ids.append(qid)
        if question.reading is not None and question.reading not in reading_ids:
            close = difflib.get_close_matches(question.reading, reading_ids, n=1)
            hint = (
                f"; did you mean '{close[0]}'?"
                if close
                else (
                    f"; the readings are {', '.join(reading_ids)}"
                    if reading_ids
                    else "; this lesson has no readings"
                )
            )
            problem(
                f"question {qid} refers to reading '{question.reading}', which this lesson "
                f"does not have{hint}",
                (*loc, "reading"),
            )
        _check_answer(question, qid, loc, problem)

    if lesson.timeline is not None and lesson.timeline.mode == "order":
        seen: dict[tuple, str] = {}
        for i, event in enumerate(lesson.timeline.events):
            if event.date.sort_key in seen:
                problem(
                    f"two events share the date {event.date} ('{seen[event.date.sort_key]}' "
                    f"and '{event.label}'); in 'order' mode students could not tell "
                    "them apart: merge them or change the mode",
                    ("timeline", "events", i, "date"),
                )
            seen[event.date.sort_key] = event.label

    source = LessonSource(
        slug=slug,
        folder=folder.resolve(),
        yaml_path=yaml_path.resolve(),
        root=root,
        lesson=lesson,
        question_ids=question_ids,
        reading_texts=texts,
        warnings=[p for p in problems if p.severity == "warning"],
    )
    return source, problems


def _check_answer(question, qid: str, loc: tuple, problem) -> None:
    answer = question.answer
    if question.kind == "choice" and not question.choices:
        problem(f"question {qid} is a 'choice' question but has no 'choices'", loc)
    if question.kind != "choice" and question.choices:
        problem(
            f"question {qid} has 'choices' but its kind is '{question.kind}'; "
            "add 'kind: choice' or remove the choices",
            (*loc, "choices"),
            key=True,
        )
    if answer is None:
        problem(
            f"question {qid} has no 'answer'; the key will leave it blank", loc, severity="warning"
        )
        return
    if question.kind == "truefalse" and str(answer).lower() not in ("true", "false"):
        problem(f"the answer to true/false question {qid} must be true or false", (*loc, "answer"))
    if (
        question.kind == "choice"
        and question.choices
        and (isinstance(answer, list) or choice_index(answer, question.choices) is None)
    ):
        letters = ", ".join(_letters(len(question.choices)))
        problem(
            f"the answer to question {qid} must be one of its choices, written out "
            f"or as a letter ({letters})",
            (*loc, "answer"),
        )


def choice_index(answer: str, choices: list[str]) -> int | None:
    """The position of the correct choice, from its letter or its exact text."""
    if answer in choices:
        return choices.index(answer)
    index = letter_index(answer.strip().rstrip(".)"))
    return index if index is not None and index < len(choices) else None


def _letters(count: int) -> list[str]:
    from .letters import letter

    return [letter(i) for i in range(count)]
