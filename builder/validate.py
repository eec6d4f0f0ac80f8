"""Rules that span fields: unique ids, references between questions and readings,
reading files on disk, answers that fit their question, timeline dates that can be
ordered.

They run on every part that has the right shape, even when other parts of the same
lesson do not, so a teacher sees all of a lesson's problems in one run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from .errors import Problem
from .letters import letter, letter_index
from .models import Event, Lesson, Question, Reading
from .sandbox import Refused, read_text_checked
from .theme import builtin_roots
from .yamlfile import MAX_FILE_BYTES, SourceMap


@dataclass
class Parts:
    """The lesson's lists, each item with its index in the file (for positions)."""

    readings: list[tuple[int, Reading]] = field(default_factory=list)
    questions: list[tuple[int, Question]] = field(default_factory=list)
    events: list[tuple[int, Event]] = field(default_factory=list)
    timeline_mode: str | None = None
    reading_ids: set[str] = field(default_factory=set)  # also from readings that failed

    @classmethod
    def from_lesson(cls, lesson: Lesson) -> Parts:
        timeline = lesson.timeline
        return cls(
            readings=list(enumerate(lesson.readings)),
            questions=list(enumerate(lesson.questions)),
            events=list(enumerate(timeline.events)) if timeline else [],
            timeline_mode=timeline.mode if timeline else None,
            reading_ids={r.id for r in lesson.readings},
        )

    @classmethod
    def from_raw(cls, data: dict[str, Any]) -> Parts:
        """The well-formed items of a lesson that failed validation as a whole."""
        readings = _valid_items(data.get("readings"), Reading)
        timeline = data.get("timeline") if isinstance(data.get("timeline"), dict) else {}
        raw_readings = data.get("readings") if isinstance(data.get("readings"), list) else []
        mode = timeline.get("mode", "order")
        return cls(
            readings=readings,
            questions=_valid_items(data.get("questions"), Question),
            events=_valid_items(timeline.get("events"), Event),
            timeline_mode=mode if isinstance(mode, str) else None,
            reading_ids={
                r["id"]
                for r in raw_readings
                if isinstance(r, dict) and isinstance(r.get("id"), str)
            },
        )


def _valid_items(items: object, model: type[pydantic.BaseModel]) -> list[tuple[int, Any]]:
    valid = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        try:
            valid.append((index, model.model_validate(item)))
        except pydantic.ValidationError:
            continue  # already reported by the whole-lesson validation
    return valid


@dataclass
class Checked:
    reading_texts: dict[str, str]
    question_ids: list[str]
    problems: list[Problem]


def validate_parts(
    parts: Parts, folder: Path, root: Path, yaml_path: Path, smap: SourceMap
) -> Checked:
    problems: list[Problem] = []

    def problem(message: str, loc: tuple, severity: str = "error", key: bool = False) -> None:
        pos = smap.key(loc) if key else smap.value(loc)
        problems.append(Problem(yaml_path, message, *(pos or (None, None)), severity))

    seen_readings: set[str] = set()
    texts: dict[str, str] = {}
    for i, reading in parts.readings:
        loc = ("readings", i)
        if reading.id in seen_readings:
            problem(
                f"reading id '{reading.id}' is used twice; give each reading its own id",
                (*loc, "id"),
            )
        seen_readings.add(reading.id)
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
    for i, question in parts.questions:
        loc = ("questions", i)
        qid = question.id or f"q{i + 1}"
        if qid in question_ids:
            problem(
                f"question id '{qid}' is used twice (questions without an id are "
                "q1, q2, ... by position); give this question another id",
                (*loc, "id") if question.id else loc,
            )
        question_ids.append(qid)
        if question.reading is not None and question.reading not in parts.reading_ids:
            known = sorted(parts.reading_ids)
            close = difflib.get_close_matches(question.reading, known, n=1)
            hint = (
                f"; did you mean '{close[0]}'?"
                if close
                else f"; the readings are {', '.join(known)}"
                if known
                else "; this lesson has no readings"
            )
            problem(
                f"question {qid} refers to reading '{question.reading}', which this "
                f"lesson does not have{hint}",
                (*loc, "reading"),
            )
        _check_answer(question, qid, loc, problem)

    if parts.timeline_mode == "order":
        seen: dict[tuple, str] = {}
        for i, event in parts.events:
            if event.date.sort_key in seen:
                problem(
                    f"two events share the date {event.date} ('{seen[event.date.sort_key]}'"
                    f" and '{event.label}'); in 'order' mode students could not tell them "
                    "apart: merge them or change the mode",
                    ("timeline", "events", i, "date"),
                )
            seen[event.date.sort_key] = event.label
    return Checked(texts, question_ids, problems)


def _check_answer(question: Question, qid: str, loc: tuple, problem) -> None:
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
        letters = ", ".join(letter(i) for i in range(len(question.choices)))
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
