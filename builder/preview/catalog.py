"""Which lessons and bundles the preview lists, re-read when their files change.

A target is one thing the preview can show: a lesson folder or a bundle file. Each
knows the files and folders it is built from (`uses`), so a save rebuilds only the
previews that change touched. Each target is the project catalog's description
(project/catalog.py), the same one `lessonpack list` prints: a lesson with errors is
still listed, with its problems, so its page can show them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import Problem
from ..project.catalog import Description, describe_bundle, describe_lesson
from ..project.paper_names import DEFAULT_PAPER

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
        fresh = old is None or any(old.touched_by(p) for p in changed)
        target = _target(describe_lesson(folder)) if fresh else old
        catalog.targets.setdefault(target.key, target)
    for bundle_file in bundle_files:
        target = _target(describe_bundle(bundle_file))
        catalog.targets.setdefault(target.key, target)
    return catalog


def _target(item: Description) -> Target:
    """The preview's view of the project catalog's description: its summary line."""
    return Target(
        item.kind,
        item.name,
        item.path,
        item.root,
        item.title,
        _summary(item),
        item.errors,
        item.uses,
        item.paper,
    )


def _summary(item: Description) -> str:
    counts = item.counts
    if item.kind == "bundle":
        return f"bundle of {_count(counts.lessons, 'lesson')}"
    if not item.readable:
        return ""
    parts = [_count(counts.readings, "reading"), _count(counts.questions, "question")]
    if counts.timeline_events is not None:
        parts.append(_count(counts.timeline_events, "timeline event"))
    return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
