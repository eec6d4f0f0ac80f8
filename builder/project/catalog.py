"""What each lesson and bundle is, described once for `lessonpack list`, the preview
and discovery alike.

`list` and the preview both show a lesson's or a bundle's title and counts without
building it, and discovery must know which lessons a bundle names before it loads
them. A bundle file is read loosely here, in one place (load_bundle validates it), so
the three can never disagree about a bundle's title, lessons, roster or paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import Problem, errors_in
from .files import bundle_name, project_root
from .paper_names import DEFAULT_PAPER, PAPERS


@dataclass(frozen=True)
class BundleFile:
    """What a bundle file says, read loosely: nothing here is validated."""

    path: Path
    title: str | None  # None when missing or not text
    lesson_names: tuple[str, ...]  # each entry's lesson name, where it is text
    entries: int  # how many lessons it lists, well named or not
    lessons_listed: bool  # `lessons:` is a list (else `list` calls the bundle INVALID)
    roster: str | None
    paper: str  # its paper when that is a known name, else DEFAULT_PAPER
    problems: tuple[Problem, ...]  # the file's YAML problems

    def lesson_folders(self) -> tuple[Path, ...]:
        """The folders its lesson names point at, beside the bundle file (may not exist)."""
        return tuple(self.path.parent / name for name in self.lesson_names if name)


def read_bundle_file(path: Path) -> BundleFile:
    """Read a bundle file without validating it: what `list`, the preview and
    discovery need to know before (or without) loading the bundle."""
    from .yamlfile import read_yaml

    data, _, problems = read_yaml(path, [path.parent])
    data = data if isinstance(data, dict) else {}
    entries = data.get("lessons")
    listed = isinstance(entries, list)
    names = [e.get("lesson") if isinstance(e, dict) else e for e in entries or []]
    title, roster, paper = data.get("title"), data.get("roster"), data.get("paper")
    return BundleFile(
        path=path,
        title=title if isinstance(title, str) else None,
        lesson_names=tuple(n for n in names if isinstance(n, str)) if listed else (),
        entries=len(entries) if listed else 0,
        lessons_listed=listed,
        roster=roster if isinstance(roster, str) else None,
        paper=paper if paper in PAPERS else DEFAULT_PAPER,
        problems=tuple(problems),
    )


@dataclass(frozen=True)
class Counts:
    readings: int = 0
    questions: int = 0
    timeline_events: int | None = None  # None: the lesson has no timeline
    lessons: int = 0  # a bundle's entries


@dataclass(frozen=True)
class Description:
    """A lesson or a bundle as `list` and the preview show it, without building it."""

    kind: Literal["lesson", "bundle"]
    name: str  # the slug or bundle name, as in the output folder and the URL
    path: Path  # a lesson folder or a bundle file
    root: Path  # its project (files.project_root)
    title: str  # a bundle's name, or a lesson's folder name, when it has none to show
    counts: Counts
    errors: tuple[Problem, ...] = ()  # loading errors (a build finds the rest)
    uses: tuple[Path, ...] = ()  # files and folders it is built from
    paper: str = DEFAULT_PAPER  # a bundle's own paper
    readable: bool = True  # a lesson that loaded; a bundle with valid YAML and a lesson list


def describe_lesson(folder: Path) -> Description:
    """Load a lesson folder for its title and counts; an invalid one keeps its errors."""
    from .lesson import load_lesson

    source, problems = load_lesson(folder)
    errors = tuple(errors_in(problems))
    if source is None:
        return Description(
            "lesson",
            folder.name,
            folder,
            project_root(folder),
            folder.name,
            Counts(),
            errors,
            (folder,),
            readable=False,
        )
    lesson = source.lesson
    counts = Counts(
        readings=len(lesson.readings),
        questions=len(lesson.questions),
        timeline_events=len(lesson.timeline.events) if lesson.timeline else None,
    )
    return Description(
        "lesson", source.slug, folder, source.root, lesson.title, counts, errors, (folder,)
    )


def describe_bundle(path: Path) -> Description:
    """Read a bundle file loosely for its title, lesson count, paper and the files it uses."""
    bundle = read_bundle_file(path)
    roster = (path.parent / bundle.roster,) if bundle.roster is not None else ()
    return Description(
        "bundle",
        bundle_name(path),
        path,
        project_root(path),
        bundle.title if bundle.title is not None else bundle_name(path),
        Counts(lessons=bundle.entries),
        tuple(errors_in(list(bundle.problems))),
        (path, *bundle.lesson_folders(), *roster),
        bundle.paper,
        readable=not bundle.problems and bundle.lessons_listed,
    )


def describe_found(folders: Iterable[Path], bundle_files: Iterable[Path]) -> Iterator[Description]:
    """Each lesson folder and bundle file discover.find_inputs found, lessons first,
    described one at a time (so `list` can print each as soon as it is read)."""
    for folder in folders:
        yield describe_lesson(folder)
    for path in bundle_files:
        yield describe_bundle(path)


def list_line(item: Description, where: str) -> str:
    """The line `lessonpack list` prints for a lesson or bundle found at `where`."""
    counts = item.counts
    if item.kind == "bundle" and not item.readable:
        return f"{item.name}  INVALID bundle (run lessonpack check {where})"
    if item.kind == "bundle":
        lessons = f"{counts.lessons} lesson{'s' if counts.lessons != 1 else ''}"
        return f"{item.name}  {item.title}  (bundle of {lessons})"
    if not item.readable:
        errors = len(item.errors)
        return (
            f"{item.name}  INVALID ({errors} problem{'s' if errors != 1 else ''}; "
            f"run lessonpack check {where})"
        )
    return (
        f"{item.name}  {item.title}  ({counts.readings} readings, {counts.questions} "
        f"questions, {counts.timeline_events or 0} timeline events)"
    )
