"""`lessonpack export`: load and check every lesson and bundle, make their quizzes, write
each platform's file, all or nothing (SPEC §3, §7).

A lesson that cites printed lines (`{line:name}`, `line_numbers: true`) is measured as
a build would lay it out on the chosen paper, because students read the printout beside
the quiz; only then is WeasyPrint imported. Every other lesson exports without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import LessonError, Problem, errors_in
from ..output.write import Output, OutputFile, write_changed
from ..project.lesson import LessonSource
from ..project.paper_names import DEFAULT_PAPER
from .quiz import Item, Quiz, quiz, stable_id

Platform = Literal["canvas", "moodle"]
PLATFORMS: tuple[Platform, ...] = ("canvas", "moodle")
SUFFIX = {"canvas": "-canvas.zip", "moodle": "-moodle.xml"}


@dataclass(frozen=True)
class ExportOptions:
    out_dir: Path = Path("dist")
    to: tuple[Platform, ...] = PLATFORMS
    paper: str | None = None  # None: Letter, or a bundle's own paper
    feedback: bool = True  # model answers and rubrics as feedback (Canvas shows it late)
    strict: bool = False


@dataclass
class ExportResult:
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)


def export_quizzes(paths: Iterable[Path], options: ExportOptions) -> ExportResult:
    """Export every lesson and bundle under `paths`. Raises LessonError carrying every
    problem when anything is invalid (with `strict`, also on any warning); then nothing
    is written."""
    from ..output.fingerprints import Themes
    from ..project.discover import load_all

    loaded = load_all(paths)
    themes = Themes()
    result = ExportResult(problems=list(loaded.problems))
    _stop_on_errors(result, options.strict)
    files: dict[str, OutputFile] = {}
    for source in loaded.lessons:
        paper = options.paper or DEFAULT_PAPER
        made = _quiz(source, paper, options.feedback, stable_id(source.slug), themes)
        files |= _files(source.slug, [(made, source)], options, result)
    for bundle in loaded.bundles:
        paper = options.paper or bundle.bundle.paper or DEFAULT_PAPER
        quizzes = [
            (
                _quiz(entry, paper, options.feedback, stable_id(bundle.name, entry.slug), themes),
                entry,
            )
            for entry in bundle.entries
        ]
        files |= _files(bundle.name, quizzes, options, result)
    _stop_on_errors(result, options.strict)
    result.outputs = write_changed(files, options.out_dir)
    return result


def _quiz(source: LessonSource, paper: str, feedback: bool, ident: str, themes) -> Quiz:
    """The quiz as the handout on `paper` prints it: its line numbers measured like a
    build's, and the measuring shared with the build (or the export) before it in this
    process, so a lesson also printed in a bundle, or `build --export`, measures once."""
    from ..compose.assemble import assemble
    from ..output.plan import Group, Layout
    from ..output.workers import measured_lines

    group = Group(source, Layout(paper), ("",), 1, key=False, html=False)
    view = assemble(source, lines=measured_lines(group, themes))
    return quiz(view, source.folder, feedback, ident)


def _files(
    name: str,
    quizzes: list[tuple[Quiz, LessonSource]],
    options: ExportOptions,
    result: ExportResult,
) -> dict[str, OutputFile]:
    """`<name>/<name>-canvas.zip` and `<name>/<name>-moodle.xml`, as asked."""
    sources = {q.ident: source for q, source in quizzes}

    def warn(quiz: Quiz, item: Item, message: str) -> None:
        path = sources[quiz.ident].yaml_path
        result.problems.append(Problem(path, f"{item.source}: {message}", severity="warning"))

    files = {}
    for platform in options.to:
        data = _writer(platform)([q for q, _ in quizzes], warn)
        files[f"{name}/{name}{SUFFIX[platform]}"] = OutputFile(data, None, name)
    return files


def _writer(platform: Platform):
    if platform == "canvas":
        from .canvas import canvas_package

        return canvas_package
    from .moodle import moodle_xml

    return moodle_xml


def _stop_on_errors(result: ExportResult, strict: bool) -> None:
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    if errors_in(result.problems):
        raise LessonError(result.problems)
