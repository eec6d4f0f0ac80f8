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

    def to_plain(self, root: Path | None = None) -> dict:
        """As JSON for the build cache; the path relative to `root` (the project) when
        inside it, so a moved project still reads its cache."""
        path = self.path
        if root is not None and path.is_relative_to(root):
            path = path.relative_to(root)
        return {
            "path": str(path),
            "message": self.message,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
        }

    @classmethod
    def from_plain(cls, data: dict, root: Path | None = None) -> Problem:
        """The inverse of to_plain; raises ValueError, KeyError or TypeError when `data`
        is not what to_plain wrote (a damaged cache)."""
        severity = data["severity"]
        if severity not in ("error", "warning"):
            raise ValueError(severity)
        line, col = data["line"], data["col"]
        path = Path(str(data["path"]))
        return cls(
            root / path if root is not None else path,
            str(data["message"]),
            int(line) if line is not None else None,
            int(col) if col is not None else None,
            severity,
        )


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


def caused_by_interrupt(exc: BaseException | None) -> bool:
    """Whether Ctrl-C is behind `exc`: a KeyboardInterrupt, or an error Python raised
    because one landed inside a hook it runs while importing (a class's `__set_name__`
    wraps it in RuntimeError), so Ctrl-C ends lessonpack with 130 wherever it arrives."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, KeyboardInterrupt):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False
