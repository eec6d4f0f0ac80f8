"""Lesson folders -> validated `LessonSource`s, or line-numbered problems.

Reading the YAML (yamlfile.py), checking it against the models (models.py) and
the cross-field rules (rules.py) all report `Problem`s with file, line and
column; nothing here raises on bad input, so every problem of every lesson can be
listed in one run.
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

import pydantic

from ..errors import Problem
from . import models
from .files import LESSON_FILE, SLUG, project_root
from .models import MAX_EVENTS, MAX_QUESTIONS, MAX_READINGS, Lesson
from .yamlfile import Loc, SourceMap, read_yaml


@dataclass
class LessonSource:
    """A lesson that passed validation, with everything needed to render it."""

    slug: str
    folder: Path
    yaml_path: Path
    root: Path  # the project: the folder holding lessons/, or the lesson folder itself
    lesson: Lesson
    question_ids: list[str]
    reading_texts: dict[str, str] = field(default_factory=dict)  # reading id -> Markdown
    original_texts: dict[str, str] = field(default_factory=dict)  # unmodified excerpts
    # Where each question (by id), organizer (by id) and the timeline ("timeline") start
    # in lesson.yaml, for problems found after loading (answer sheets: grade/items.py).
    places: dict[str, tuple[int, int]] = field(default_factory=dict)


def load_lesson(folder: Path) -> tuple[LessonSource | None, list[Problem]]:
    """Load and validate one lesson folder; returns the lesson (if valid) and all problems,
    sorted by line."""
    from .rules import Parts, validate_parts

    yaml_path = folder / LESSON_FILE
    slug = folder.resolve().name
    problems: list[Problem] = []
    if not SLUG.match(slug):
        suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "my-lesson"
        problems.append(
            Problem(
                folder,
                f"folder name '{slug}' cannot be a lesson slug: use "
                "lowercase letters, digits and hyphens (e.g. "
                f"'{suggestion}')",
            )
        )
    data, smap, yaml_problems = read_yaml(yaml_path, [project_root(folder)])
    problems += yaml_problems
    if yaml_problems:
        return None, problems
    if not isinstance(data, dict):
        pos = smap.value(())
        problems.append(
            Problem(
                yaml_path,
                "a lesson file must be a set of fields such as 'title: ...', one per line",
                *(pos or ()),
            )
        )
        return None, problems
    if oversized := _oversized_lists(data, smap, yaml_path):
        return None, problems + oversized  # stop at once: validating them would take long
    lesson = None
    try:
        lesson = Lesson.model_validate(data)
        parts = Parts.from_lesson(lesson)
    except pydantic.ValidationError as exc:
        problems += problems_from_validation(exc, smap, yaml_path, Lesson)
        parts = Parts.from_raw(data)
    root = project_root(folder)
    checked = validate_parts(parts, folder, root, yaml_path, smap)
    problems = sorted(problems + checked.problems, key=_by_position)
    if lesson is None or any(p.severity == "error" for p in problems):
        return None, problems
    source = LessonSource(
        slug=slug,
        folder=folder.resolve(),
        yaml_path=yaml_path.resolve(),
        root=root,
        lesson=lesson,
        question_ids=checked.question_ids,
        reading_texts=checked.reading_texts,
        original_texts=checked.original_texts,
        places=_places(lesson, checked.question_ids, smap),
    )
    return source, problems


def _places(lesson: Lesson, question_ids: list[str], smap: SourceMap) -> dict[str, tuple[int, int]]:
    from .ids import organizer_id

    located = [(f"question {qid}", ("questions", i)) for i, qid in enumerate(question_ids)]
    located += [
        (f"organizer {organizer_id(o, i)}", ("organizers", i))
        for i, o in enumerate(lesson.organizers)
    ]
    located.append(("timeline", ("timeline",)))
    return {name: pos for name, loc in located if (pos := smap.value(loc) or smap.key(loc))}



def _oversized_lists(data: dict, smap: SourceMap, path: Path) -> list[Problem]:
    timeline = data.get("timeline") if isinstance(data.get("timeline"), dict) else {}
    lists = {
        ("questions",): (data.get("questions"), MAX_QUESTIONS),
        ("readings",): (data.get("readings"), MAX_READINGS),
        ("timeline", "events"): (timeline.get("events"), MAX_EVENTS),
    }
    return [
        Problem(
            path,
            f"'{loc[-1]}' has {len(items)} items; at most {limit} are allowed",
            *(smap.value(loc) or (None, None)),
        )
        for loc, (items, limit) in lists.items()
        if isinstance(items, list) and len(items) > limit
    ]


def _by_position(problem: Problem) -> tuple:
    return (str(problem.path), problem.line or 0, problem.col or 0)


# --- turning pydantic's errors into a teacher's messages -----------------------------

_TYPE_TAG = re.compile(r"[\[(]|^(str|int|bool|list|dict|float|(function|constrained)-\w+)$")


def problems_from_validation(
    exc: pydantic.ValidationError, smap: SourceMap, path: Path, model: type[pydantic.BaseModel]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[Loc] = set()
    for error in exc.errors():
        raw, unknown = error["loc"], error["type"] == "extra_forbidden"
        loc: Loc = tuple(
            x for i, x in enumerate(raw) if not _is_tag(x) or (unknown and i == len(raw) - 1)
        )
        if loc in seen:  # a union reports once per member; one message is enough
            continue
        seen.add(loc)
        message, pos = _message(error, loc, smap, model, raw)
        problems.append(Problem(path, message, *(pos or (None, None))))
    return problems


def _is_tag(item: str | int) -> bool:
    """A union member's name in pydantic's loc ('str', 'list[...]', 'TimelineOverride'),
    not a field of the file (an unknown field is the file's, whatever its name)."""
    return isinstance(item, str) and bool(_TYPE_TAG.search(item) or item in _MODEL_NAMES)


_MODEL_NAMES = frozenset(
    name
    for name, value in vars(models).items()
    if isinstance(value, type) and issubclass(value, pydantic.BaseModel)
)


def _message(
    error: dict, loc: Loc, smap: SourceMap, model: type[pydantic.BaseModel], raw: tuple = ()
):
    kind = error["type"]
    name = next((str(x) for x in reversed(loc) if isinstance(x, str)), "value")
    where = _where(loc[:-1] if kind in ("missing", "extra_forbidden") else loc)
    got = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return f"missing required field '{name}'{where}", smap.value(loc[:-1])
    if kind == "extra_forbidden":
        allowed = _fields_at(model, raw[:-1] or loc[:-1])
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = (
            f"; did you mean '{close[0]}'?"
            if close
            else f"; fields allowed here: {', '.join(allowed)}"
        )
        return f"unknown field '{name}'{where}{hint}", smap.key(loc)
    pos = smap.value(loc)
    if kind == "value_error":
        return f"{name}: {ctx.get('error', error['msg'])}", pos
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"'{name}' must be a whole number, not {_kind_of(got)}", pos
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"'{name}' is {got}; {error['msg'].lower()}", pos
    if kind == "too_long" and isinstance(got, list):
        return f"'{name}' has {_items(len(got))}; at most {ctx['max_length']} are allowed", pos
    if kind == "too_short" and isinstance(got, list):
        return f"'{name}' has {_items(len(got))}; at least {ctx['min_length']} are needed", pos
    if kind == "literal_error":
        options = [o.strip(" '") for o in ctx.get("expected", "").replace(" or ", ",").split(",")]
        close = difflib.get_close_matches(str(got), options, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"'{name}' must be one of {', '.join(options)}, not {_kind_of(got)}{hint}", pos
    if kind == "string_too_short":
        return f"'{name}' is empty{where}", pos
    if kind == "string_pattern_mismatch":
        return (
            f"'{_show(got)}' is not a valid {name}: use letters, digits, '-' and '_' (no spaces)"
            if name != "language"
            else f"'{_show(got)}' is not a language code such as en, es or fr-CA"
        ), pos
    if kind == "string_type":
        return f"'{name}' must be text, not {_kind_of(got)}{where}", pos
    if kind == "list_type":
        return f"'{name}' must be a list (one '- ' item per line), not {_kind_of(got)}", pos
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{name}' must be a set of fields (name: value), not {_kind_of(got)}", pos
    if kind == "bool_parsing":
        return f"'{name}': use true or false, not {_kind_of(got)}", pos
    return f"'{name}': {error['msg']}{where}", pos


def _where(loc: Loc) -> str:
    """' (question 3)' for ('questions', 2): the line number says where, this says what."""
    names = {
        "questions": "question",
        "readings": "reading",
        "events": "timeline event",
        "glossary": "glossary entry",
        "objectives": "objective",
        "choices": "choice",
        "organizers": "organizer",
        "claims": "claim",
        "steps": "step",
    }
    parts = [
        f"{names.get(str(loc[i - 1]), loc[i - 1])} {item + 1}"
        for i, item in enumerate(loc)
        if isinstance(item, int) and i > 0
    ]
    return f" ({', '.join(parts)})" if parts else ""


def _fields_at(model: type[pydantic.BaseModel], loc: Loc) -> list[str]:
    """The field names allowed at `loc`, walking the model's annotations."""
    current: object = model
    for item in loc:
        if isinstance(item, int):
            continue
        if item in _MODEL_NAMES:  # a union member pydantic chose: an organizer's kind
            current = getattr(models, item)
            continue
        fields = getattr(current, "model_fields", {})
        if item not in fields:
            return []
        current = _model_in(fields[item].annotation)
    fields = getattr(current, "model_fields", {})
    return [info.alias or name for name, info in fields.items()]  # `class`, not `class_name`


def _model_in(annotation: object) -> object:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if (found := _model_in(arg)) is not None:
            return found
    return None


def _items(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


def _kind_of(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if value is None:
        return "empty"
    return f"'{_show(value)}'"


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
