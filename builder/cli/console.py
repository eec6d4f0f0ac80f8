"""The command line's console: progress bar, problems as `path:line:col: severity:
message` (coloured on a terminal), and the exit codes domain errors and Ctrl-C become.

Shared by every command in cli/; nothing outside cli/ prints.
"""

from __future__ import annotations

import contextlib
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import LessonError, Problem, caused_by_interrupt, display_path, errors_in
from ..project.paper_names import PAPERS

state = {"debug": False, "process": False}  # process: run as the command, not in-process

Paths = Annotated[
    list[Path] | None,
    typer.Argument(
        show_default=False,
        exists=True,
        help="Lesson folders, lesson.yaml files, or folders to search. Default: ./lessons",
    ),
]
Strict = Annotated[
    bool,
    typer.Option(
        "--strict", help="Also render and check the layout; treat every warning as an error."
    ),
]


Paper = StrEnum("Paper", {name: name for name in PAPERS})  # --paper's choices


def lesson_paths(paths: list[Path] | None) -> list[Path]:
    if paths:
        return paths
    default = Path("lessons")
    if not default.is_dir():
        typer.echo(
            "error: no ./lessons folder here. Run this in your project folder, name a "
            "lesson folder, or create one with 'lessonpack new my-lesson'.",
            err=True,
        )
        raise typer.Exit(2)
    return [default]


@contextmanager
def progress_bar(quiet: bool):
    """A Rich progress bar on a terminal; nothing when quiet or writing to a file or CI log."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )

    class _Reporter:
        task = None

        def planned(self, steps: int) -> None:
            if steps:
                bar.start()
                self.task = bar.add_task("Rendering", total=steps)

        def done(self, what: str) -> None:
            if self.task is not None:
                bar.update(self.task, advance=1, description=f"Rendering {what}")

    try:
        yield _Reporter()
    finally:
        bar.stop()


def run_core(action):
    """Run a core call, turning domain errors and Ctrl-C into messages and exit codes."""
    try:
        return action()
    except LessonError as exc:
        print_problems(exc.problems)
        errors = len(errors_in(exc.problems))
        typer.echo(f"Nothing was written: {errors} error{'s' if errors != 1 else ''}.", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        stopping()
        typer.echo("Interrupted; earlier outputs are unchanged.", err=True)
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if caused_by_interrupt(exc):  # Ctrl-C inside an import-time hook
            stopping()
            typer.echo("Interrupted; earlier outputs are unchanged.", err=True)
            raise typer.Exit(130) from None
        if state["debug"]:
            raise
        typer.echo(
            f"error: lessonpack failed unexpectedly: {exc!r}. Run again with --debug "
            "and report the traceback.",
            err=True,
        )
        raise typer.Exit(1) from None


def print_problems(problems: list[Problem]) -> None:
    colour = sys.stderr.isatty()
    for problem in problems:
        line = problem.format()
        if colour:
            word = f"{problem.severity}:"
            line = line.replace(
                word,
                typer.style(word, fg="red" if problem.severity == "error" else "yellow", bold=True),
                1,
            )
        typer.echo(line, err=True)


def stopping() -> None:
    """Stopping on Ctrl-C, when run as the command: ignore any further SIGINT, and make
    sure the process ends with status 130. Under load, Ctrl-C during `serve`'s start-up
    ended the process by the signal itself (status -2, 5 of 25 runs) after "Interrupted"
    was printed: CPython re-sends SIGINT to itself at exit when it believes an interrupt
    went unhandled (bpo-1054041), and an interrupt raised while a library evaluated code
    during import can leave that belief behind even though lessonpack handled it. So the
    last thing at exit is an explicit 130. Called in-process (tests, notebooks), nothing
    changes: the caller's Ctrl-C handling is left alone."""
    if not state["process"]:
        return
    import atexit
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def exit_130() -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(130)

    atexit.register(exit_130)


def report(outputs, verb: str, seconds: float | None = None, detail=lambda output: "") -> None:
    """'Exported 2 files:' (`Built 3 files, 1 up to date in 2.1 s:` with `seconds`) and
    each path written, with `detail(output)` in brackets when it says something (files
    with unchanged bytes are left alone, not listed)."""
    written = [output for output in outputs if not output.up_to_date]
    fresh = len(outputs) - len(written)
    summary = f"{verb} {len(written)} file{'s' if len(written) != 1 else ''}"
    if fresh:
        summary += f", {fresh} up to date"
    if seconds is not None:
        summary += f" in {seconds:.1f} s"
    typer.echo(summary + (":" if written else "."))
    for output in written:
        extra = detail(output)
        typer.echo(f"  {display_path(output.path)}" + (f"  ({extra})" if extra else ""))
