"""PATH arguments -> the lessons and bundles to build, loaded and validated.

A PATH is a lesson folder, its lesson.yaml, a bundle file, or a folder searched for
them (SPEC §3). A bundle named on its own builds only that bundle: the lessons it
names are loaded to be printed in it, not built on their own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem
from .files import BUNDLE_SUFFIX, LESSON_FILE

if TYPE_CHECKING:  # loading needs pydantic; finding inputs (a no-op rebuild) does not
    from .bundle import BundleSource
    from .lesson import LessonSource

SKIP_DIRS = {"dist", "node_modules", "__pycache__", "templates", "styles"}


@dataclass
class Loaded:
    lessons: list[LessonSource] = field(default_factory=list)  # built on their own
    bundles: list[BundleSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def find_inputs(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[Problem]]:
    """(lesson folders, bundle files, problems) named by the PATH arguments."""
    folders: list[Path] = []
    bundles: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_file() and path.name.endswith(BUNDLE_SUFFIX):
            bundles.append(path)
        elif path.is_file():
            if path.name != LESSON_FILE:
                problems.append(
                    Problem(
                        path,
                        f"not a lesson: expected a folder, a "
                        f"{LESSON_FILE} or a *{BUNDLE_SUFFIX} file",
                    )
                )
            else:
                folders.append(path.parent)
        elif (path / LESSON_FILE).is_file():
            folders.append(path)
        else:
            found_lessons, found_bundles = _search(path)
            if not found_lessons and not found_bundles:
                problems.append(
                    Problem(
                        path,
                        f"no lessons found (a lesson is a folder with a "
                        f"{LESSON_FILE}); create one with "
                        "'lessonpack new my-lesson'",
                    )
                )
            folders += found_lessons
            bundles += found_bundles
    unique = list(dict.fromkeys(folder.resolve() for folder in folders))
    # Bundles stay unresolved: reading one checks that a link does not lead outside.
    return unique, list(dict.fromkeys(b.absolute() for b in bundles)), problems


def _search(folder: Path) -> tuple[list[Path], list[Path]]:
    lessons, bundles = [], []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        if LESSON_FILE in filenames:
            dirnames[:] = []  # a lesson's own subfolders hold readings and images
            lessons.append(Path(dirpath))
        bundles += [Path(dirpath) / f for f in sorted(filenames) if f.endswith(BUNDLE_SUFFIX)]
    return sorted(lessons), bundles


def load_all(paths: Iterable[Path]) -> Loaded:
    """Load and validate every lesson and bundle named by `paths`, collecting all problems."""
    return load_found(*find_inputs(paths))


def load_found(folders: list[Path], bundle_paths: list[Path], problems: list[Problem]) -> Loaded:
    """Load and validate what find_inputs found."""
    from .bundle import load_bundle
    from .lesson import load_lesson

    loaded = Loaded(problems=problems)
    by_slug: dict[str, LessonSource] = {}
    invalid: set[str] = set()
    own = set(folders)
    needed = [f for b in bundle_paths for f in _named_lessons(b) if f not in own]
    for folder in [*folders, *dict.fromkeys(needed)]:
        source, lesson_problems = load_lesson(folder)
        loaded.problems += lesson_problems
        if source is None:
            invalid.add(folder.name)
            continue
        if source.slug in by_slug:
            loaded.problems.append(
                Problem(
                    source.yaml_path,
                    f"another lesson is also named "
                    f"'{source.slug}' ({by_slug[source.slug].yaml_path}); its "
                    "outputs would overwrite this one's",
                )
            )
            continue
        by_slug[source.slug] = source
        if folder in own:
            loaded.lessons.append(source)
    for path in bundle_paths:
        bundle, bundle_problems = load_bundle(path, by_slug, invalid)
        loaded.problems += bundle_problems
        if bundle is not None:
            loaded.bundles.append(bundle)
    return loaded


def _named_lessons(bundle_path: Path) -> list[Path]:
    """Lesson folders beside a bundle that it names (read loosely; load_bundle checks)."""
    from .catalog import read_bundle_file

    folders = read_bundle_file(bundle_path).lesson_folders()
    return [folder.resolve() for folder in folders if (folder / LESSON_FILE).is_file()]
