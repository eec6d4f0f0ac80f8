"""Problems found in lessons, with the file, line and column a teacher needs to fix them.

The core never prints: it collects `Problem`s and raises `LessonError` carrying all
of them, so one bad lesson never hides another's mistakes. Only `cli.py` formats
them for the terminal and chooses the exit status.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is and what to do about it."""

    path: Path
    message: str
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based
    severity: Severity = "error"

    def format(self) -> str:
        """`path:line:col: error: message`, the form editors and CI logs understand."""
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.severity}: {self.message}"

    def as_error(self) -> Problem:
        return Problem(self.path, self.message, self.line, self.col, "error")


def display_path(path: Path) -> str:
    """Path relative to the current folder when it is inside it, so messages stay short."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class LessonError(Exception):
    """Raised by the core when input is invalid or cannot be rendered; carries every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))

    def __reduce__(self):  # raised in a worker process, re-raised in the main one
        return (LessonError, (self.problems,))


def errors_in(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
