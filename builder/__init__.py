"""lessonpack: plain-text lessons -> print-ready PDF handouts and answer keys.

The public API, usable without the command line (tests, notebooks, a web preview):
load and check lessons, build them, export them as quizzes (export_quizzes: the name
`export` is the package builder/export), print answer sheets and grade their scans
(write_answer_sheets, grade_scans: `grade` is the package builder/grade), and read the
problems found. Names are
imported on first use, so `lessonpack --help` does not pay for pydantic or WeasyPrint.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"
_EXPORTS = {
    "BuildOptions": "output.pipeline",
    "Result": "output.pipeline",
    "build": "output.pipeline",
    "check": "output.pipeline",
    "ExportOptions": "export.run",
    "export_quizzes": "export.run",
    "SheetOptions": "grade.build",
    "write_answer_sheets": "grade.build",
    "GradeOptions": "grade.run",
    "GradeResult": "grade.run",
    "grade_scans": "grade.run",
    "LessonError": "errors",
    "Problem": "errors",
    "LessonSource": "project.lesson",
    "load_lesson": "project.lesson",
}
__all__ = [
    "BuildOptions",
    "ExportOptions",
    "GradeOptions",
    "GradeResult",
    "LessonError",
    "LessonSource",
    "Problem",
    "Result",
    "SheetOptions",
    "build",
    "check",
    "export_quizzes",
    "grade_scans",
    "load_lesson",
    "write_answer_sheets",
]

if TYPE_CHECKING:
    from .errors import LessonError, Problem
    from .output.pipeline import BuildOptions, Result, build, check
    from .project.lesson import LessonSource, load_lesson


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'builder' has no attribute {name!r}")
