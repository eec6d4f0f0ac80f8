"""Rules that span a lesson's fields: unique ids, references between questions and
readings, reading and image files on disk, answers that fit their question, rubric
points, timeline dates that can be ordered. `validate_parts` is the entry point; it
hands the marks written inside texts (anchors, line references, glossary terms, links)
to text_rules.py.

They run on every part that has the right shape, even when other parts of the same
lesson do not, so a teacher sees all of a lesson's problems in one run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from ..errors import Problem
from ..letters import letter, letter_index
from ..sandbox import MAX_IMAGE_BYTES, Refused, checked_path, read_text_checked
from .files import builtin_roots
from .ids import twice, unknown_reading_hint
from .models import Event, Lesson, Organizer, Question, Reading
from .organizer_rules import check_organizers
from .text_rules import check_line_refs, check_reading_body, link_problems
from .yamlfile import MAX_FILE_BYTES, SourceMap


@dataclass
class Parts:
    """The lesson's lists, each item with its index in the file (for positions)."""

    readings: list[tuple[int, Reading]] = field(default_factory=list)
    questions: list[tuple[int, Question]] = field(default_factory=list)
    events: list[tuple[int, Event]] = field(default_factory=list)
    timeline_mode: str | None = None
    organizers: list[tuple[int, Any]] = field(default_factory=list)
    lesson_texts: list[tuple[tuple, object]] = field(default_factory=list)  # Markdown, by loc
    reading_ids: set[str] = field(default_factory=set)  # also from readings that failed

    @classmethod
    def from_lesson(cls, lesson: Lesson) -> Parts:
        timeline = lesson.timeline
        return cls(
            readings=list(enumerate(lesson.readings)),
            questions=list(enumerate(lesson.questions)),
            events=list(enumerate(timeline.events)) if timeline else [],
            timeline_mode=timeline.mode if timeline else None,
            organizers=list(enumerate(lesson.organizers)),
            reading_ids={r.id for r in lesson.readings},
            lesson_texts=[
                (("central_question",), lesson.central_question),
                (("objectives",), lesson.objectives),
                (("timeline", "instructions"), timeline.instructions if timeline else None),
            ],
        )

    @classmethod
    def from_raw(cls, data: dict[str, Any]) -> Parts:
        """The well-formed items of a lesson that failed validation as a whole."""
        readings = _valid_items(data.get("readings"), Reading.model_validate)
        timeline = data.get("timeline") if isinstance(data.get("timeline"), dict) else {}
        raw_readings = data.get("readings") if isinstance(data.get("readings"), list) else []
        mode = timeline.get("mode", "order")
        return cls(
            readings=readings,
            questions=_valid_items(data.get("questions"), Question.model_validate),
            events=_valid_items(timeline.get("events"), Event.model_validate),
            timeline_mode=mode if isinstance(mode, str) else None,
            organizers=_valid_items(data.get("organizers"), ORGANIZER.validate_python),
            reading_ids={
                r["id"]
                for r in raw_readings
                if isinstance(r, dict) and isinstance(r.get("id"), str)
            },
            lesson_texts=[
                (("central_question",), data.get("central_question")),
                (("objectives",), data.get("objectives")),
                (("timeline", "instructions"), timeline.get("instructions")),
            ],
        )


ORGANIZER = pydantic.TypeAdapter(Organizer)


def _valid_items(items: object, validate: Callable[[object], Any]) -> list[tuple[int, Any]]:
    valid = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        try:
            valid.append((index, validate(item)))
        except pydantic.ValidationError:
            continue  # already reported by the whole-lesson validation
    return valid


@dataclass
class Checked:
    reading_texts: dict[str, str]
    original_texts: dict[str, str]
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
    originals: dict[str, str] = {}
    anchors: dict[str, Reading] = {}
    roots = [root, *builtin_roots()]

    def links(value: object, loc: tuple, file: str | None = None) -> None:
        in_file = folder / file if file is not None else None
        problems.extend(link_problems(value, loc, yaml_path, smap, in_file))

    def read(relative: str, loc: tuple) -> str | None:
        try:
            return read_text_checked(folder / relative, roots, MAX_FILE_BYTES)
        except Refused as exc:
            what = {"file": "reading file", "original_file": "original file"}[loc[-1]]
            problem(f"{what} {exc}", loc)
            return None

    for i, reading in parts.readings:
        loc = ("readings", i)
        if reading.id in seen_readings:
            problem(
                f"reading id '{reading.id}' is used twice; give each reading its own id",
                (*loc, "id"),
            )
        seen_readings.add(reading.id)
        body = _one_text(
            reading.text,
            reading.file,
            "text",
            "file",
            loc,
            read,
            problem,
            what=f"reading '{reading.id}'",
            required=True,
        )
        if body is not None:
            texts[reading.id] = body
            check_reading_body(reading, body, loc, anchors, problem)
            links(body, (*loc, "text"), reading.file)
        original = _one_text(
            reading.original,
            reading.original_file,
            "original",
            "original_file",
            loc,
            read,
            problem,
            what=f"reading '{reading.id}'",
        )
        if original is not None:
            originals[reading.id] = original
            links(original, (*loc, "original"), reading.original_file)
        elif reading.show_original:
            problem(
                f"reading '{reading.id}' has show_original: true but no 'original' text",
                (*loc, "show_original"),
            )
        for j, image in enumerate(reading.images):
            if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", image.file):
                problem(
                    f"image '{image.file}' is a web or file address; lessons only use "
                    "files inside their project: save the image next to lesson.yaml and "
                    "give its name",
                    (*loc, "images", j, "file"),
                )
                continue
            _check_image(folder / image.file, roots, (*loc, "images", j, "file"), problem)
        for field_name in ("headnote", "focus_question"):
            check_line_refs(getattr(reading, field_name), (*loc, field_name), anchors, problem)
        for field_name in ("source", "headnote", "focus_question"):
            links(getattr(reading, field_name), (*loc, field_name))
        for j, image in enumerate(reading.images):
            links(image.caption, (*loc, "images", j, "caption"))
            links(image.credit, (*loc, "images", j, "credit"))
        for j, entry in enumerate(reading.glossary):
            links(entry.meaning, (*loc, "glossary", j, "meaning"))

    question_ids: list[str] = []
    for i, question in parts.questions:
        loc = ("questions", i)
        qid = question.id or f"q{i + 1}"
        if qid in question_ids:
            twice("question", qid, "q", question.id is not None, loc, problem)
        question_ids.append(qid)
        if question.reading is not None and question.reading not in parts.reading_ids:
            hint = unknown_reading_hint(question.reading, parts.reading_ids)
            problem(
                f"question {qid} refers to reading '{question.reading}', which this "
                f"lesson does not have{hint}",
                (*loc, "reading"),
            )
        _check_answer(question, qid, loc, problem)
        for field_name in ("prompt", "answer", "choices"):
            check_line_refs(getattr(question, field_name), (*loc, field_name), anchors, problem)
            links(getattr(question, field_name), (*loc, field_name))
        for j, level in enumerate(question.rubric or []):
            check_line_refs(level.descriptor, (*loc, "rubric", j, "descriptor"), anchors, problem)
            links(level.descriptor, (*loc, "rubric", j, "descriptor"))
        if question.rubric and question.points is not None:
            top = max(level.points for level in question.rubric)
            if top != question.points:
                problem(
                    f"question {qid} is worth {question.points} points but its rubric's "
                    f"top level gives {top}",
                    (*loc, "rubric"),
                    severity="warning",
                )

    for i, event in parts.events:
        links(event.text, ("timeline", "events", i, "text"))
    for loc, value in parts.lesson_texts:
        links(value, loc)
    check_organizers(parts.organizers, parts.readings, parts.reading_ids, problem, links, anchors)

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
    return Checked(texts, originals, question_ids, problems)


def _one_text(
    inline: str | None,
    file: str | None,
    inline_name: str,
    file_name: str,
    loc: tuple,
    read,
    problem,
    what: str,
    required: bool = False,
) -> str | None:
    """Text given inline or in a file: exactly one of the two (or neither, if optional)."""
    if inline is not None and file is not None:
        problem(f"{what} has both '{inline_name}' and '{file_name}'; keep one", loc)
        return None
    if file is not None:
        return read(file, (*loc, file_name))
    if inline is None and required:
        problem(
            f"{what} needs '{file_name}' (a Markdown file) or '{inline_name}' (the text itself)",
            loc,
        )
    return inline


IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
MAX_PIXELS = 50_000_000


def _check_image(path: Path, roots: list[Path], loc: tuple, problem) -> None:
    try:
        resolved = checked_path(path, roots)
    except Refused as exc:
        problem(f"image {exc}", loc)
        return
    if resolved.suffix.lower() not in IMAGE_TYPES:
        problem(f"image '{path.name}' is not a PNG, JPEG, GIF, WebP or SVG file", loc)
    elif resolved.stat().st_size > MAX_IMAGE_BYTES:
        problem(f"image '{path.name}' is larger than 20 MB; make it smaller", loc)
    elif resolved.suffix.lower() == ".svg":
        from .svg import problem_message

        if found := problem_message(path.name, resolved.read_bytes()):
            problem(found[1], loc, severity=found[0])
    else:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(resolved) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError):
            problem(f"image '{path.name}' cannot be read as an image", loc)
            return
        if width * height > MAX_PIXELS:
            problem(
                f"image '{path.name}' has {width}×{height} pixels, over 50 megapixels; "
                "make it smaller",
                loc,
            )


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
