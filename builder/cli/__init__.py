"""The `lessonpack` command: the only place that prints, colours and picks exit codes.

Exit status (SPEC §3): 0 success; 1 invalid input or a lesson that cannot be
rendered; 2 usage error; 130 on Ctrl-C. Problems go to stderr as
`path:line:col: error: message`, never as a traceback (unless --debug).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from ..errors import caused_by_interrupt, display_path, errors_in
from ..grade.ask import asks_for_sheets
from .console import (
    Paper,
    Paths,
    Strict,
    lesson_paths,
    print_problems,
    progress_bar,
    report,
    run_core,
    state,
    stopping,
)
from .export import export
from .grade import grade

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Turn lesson folders (YAML + Markdown) into printable PDF handouts and answer keys.",
    epilog="Start with 'lessonpack new my-lesson', then 'lessonpack build'.",
)


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False):
    state["debug"] = debug


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
    export_quiz: Annotated[
        bool, typer.Option("--export", help="Also export quizzes for Canvas and Moodle.")
    ] = False,
    answer_sheets: Annotated[
        bool,
        typer.Option("--answer-sheets", help="Also print scannable answer sheets for grading."),
    ] = False,
    copies: Annotated[
        int | None,
        typer.Option(
            "--copies",
            min=1,
            max=500,
            help="Numbered answer sheets per version, without a roster [default: 30].",
        ),
    ] = None,
):
    """Build student handouts and answer keys as PDFs.

    Example: lessonpack build lessons/cuban-missile-crisis --paper a4 -o dist-a4

    Writes DIR/<slug>/<slug>-student.pdf and <slug>-key.pdf (and <slug>-answers.pdf
    with --answer-sheets). Nothing is written unless every lesson is valid and renders.
    """
    from ..output.pipeline import BuildOptions
    from ..output.pipeline import build as run_build

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
    sheets = answer_sheets or asks_for_sheets(lesson_paths(paths))
    if sheets:  # before the handouts: what cannot be printed stops the whole build
        from ..grade.build import SheetOptions, plan_sheets

        sheet_options = SheetOptions(options, lessons=answer_sheets, copies=copies)
        plan = run_core(lambda: plan_sheets(lesson_paths(paths), sheet_options))
    started = time.perf_counter()
    with progress_bar(quiet) as progress:
        result = run_core(lambda: run_build(lesson_paths(paths), options, progress=progress))
    print_problems(result.problems)
    if not quiet:
        _build_summary(result, time.perf_counter() - started)
    if sheets:
        printed = _answer_sheets_too(plan, out)
        if not quiet:
            report(printed, "Printed", detail=_paper)
    if export_quiz:
        exported = _export_too(paths, out, options)
        if not quiet:
            report(exported, "Exported")


def _paper(output) -> str:
    from ..output.outputs import paper_cost

    return paper_cost(output.pages, output.duplex, output.packets) if output.pages else ""


def _sheet_problems(paths, strict: bool):
    """What a bundle printing answer sheets should know: items counted as 1 point..."""
    from ..grade.build import SheetOptions, sheet_sets
    from ..output.pipeline import BuildOptions

    options = SheetOptions(BuildOptions(strict=strict))
    return run_core(lambda: sheet_sets(lesson_paths(paths), options))[1]


def _answer_sheets_too(plan, out: Path):
    """The answer sheets of what was just built, from the same request (SPEC §7)."""
    from ..grade.build import write_sheets

    result = run_core(lambda: write_sheets(plan, out))
    print_problems(result.problems)
    return result.outputs


def _build_summary(result, seconds: float) -> None:
    """What was written, with each PDF's pages and sheets, and what was removed."""
    report(result.outputs, "Built", seconds, _paper)
    if result.removed:
        count = len(result.removed)
        typer.echo(f"Removed {count} outdated file{'s' if count != 1 else ''} (no longer built):")
        for path in result.removed:
            typer.echo(f"  {display_path(path)}")


def _export_too(paths, out: Path, options):
    """`build --export`: the quizzes of what was just built, on its paper (SPEC §3)."""
    from ..export.run import ExportOptions
    from ..export.run import export_quizzes as run_export

    export_options = ExportOptions(out_dir=out, paper=options.paper, strict=options.strict)
    result = run_core(lambda: run_export(lesson_paths(paths), export_options))
    print_problems(result.problems)
    return result.outputs


@app.command()
def check(
    paths: Paths = None,
    strict: Strict = False,
):
    """Check lessons for mistakes without building them (fast).

    Example: lessonpack check lessons/cuban-missile-crisis

    Lists every problem of every lesson as file:line:col, then exits 1 if any is an error.
    """
    from ..output.pipeline import check as run_check

    result = run_core(lambda: run_check(lesson_paths(paths), strict=strict))
    if asks_for_sheets(lesson_paths(paths)) and not errors_in(result.problems):
        result.problems += _sheet_problems(paths, strict)
    print_problems(result.problems)
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
    from ..project.scaffold import create_lesson

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
    from ..preview.serve import run

    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"warning: serving on {host}: other computers on your network can see your "
            "lessons. Use the default (127.0.0.1) to keep them private.",
            err=True,
        )
    run_core(lambda: run(lesson_paths(paths), host=host, port=port, open_browser=open_browser))


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
    from ..project.catalog import describe_found, list_line
    from ..project.discover import find_inputs

    if levels:
        from ..project.levels import format_level, lesson_levels

    folders, bundle_files, problems = run_core(lambda: find_inputs(lesson_paths(paths)))
    print_problems(problems)
    for item in describe_found(folders, bundle_files):  # each line as soon as it is read
        typer.echo(list_line(item, display_path(item.path)))
        if levels and item.kind == "lesson" and item.readable:
            for level in lesson_levels(item.path):
                typer.echo(format_level(level))
    if not folders and not bundle_files:
        raise typer.Exit(1)


def _count(result) -> str:
    lessons, bundles = len(result.lessons), len(result.bundles)
    text = f"{lessons} lesson{'s' if lessons != 1 else ''}"
    if bundles:
        text += f" and {bundles} bundle{'s' if bundles != 1 else ''}"
    return text


def main() -> None:
    state["process"] = True
    try:
        app()
    except (KeyboardInterrupt, Exception) as exc:
        # Ctrl-C before a command's own handling began (while starting up), maybe wrapped
        # by an import-time hook; anything else is not ours to catch here.
        if not caused_by_interrupt(exc):
            raise
        stopping()
        typer.echo("Interrupted; earlier outputs are unchanged.", err=True)
        raise SystemExit(130) from None


app.command("export")(export)
app.command("grade")(grade)
