"""`lessonpack export`: the lesson's quiz for Canvas and Moodle (SPEC §3, §7)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .console import Paper, Paths, lesson_paths, print_problems, report, run_core


class To(StrEnum):
    canvas = "canvas"
    moodle = "moodle"
    all = "all"


def export(
    paths: Paths = None,
    to: Annotated[
        To, typer.Option("--to", case_sensitive=False, help="Which platform's file to write.")
    ] = To.all,
    paper: Annotated[
        Paper | None,
        typer.Option(
            case_sensitive=False,
            help="The printed handout whose line numbers the quiz cites [default: letter, "
            "or a bundle's].",
        ),
    ] = None,
    no_feedback: Annotated[
        bool,
        typer.Option(
            "--no-feedback",
            help="Leave model answers and rubrics out (Canvas shows feedback to students "
            "after they submit).",
        ),
    ] = False,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("dist"),
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat every warning as an error.")
    ] = False,
):
    """Export lessons as quizzes for Canvas (QTI .zip) and Moodle (XML), with their documents.

    Example: lessonpack export lessons/cuban-missile-crisis --to canvas

    Writes DIR/<slug>/<slug>-canvas.zip and <slug>-moodle.xml (a bundle: one quiz per
    lesson). Nothing is written unless every lesson is valid.
    """
    from ..export.run import PLATFORMS, ExportOptions
    from ..export.run import export_quizzes as run_export

    options = ExportOptions(
        out_dir=out,
        to=PLATFORMS if to is To.all else (to.value,),
        paper=paper.value if paper else None,
        feedback=not no_feedback,
        strict=strict,
    )
    result = run_core(lambda: run_export(lesson_paths(paths), options))
    print_problems(result.problems)
    report(result.outputs, "Exported")
