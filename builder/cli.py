"""The `lessonpack` command: the only place that prints, colours and picks exit codes.

Exit status (SPEC §3): 0 success; 1 invalid input or a lesson that cannot be
rendered; 2 usage error; 130 on Ctrl-C. Problems go to stderr as
`path:line:col: error: message`, never as a traceback (unless --debug).
"""

from __future__ import annotations

import contextlib
import sys
import time
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .errors import LessonError, Problem, display_path, errors_in
from .project.paper_names import PAPERS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Turn lesson folders (YAML + Markdown) into printable PDF handouts and answer keys.",
    epilog="Start with 'lessonpack new my-lesson', then 'lessonpack build'.",
)
_state = {"debug": False, "process": False}  # process: run as the command, not in-process

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


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False):
    _state["debug"] = debug


@app.command()
def build(
    paths: Paths = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("dist"),
    paper: Annotated[
        Paper | None,
        typer.Option(case_sensitive=False, help="Paper size [default: letter, or a bundle's]."),
    ] = None,
    no_key: Annotated[bool, typer.Option("--no-key", help="Student sheets only.")] = False,
    html: Annotated[bool, typer.Option("--html", help="Also write HTML pages.")] = False,
    strict: Strict = False,
    large_print: Annotated[
        bool, typer.Option("--large-print", help="Also build large-print copies (18 pt).")
    ] = False,
    versions: Annotated[
        int | None,
        typer.Option(
            "--versions",
            min=1,
            max=26,
            help="Versions A, B, ... with shuffled choices and timeline events.",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Shuffle seed for versions [default: 1].")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild everything, even files that are up to date.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Documents rendered at once [default: one per core]."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only problems, no progress or summary.")
    ] = False,
):
    """Build student handouts and answer keys as PDFs.

    Example: lessonpack build lessons/cuban-missile-crisis --paper a4 -o dist-a4

    Writes DIR/<slug>/<slug>-student.pdf and <slug>-key.pdf. Nothing is written
    unless every lesson is valid and renders.
    """
    from .output.outputs import paper_cost
    from .output.pipeline import BuildOptions
    from .output.pipeline import build as run_build

    options = BuildOptions(
        out_dir=out,
        paper=paper.value if paper else None,
        key=not no_key,
        html=html,
        strict=strict,
        large_print=large_print,
        versions=versions,
        seed=seed,
        force=force,
        jobs=jobs,
    )
    started = time.perf_counter()
    with _progress_bar(quiet) as progress:
        result = _run(lambda: run_build(_paths(paths), options, progress=progress))
    _print_problems(result.problems)
    if quiet:
        return
    seconds = time.perf_counter() - started
    written = [output for output in result.outputs if not output.up_to_date]
    fresh = len(result.outputs) - len(written)
    summary = f"Built {len(written)} file{'s' if len(written) != 1 else ''}"
    if fresh:
        summary += f", {fresh} up to date"
    typer.echo(f"{summary} in {seconds:.1f} s" + (":" if written else "."))
    for output in written:
        cost = paper_cost(output.pages, output.duplex, output.packets) if output.pages else ""
        typer.echo(f"  {display_path(output.path)}" + (f"  ({cost})" if cost else ""))
    if result.removed:
        count = len(result.removed)
        typer.echo(f"Removed {count} outdated file{'s' if count != 1 else ''} (no longer built):")
        for path in result.removed:
            typer.echo(f"  {display_path(path)}")


@app.command()
def check(
    paths: Paths = None,
    strict: Strict = False,
):
    """Check lessons for mistakes without building them (fast).

    Example: lessonpack check lessons/cuban-missile-crisis

    Lists every problem of every lesson as file:line:col, then exits 1 if any is an error.
    """
    from .output.pipeline import check as run_check

    result = _run(lambda: run_check(_paths(paths), strict=strict))
    _print_problems(result.problems)
    errors = len(errors_in(result.problems))
    warnings = len(result.problems) - errors
    summary = f"{_count(result)} ok" + (
        f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    )
    if errors:
        typer.echo(
            f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(summary)


@app.command()
def new(
    slug: Annotated[str, typer.Argument(help="Folder name: lowercase letters, digits, hyphens.")],
    title: Annotated[str | None, typer.Option("--title", help="The lesson's title.")] = None,
):
    """Create a starter lesson in ./lessons/SLUG that builds at once.

    Example: lessonpack new fall-of-rome --title "The Fall of Rome"

    The starter shows every field with a comment; edit it, then run lessonpack build.
    """
    from .project.scaffold import create_lesson

    try:
        path = create_lesson(Path("lessons"), slug, title)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except FileExistsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"Created {display_path(path)}\n"
        f"Edit it, then run: lessonpack build {display_path(path.parent)}"
    )


@app.command()
def serve(
    paths: Paths = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (others can connect if not local).")
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the preview in your web browser.")
    ] = False,
):
    """Preview lessons in your web browser; pages update each time you save a file.

    Example: lessonpack serve --open

    Then open http://127.0.0.1:8000. Press Ctrl-C to stop.
    """
    from .preview.serve import run

    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"warning: serving on {host}: other computers on your network can see your "
            "lessons. Use the default (127.0.0.1) to keep them private.",
            err=True,
        )
    _run(lambda: run(_paths(paths), host=host, port=port, open_browser=open_browser))


@app.command("list")
def list_lessons(
    paths: Paths = None,
    levels: Annotated[
        bool,
        typer.Option(
            "--levels",
            help="Also show each document's words, reading minutes, reading level and rare words.",
        ),
    ] = False,
):
    """List the lessons found, with title and counts; invalid ones show their problem count.

    Example: lessonpack list

    With --levels, one line per document follows each lesson: words, minutes to read,
    reading scores for the lesson's language, rare words, "above grade" (see README).

    Example: lessonpack list --levels
    """
    from .project.catalog import describe_found, list_line
    from .project.discover import find_inputs

    if levels:
        from .project.levels import format_level, lesson_levels

    folders, bundle_files, problems = _run(lambda: find_inputs(_paths(paths)))
    _print_problems(problems)
    for item in describe_found(folders, bundle_files):  # each line as soon as it is read
        typer.echo(list_line(item, display_path(item.path)))
        if levels and item.kind == "lesson" and item.readable:
            for level in lesson_levels(item.path):
                typer.echo(format_level(level))
    if not folders and not bundle_files:
        raise typer.Exit(1)


@contextmanager
def _progress_bar(quiet: bool):
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


def _count(result) -> str:
    lessons, bundles = len(result.lessons), len(result.bundles)
    text = f"{lessons} lesson{'s' if lessons != 1 else ''}"
    if bundles:
        text += f" and {bundles} bundle{'s' if bundles != 1 else ''}"
    return text


def _paths(paths: list[Path] | None) -> list[Path]:
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


def _run(action):
    """Run a core call, turning domain errors and Ctrl-C into messages and exit codes."""
    try:
        return action()
    except LessonError as exc:
        _print_problems(exc.problems)
        errors = len(errors_in(exc.problems))
        typer.echo(f"Nothing was written: {errors} error{'s' if errors != 1 else ''}.", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        _stopping()
        typer.echo("Interrupted; earlier outputs are unchanged.", err=True)
        raise typer.Exit(130) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if _state["debug"]:
            raise
        typer.echo(
            f"error: lessonpack failed unexpectedly: {exc!r}. Run again with --debug "
            "and report the traceback.",
            err=True,
        )
        raise typer.Exit(1) from None


def _print_problems(problems: list[Problem]) -> None:
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


def main() -> None:
    _state["process"] = True
    try:
        app()
    except KeyboardInterrupt:  # before a command's own handling began (while starting up)
        _stopping()
        typer.echo("Interrupted; earlier outputs are unchanged.", err=True)
        raise SystemExit(130) from None


def _stopping() -> None:
    """Stopping on Ctrl-C, when run as the command: ignore any further SIGINT, and make
    sure the process ends with status 130. Under load, Ctrl-C during `serve`'s start-up
    ended the process by the signal itself (status -2, 5 of 25 runs) after "Interrupted"
    was printed: CPython re-sends SIGINT to itself at exit when it believes an interrupt
    went unhandled (bpo-1054041), and an interrupt raised while a library evaluated code
    during import can leave that belief behind even though lessonpack handled it. So the
    last thing at exit is an explicit 130. Called in-process (tests, notebooks), nothing
    changes: the caller's Ctrl-C handling is left alone."""
    if not _state["process"]:
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
