"""`build --answer-sheets` and a bundle's `answer_sheets: true`: write each answers PDF
beside the handouts, all or nothing (SPEC §3, §7).

The sheets are planned and checked before the handouts are built and printed after
them, from the same request (paper, versions, seed, large print: the bundles by the
pipeline's own rules), and written through the build's staging writer. A bundle asks for its own
sheets; `--answer-sheets` asks for every lesson's and bundle's. Never for `--html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LessonError, Problem, errors_in
from ..letters import version_letters
from ..output.outputs import Made, Sheet, Variant
from ..output.pipeline import BuildOptions
from ..output.write import Output, OutputFile, write_changed
from ..project.paper_names import DEFAULT_PAPER
from .items import sheet_problems
from .plan import SheetSet, bundle_set, lesson_set


@dataclass(frozen=True)
class SheetOptions:
    build: BuildOptions = field(default_factory=BuildOptions)  # paper, versions, seed, large
    # print, strict and the output folder: the sheets print what the handouts print
    lessons: bool = False  # --answer-sheets: every lesson's too, not only bundles asking
    copies: int | None = None  # None: a bundle's `copies:`, else 30


@dataclass
class SheetResult:
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)


@dataclass
class SheetPlan:
    """What a build's answer sheets will be, checked before anything is written."""

    sets: list[SheetSet]
    problems: list[Problem]  # warnings (errors under --strict stop the plan)


def sheet_sets(
    paths: Iterable[Path], options: SheetOptions
) -> tuple[list[SheetSet], list[Problem]]:
    """Every answers PDF this build prints, and what a teacher should know first (as
    errors under `strict`)."""
    from ..output.pipeline import bundles_as_built, print_layouts
    from ..project.discover import load_all

    loaded = load_all(paths)
    if errors_in(loaded.problems):
        raise LessonError(loaded.problems)
    build = options.build
    problems: list[Problem] = []  # the loader's warnings are the build's to print
    sets: list[SheetSet] = []
    if options.lessons:
        versions = tuple(version_letters(build.versions or 1))
        for source in loaded.lessons:
            problems += sheet_problems(source)
            for layout in print_layouts(build.paper or DEFAULT_PAPER, build.large_print):
                sets.append(
                    lesson_set(
                        source,
                        versions,
                        build.seed or 1,
                        layout.paper,
                        layout.large_print,
                        options.copies or 30,
                    )
                )
    for bundle, layouts in bundles_as_built(loaded.bundles, build):
        if not (options.lessons or bundle.bundle.answer_sheets):
            continue
        for source in bundle.entries:
            problems += sheet_problems(source)
        problems += _bundle_name_problems(bundle)
        for layout in layouts:
            sets.append(
                bundle_set(
                    bundle,
                    bundle.bundle.seed,
                    layout.paper,
                    layout.large_print,
                    options.copies or bundle.bundle.copies,
                )
            )
    graded = [s for s in sets if any(s.layout(v).items for v in s.versions)]
    for sheet_set in sets:
        if sheet_set not in graded and not sheet_set.large_print:
            problems.append(_nothing_to_grade(sheet_set))
    problems = _dedupe(problems)
    return graded, [p.as_error() for p in problems] if build.strict else problems


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


def plan_sheets(paths: Iterable[Path], options: SheetOptions) -> SheetPlan:
    """The answer sheets a build will print; raise LessonError when they cannot be (points
    above 99, a bundle name that is not a slug; with `strict`, any warning), so that a
    build checks them before it writes anything: one that cannot make all its files
    makes none."""
    sets, problems = sheet_sets(paths, options)
    if errors_in(problems):
        raise LessonError(problems)
    return SheetPlan(sets, problems)


def write_sheets(plan: SheetPlan, out_dir: Path) -> SheetResult:
    """Print and write every answers PDF of `plan`."""
    from .sheets import print_sheets

    files = {}
    for sheet_set in plan.sets:
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
    return SheetResult(plan.problems, write_changed(files, out_dir))


def write_answer_sheets(paths: Iterable[Path], options: SheetOptions) -> SheetResult:
    """Plan, print and write every answers PDF; raise LessonError carrying every problem
    when one is an error (with `strict`, also a warning): then nothing is written."""
    return write_sheets(plan_sheets(paths, options), options.build.out_dir)
