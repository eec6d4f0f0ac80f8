"""A project's layout facts, in one place (SPEC §1): what a lesson file and a bundle
file are called, what a slug may be, which folder is a project's root, and where the
built-in theme lives. Everything that finds, reads or watches a project asks here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

LESSON_FILE = "lesson.yaml"
BUNDLE_SUFFIX = ".bundle.yaml"
LESSONS_DIR = "lessons"  # a project keeps its lesson folders and bundle files here
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")  # a lesson folder's name: its output names
PACKAGE = Path(__file__).resolve().parents[1]  # the installed `builder` package


def is_bundle_file(path: Path) -> bool:
    return path.name.endswith(BUNDLE_SUFFIX)


def bundle_name(path: Path) -> str:
    return path.name.removesuffix(BUNDLE_SUFFIX)


def project_root(path: Path) -> Path:
    """The project a lesson folder or a bundle file belongs to: the folder that holds
    `lessons/` when it sits in one, else the lesson's own folder or the bundle's folder."""
    path = path.resolve()
    home = path.parent if is_bundle_file(path) else path
    return path.parent.parent if path.parent.name == LESSONS_DIR else home


def project_of_folder(folder: Path) -> Path | None:
    """The project a folder given on the command line stands for, if it is one: a folder
    holding `lessons/`, or a `lessons/` folder itself."""
    if (folder / LESSONS_DIR).is_dir():
        return folder
    if folder.name == LESSONS_DIR:
        return folder.parent
    return None


@cache
def builtin_dir(kind: str) -> Path:
    """`templates` or `styles` of the built-in theme: inside the wheel, or the source tree."""
    packaged = PACKAGE / kind
    return packaged if packaged.is_dir() else PACKAGE.parent / kind


def builtin_roots() -> list[Path]:
    return [builtin_dir("templates"), builtin_dir("styles")]


def builtin_theme_root() -> Path:
    """The folder holding the built-in templates/ and styles/ (wheel or source tree)."""
    return builtin_dir("templates").parent
