"""lessonpack: plain-text lessons -> print-ready PDF handouts and answer keys.

The public API, usable without the command line (tests, notebooks, a web preview):
load and check lessons, build them, and read the problems found.
"""

from __future__ import annotations

from .errors import LessonError, Problem
from .load import LessonSource, load_lesson
from .pipeline import BuildOptions, Result, build, check

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
__version__ = "0.1.0"
