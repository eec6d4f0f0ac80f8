"""`lessonpack grade`: scanned answer sheets in, grades out (SPEC §3, §7)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from .console import print_problems, report, run_core


def grade(
    scans: Annotated[
        list[Path],
        typer.Argument(
            help="Scanned answer sheets: PDFs or images (PNG, JPEG, TIFF), any order.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Output folder [default: dist/grades in the project]."),
    ] = None,
    project: Annotated[
        Path,
        typer.Option(
            "--project",
            help="The project folder the sheets were printed from.",
            file_okay=False,
        ),
    ] = Path("."),
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Exit 1 when anything was flagged (blank, unclear...) or warned."
        ),
    ] = False,
):
    """Grade scanned answer sheets: a grade sheet, an item analysis and a review PDF.

    Example: lessonpack grade scans.pdf

    Writes DIR/<name>-grades.csv, <name>-items.csv and <name>-review.pdf for each lesson
    or bundle the sheets belong to. Pages that cannot be read are named; the rest are
    still graded.
    """
    from ..grade.run import GradeOptions, grade_scans

    if not (project / "lessons").is_dir() and not (project / "lesson.yaml").is_file():
        typer.echo(
            f"error: {project} is not a lessonpack project (no lessons/ folder): run grade "
            "in the project folder, or give --project",
            err=True,
        )
        raise typer.Exit(2)
    missing = [path for path in scans if not path.exists()]
    if missing:
        for path in missing:
            typer.echo(f"error: {path}: no such file", err=True)
        raise typer.Exit(2)
    options = GradeOptions(
        out_dir=out if out is not None else project / "dist" / "grades",
        project=project,
    )
    started = time.perf_counter()
    result = run_core(lambda: grade_scans(scans, options))
    print_problems(result.problems)
    seconds = time.perf_counter() - started
    summary = f"Read {result.pages} page{'s' if result.pages != 1 else ''}"
    if result.blank:
        summary += f" ({result.blank} blank skipped)"
    if result.unreadable:
        summary += f"; {result.unreadable} could not be read"
    if result.flagged:
        summary += f"; {result.flagged} flag{'s' if result.flagged != 1 else ''} to check"
    typer.echo(f"{summary} in {seconds:.1f} s.")
    report(result.outputs, "Wrote")
    if result.unreadable or (strict and (result.flagged or result.problems)):
        raise typer.Exit(1)
