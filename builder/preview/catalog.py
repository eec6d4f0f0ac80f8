"""Which lessons and bundles the preview lists, re-read when their files change.

A target is one thing the preview can show: a lesson folder or a bundle file. Each
knows the files and folders it is built from (`uses`), so a save rebuilds only the
previews that change touched. Loading is the same as `lessonpack list` does: a lesson
with errors is still listed, with its problems, so its page can show them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import Problem, errors_in
from ..project.paper_names import DEFAULT_PAPER, PAPERS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    kind: Literal["lesson", "bundle"]
    name: str  # the slug or bundle name, as in the output folder and the URL
    path: Path  # what build() is given: a lesson folder or a bundle file
    root: Path  # its project: the folder holding lessons/
    title: str
    summary: str  # "2 readings, 9 questions" or "bundle of 2 lessons"
    problems: tuple[Problem, ...] = ()  # loading errors (the build finds the rest)
    uses: tuple[Path, ...] = ()  # files and folders it is built from
    paper: str = DEFAULT_PAPER  # the paper a preview starts with: a bundle's own

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.name}"

    def touched_by(self, path: Path) -> bool:
        return any(path == used or path.is_relative_to(used) for used in self.uses)


@dataclass
class Catalog:
    targets: dict[str, Target] = field(default_factory=dict)  # by key, in listing order
    problems: list[Problem] = field(default_factory=list)  # e.g. "no lessons found"

    @property
    def roots(self) -> set[Path]:
        return {target.root for target in self.targets.values()}

    def lessons(self) -> list[Target]:
        return [t for t in self.targets.values() if t.kind == "lesson"]

    def bundles(self) -> list[Target]:
        return [t for t in self.targets.values() if t.kind == "bundle"]


def scan(
    paths: Iterable[Path], previous: Catalog | None = None, changed: Iterable[Path] = ()
) -> Catalog:
    """Find every lesson and bundle under `paths`. Lessons of `previous` that no path
    in `changed` touched are kept as they were instead of being loaded again."""
    from ..project.discover import find_inputs

    changed = [Path(p) for p in changed]
    folders, bundle_files, problems = find_inputs(list(paths))
    kept = {t.path: t for t in (previous.lessons() if previous else [])}
    catalog = Catalog(problems=problems)
    for folder in folders:
        old = kept.get(folder)
        target = old if old and not any(old.touched_by(p) for p in changed) else _lesson(folder)
        catalog.targets.setdefault(target.key, target)
    for bundle_file in bundle_files:
        target = _bundle(bundle_file)
        catalog.targets.setdefault(target.key, target)
    return catalog


def _lesson(folder: Path) -> Target:
    from ..project.files import project_root
    from ..project.lesson import load_lesson

    source, problems = load_lesson(folder)
    errors = tuple(errors_in(problems))
    if source is None:
        return Target(
            "lesson", folder.name, folder, project_root(folder), folder.name, "", errors, (folder,)
        )
    lesson = source.lesson
    counts = [
        _count(len(lesson.readings), "reading"),
        _count(len(lesson.questions), "question"),
    ]
    if lesson.timeline:
        counts.append(_count(len(lesson.timeline.events), "timeline event"))
    return Target(
        "lesson",
        source.slug,
        folder,
        source.root,
        lesson.title,
        ", ".join(counts),
        errors,
        (folder,),
    )


def _bundle(path: Path) -> Target:
    from ..project.files import bundle_name, project_root
    from ..project.yamlfile import read_yaml

    data, _, problems = read_yaml(path, [path.parent])
    data = data if isinstance(data, dict) else {}
    folder = path.parent
    root = project_root(path)
    entries = data.get("lessons") if isinstance(data.get("lessons"), list) else []
    names = [e.get("lesson") if isinstance(e, dict) else e for e in entries]
    lesson_folders = tuple(folder / n for n in names if isinstance(n, str) and n)
    roster = data.get("roster")
    uses = (path, *lesson_folders, *([folder / roster] if isinstance(roster, str) else []))
    title = data.get("title") if isinstance(data.get("title"), str) else bundle_name(path)
    paper = data.get("paper") if data.get("paper") in PAPERS else DEFAULT_PAPER
    return Target(
        "bundle",
        bundle_name(path),
        path,
        root,
        title,
        f"bundle of {_count(len(names), 'lesson')}",
        tuple(errors_in(problems)),
        uses,
        paper,
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
