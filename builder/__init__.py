"""lessonpack: plain-text lessons -> print-ready PDF handouts and answer keys.

The public API, usable without the command line (tests, notebooks, a web preview):
load and check lessons, build them, and read the problems found. Names are imported
on first use, so `lessonpack --help` does not pay for pydantic or WeasyPrint.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"
_EXPORTS = {
    "BuildOptions": "pipeline",
    "Result": "pipeline",
    "build": "pipeline",
    "check": "pipeline",
    "LessonError": "errors",
    "Problem": "errors",
    "LessonSource": "load",
    "load_lesson": "load",
}
__all__ = [
    "BuildOptions",
    "LessonError",
    "LessonSource",
    "Problem",
    "Result",
    "build",
    "check",
    "load_lesson",
]

if TYPE_CHECKING:
    from .errors import LessonError, Problem
    from .load import LessonSource, load_lesson
    from .pipeline import BuildOptions, Result, build, check


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'builder' has no attribute {name!r}")
