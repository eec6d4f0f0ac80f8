"""Bundles: a packet of lessons for one class on one date (SPEC §2).

A `<name>.bundle.yaml` names lessons by slug, each optionally narrowed to a subset of
questions (in a chosen order), of readings and of tiers, with its timeline mode
changed or dropped. This module loads and checks a bundle against the lessons it
names and turns each entry into the narrowed `LessonSource` the rest of the pipeline
renders like any lesson.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import pydantic

from ..errors import Problem
from ..letters import letter_index, version_letters
from ..sandbox import Refused, read_text_checked
from .files import builtin_roots, bundle_name, project_root
from .ids import organizer_id
from .lesson import LessonSource, problems_from_validation
from .models import Bundle, BundleLesson
from .yamlfile import MAX_FILE_BYTES, SourceMap, read_yaml

MAX_ROSTER = 200


@dataclass(frozen=True)
class Student:
    name: str
    section: str = ""
    version: str = ""  # a version letter, or "" for version A


@dataclass
class BundleSource:
    """A valid bundle with its lessons already narrowed to what the packet prints."""

    name: str
    path: Path
    root: Path
    bundle: Bundle
    entries: list[LessonSource]
    students: list[Student] = field(default_factory=list)

    @property
    def versions(self) -> list[str]:
        return version_letters(self.bundle.versions)

    @property
    def cover(self) -> bool:
        return self.bundle.cover if self.bundle.cover is not None else len(self.entries) > 1

    def version_of(self, student: Student) -> str:
        """The version a roster student gets: their roster letter when the bundle prints
        versions, else the bundle's one version ("", or A when a letter is not given)."""
        return student.version if len(self.versions) > 1 and student.version else self.versions[0]


def load_bundle(
    path: Path, lessons: dict[str, LessonSource], invalid: set[str]
) -> tuple[BundleSource | None, list[Problem]]:
    """Load `path` against the valid `lessons` by slug (`invalid` lessons are reported
    already; a bundle naming one just fails without repeating their problems)."""
    data, smap, problems = read_yaml(path, [path.parent])
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [
            Problem(
                path,
                "a bundle file must be a set of fields such as 'title: ...', one per line",
                *(smap.value(()) or ()),
            )
        ]
    try:
        bundle = Bundle.model_validate(data)
    except pydantic.ValidationError as exc:
        return None, problems_from_validation(exc, smap, path, Bundle)
    name = bundle_name(path)
    if name in lessons or name in invalid:
        problems.append(
            Problem(
                path,
                f"the bundle '{name}' has the same name as a lesson; "
                "rename the bundle file (its outputs would collide)",
            )
        )
    entries = []
    for index, entry in enumerate(bundle.lessons):
        loc = ("lessons", index)
        source = lessons.get(entry.lesson)
        if source is None:
            if entry.lesson not in invalid:
                close = difflib.get_close_matches(entry.lesson, sorted(lessons), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                problems.append(
                    _at(
                        path,
                        smap,
                        (*loc, "lesson") if _is_mapping(data, index) else loc,
                        f"no lesson named '{entry.lesson}'{hint}",
                    )
                )
            else:
                problems.append(
                    _at(
                        path,
                        smap,
                        loc,
                        f"the lesson '{entry.lesson}' has errors (listed above); fix it first",
                    )
                )
            continue
        selected, entry_problems = select(source, entry, path, smap, loc)
        problems += entry_problems
        entries.append(selected)
    students = _roster(bundle, path, smap, problems)
    if any(p.severity == "error" for p in problems):
        return None, problems
    root = project_root(path)
    return BundleSource(name, path.resolve(), root, bundle, entries, students), problems


def select(
    source: LessonSource, entry: BundleLesson, path: Path, smap: SourceMap, loc: tuple
) -> tuple[LessonSource, list[Problem]]:
    """The lesson narrowed to the bundle entry's questions, readings, tiers and timeline,
    with the entry's page breaks when it gives them."""
    problems: list[Problem] = []
    lesson = source.lesson
    readings = list(lesson.readings)
    if entry.readings is not None:
        known = [r.id for r in readings]
        for i, rid in enumerate(entry.readings):
            if rid not in known:
                problems.append(_unknown(path, smap, (*loc, "readings", i), "reading", rid, known))
        readings = [r for r in readings if r.id in entry.readings]
    pairs = list(zip(lesson.questions, source.question_ids, strict=True))
    if entry.questions is not None:
        by_id = dict((qid, q) for q, qid in pairs)
        explicit = {q.id for q in lesson.questions if q.id}
        chosen = []
        for i, qid in enumerate(entry.questions):
            if qid not in by_id:
                problems.append(
                    _unknown(path, smap, (*loc, "questions", i), "question", qid, list(by_id))
                )
                continue
            if qid not in explicit:
                problems.append(
                    _at(
                        path,
                        smap,
                        (*loc, "questions", i),
                        f"'{qid}' is a position-based id: inserting a question in "
                        f"'{source.slug}' renumbers it; give the question an "
                        "explicit id",
                        "warning",
                    )
                )
            chosen.append((by_id[qid], qid))
        pairs = chosen
    if entry.tiers is not None:
        pairs = [(q, qid) for q, qid in pairs if (q.tier or "core") in entry.tiers]
    kept = {r.id for r in readings}
    for q, qid in pairs:
        if q.reading and q.reading not in kept:
            problems.append(
                _at(
                    path,
                    smap,
                    loc,
                    f"question {qid} of '{source.slug}' is about "
                    f"reading '{q.reading}', which this bundle "
                    "leaves out",
                )
            )
    timeline = lesson.timeline
    if entry.timeline is False or timeline is None:
        timeline = None
    elif entry.timeline is not True:
        timeline = timeline.model_copy(update={"mode": entry.timeline.mode})
    breaks = (
        lesson.page_break_before if entry.page_break_before is None else entry.page_break_before
    )
    # Organizers keep the ids of their places in the lesson (o2 stays o2).
    organizers = [
        organizer.model_copy(update={"id": organizer_id(organizer, i)})
        for i, organizer in enumerate(lesson.organizers if entry.organizers else [])
    ]
    narrowed = lesson.model_copy(
        update={
            "readings": readings,
            "organizers": organizers,
            "timeline": timeline,
            "questions": [q for q, _ in pairs],
            "page_break_before": breaks,
        }
    )
    return replace(source, lesson=narrowed, question_ids=[qid for _, qid in pairs]), problems


def _roster(bundle: Bundle, path: Path, smap: SourceMap, problems: list[Problem]) -> list[Student]:
    if bundle.roster is None:
        return []
    roots = [path.resolve().parent, path.resolve().parent.parent, *builtin_roots()]
    try:
        text = read_text_checked(path.parent / bundle.roster, roots, MAX_FILE_BYTES)
    except Refused as exc:
        problems.append(_at(path, smap, ("roster",), f"roster {exc}"))
        return []
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    roster_path = path.parent / bundle.roster
    if not rows or "name" not in {k.strip().lower() for k in rows[0]}:
        problems.append(
            Problem(
                roster_path,
                "a roster needs a header row with a 'name' "
                "column (and optional 'section', 'version')",
                1,
            )
        )
        return []
    students = []
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        version = row.get("version", "").upper()
        if version and (letter_index(version) is None or letter_index(version) >= bundle.versions):
            problems.append(
                Problem(
                    roster_path,
                    f"version '{version}' for {row.get('name')!r}"
                    f" does not exist; the bundle has "
                    f"{bundle.versions} version(s)",
                    number,
                )
            )
        if row.get("name"):
            students.append(Student(row["name"], row.get("section", ""), version))
    if len(students) > MAX_ROSTER:
        problems.append(Problem(roster_path, f"{len(students)} students; at most {MAX_ROSTER}"))
    return students


def _is_mapping(data: dict, index: int) -> bool:
    return isinstance(data["lessons"][index], dict)


def _unknown(
    path: Path, smap: SourceMap, loc: tuple, what: str, name: str, known: list[str]
) -> Problem:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; it has {', '.join(known) or 'none'}"
    return _at(path, smap, loc, f"the lesson has no {what} '{name}'{hint}")


def _at(path: Path, smap: SourceMap, loc: tuple, message: str, severity: str = "error") -> Problem:
    pos = smap.value(loc) or (None, None)
    return Problem(path, message, *pos, severity)
