"""`build --answer-sheets` and a bundle's `answer_sheets: true`: write each answers PDF
beside the handouts, all or nothing (SPEC §3, §7).

It runs after the handouts are built, from the same request (paper, versions, seed,
large print), and writes through the build's staging writer. A bundle asks for its own
sheets; `--answer-sheets` asks for every lesson's and bundle's. Never for `--html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import LessonError, Problem, errors_in
from ..letters import version_letters
from ..output.outputs import Made, Sheet, Variant
from ..output.write import Output, OutputFile, write_changed
from ..project.paper_names import DEFAULT_PAPER
from .items import sheet_problems
from .plan import SheetSet, bundle_set, lesson_set


@dataclass(frozen=True)
class SheetOptions:
    out_dir: Path = Path("dist")
    lessons: bool = False  # --answer-sheets: every lesson's too, not only bundles asking
    copies: int | None = None  # None: a bundle's `copies:`, else 30
    paper: str | None = None
    versions: int | None = None
    seed: int | None = None
    large_print: bool = False
    strict: bool = False


@dataclass
class SheetResult:
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)


def sheet_sets(
    paths: Iterable[Path], options: SheetOptions
) -> tuple[list[SheetSet], list[Problem]]:
    """Every answers PDF this build prints, and what a teacher should know first."""
    from ..project.discover import load_all

    loaded = load_all(paths)
    if errors_in(loaded.problems):
        raise LessonError(loaded.problems)
    problems: list[Problem] = []  # the loader's warnings are the build's to print
    sets: list[SheetSet] = []
    if options.lessons:
        large = [False, True] if options.large_print else [False]
        versions = tuple(version_letters(options.versions or 1))
        for source in loaded.lessons:
            problems += sheet_problems(source)
            for large_print in large:
                sets.append(
                    lesson_set(
                        source,
                        versions,
                        options.seed or 1,
                        options.paper or DEFAULT_PAPER,
                        large_print,
                        options.copies or 30,
                    )
                )
    for bundle in loaded.bundles:
        if not (options.lessons or bundle.bundle.answer_sheets):
            continue
        # as the handouts' build does (output/pipeline.py): `--seed 0` is a seed, not "unset"
        update = {
            k: v
            for k, v in (("versions", options.versions), ("seed", options.seed))
            if v is not None
        }
        if update:
            bundle = replace(bundle, bundle=bundle.bundle.model_copy(update=update))
        for source in bundle.entries:
            problems += sheet_problems(source)
        problems += _bundle_name_problems(bundle)
        for large_print in (
            [False, True] if options.large_print or bundle.bundle.large_print else [False]
        ):
            sets.append(
                bundle_set(
                    bundle,
                    bundle.bundle.seed,
                    options.paper or bundle.bundle.paper or DEFAULT_PAPER,
                    large_print,
                    options.copies or bundle.bundle.copies,
                )
            )
    graded = [s for s in sets if any(s.layout(v).items for v in s.versions)]
    for sheet_set in sets:
        if sheet_set not in graded and not sheet_set.large_print:
            problems.append(_nothing_to_grade(sheet_set))
    return graded, _dedupe(problems)


def _nothing_to_grade(sheet_set: SheetSet) -> Problem:
    """A sheet without rows would print as a blank page: say so and print none."""
    bundle = sheet_set.bundle
    return Problem(
        bundle.path if bundle else sheet_set.entries[0].yaml_path,
        f"{'bundle' if bundle else 'lesson'} '{sheet_set.name}' has nothing an answer sheet "
        "grades (a choice or true/false question, or an item with 'points:'): no answer "
        "sheets printed",
        severity="warning",
    )


def _bundle_name_problems(bundle) -> list[Problem]:
    from ..project.files import SLUG

    if SLUG.match(bundle.name):
        return []
    return [
        Problem(
            bundle.path,
            f"bundle '{bundle.name}' prints answer sheets, so its file name must be a slug "
            "(lowercase letters, digits, hyphens): the QR code names it",
        )
    ]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def check_sheets(paths: Iterable[Path], options: SheetOptions) -> None:
    """Raise LessonError when the answer sheets could not be printed (points above 99, a
    bundle name that is not a slug; with `strict`, any warning), before a build writes
    anything: a build that cannot make all its files makes none."""
    _, problems = sheet_sets(paths, options)
    if options.strict:
        problems = [p.as_error() for p in problems]
    if errors_in(problems):
        raise LessonError(problems)


def write_answer_sheets(paths: Iterable[Path], options: SheetOptions) -> SheetResult:
    """Print and write every answers PDF; raise LessonError carrying every problem when
    one is an error (with `strict`, also a warning): then nothing is written."""
    from .sheets import print_sheets

    sets, problems = sheet_sets(paths, options)
    result = SheetResult(problems)
    if options.strict:
        result.problems = [p.as_error() for p in result.problems]
    if errors_in(result.problems):
        raise LessonError(result.problems)
    files = {}
    for sheet_set in sets:
        printed = print_sheets(sheet_set)
        made = Made(
            sheet_set.name,
            Variant(Sheet.ANSWERS, "", sheet_set.large_print),
            sheet_set.paper,
            bundle=sheet_set.bundle is not None,
        )
        files[made.name("pdf")] = OutputFile(
            printed.data,
            printed.pages,
            sheet_set.name,
            made=made,
            duplex=sheet_set.duplex,
        )
    result.outputs = write_changed(files, options.out_dir)
    return result
