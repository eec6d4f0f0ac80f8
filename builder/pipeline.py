"""The whole build: load -> validate -> assemble -> HTML -> PDF -> combine -> write.

Everything is gathered before anything is written: every lesson and bundle is loaded
and validated first (all problems reported together), then every document is
rendered into a staging folder inside the output folder, and only when all of them
succeeded are the files moved into place (SPEC §3). A failed build leaves earlier
outputs exactly as they were.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .discover import load_all
from .errors import LessonError, Problem, errors_in
from .letters import letter

if TYPE_CHECKING:  # rendering modules load only when something is rendered (fast `check`)
    from .bundles import BundleSource
    from .jobs import Document, Layout
    from .load import LessonSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path = Path("dist")
    paper: str | None = None  # None: a bundle's own paper, else Letter
    key: bool = True
    html: bool = False
    strict: bool = False
    large_print: bool = False
    versions: int | None = None  # None: 1, or a bundle's own
    seed: int | None = None  # None: 1, or a bundle's own
    force: bool = False  # rebuild everything, ignoring the build cache
    jobs: int | None = None  # worker processes; None: one per core, 1: render in this process


@dataclass
class Output:
    path: Path
    pages: int | None = None  # None for HTML and assets


@dataclass
class Result:
    """What a check or build found and made. `problems` holds warnings and errors."""

    lessons: list[LessonSource] = field(default_factory=list)
    bundles: list[BundleSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)

    def add(self, problems: list[Problem]) -> None:
        """Add problems, once each (the student sheet and key often report the same)."""
        self.problems += [p for p in problems if p not in self.problems]


def load(paths: Iterable[Path]) -> Result:
    loaded = load_all(paths)
    return Result(lessons=loaded.lessons, bundles=loaded.bundles, problems=loaded.problems)


def check(paths: Iterable[Path], strict: bool = False) -> Result:
    """Validate without writing. With `strict`, also render and report layout problems,
    and treat every warning as an error."""
    result = load(paths)
    if strict and not errors_in(result.problems):
        for document in plan(result, BuildOptions()):
            result.add(_render(document, BuildOptions()).layout_warnings)
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    return result


def build(paths: Iterable[Path], options: BuildOptions) -> Result:
    """Build every lesson's and bundle's PDFs (and HTML with `options.html`); all or nothing.

    Raises LessonError carrying every problem when anything is invalid or cannot be
    rendered; then nothing is written.
    """
    result = load(paths)
    _stop_on_errors(result, options.strict)
    documents = plan(result, options)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lessonpack-staging-", dir=options.out_dir))
    try:
        staged: list[tuple[Path, Output]] = []
        pdfs: dict[str, bytes] = {}
        for document in documents:
            rendered = _render(document, options)
            result.add(rendered.layout_warnings)
            pdfs[document.name] = rendered.data
            staged.append(_stage(staging, f"{document.name}.pdf", rendered.data, rendered.pages))
            if document.page_html is not None:
                staged.append(_stage(staging, f"{document.name}.html", document.page_html.encode()))
        if options.html:
            staged += _stage_assets(staging, result.lessons, options.large_print)
        staged += _stage_packets(staging, result.bundles, pdfs, options)
        _stop_on_errors(result, options.strict)
        for staged_path, output in staged:
            final = options.out_dir / output.path
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged_path, final)
            result.outputs.append(Output(final, output.pages))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def plan(result: Result, options: BuildOptions) -> list[Document]:
    """Every document to render: each lesson, and each lesson as printed in each bundle."""
    from .jobs import bundle_header, lesson_documents

    documents = []
    for source in result.lessons:
        documents += lesson_documents(
            source,
            _layouts(options.paper or "letter", options.large_print),
            _versions(options.versions or 1),
            options.seed or 1,
            options.key,
            options.html,
        )
    for bundle, layouts in _bundles(result.bundles, options):
        for source in bundle.entries:
            documents += lesson_documents(
                source,
                layouts,
                bundle.versions,
                bundle.bundle.seed,
                options.key,
                html=False,
                folder=f"{bundle.name}/lessons",
                header=bundle_header(bundle),
            )
    return documents


def lesson_view(source: LessonSource, options: BuildOptions):
    """The render context of a lesson as a build with `options` prints it."""
    from . import jobs
    from .jobs import Layout

    return jobs.lesson_view(source, Layout(options.paper or "letter", options.large_print))


def _bundles(bundles: list[BundleSource], options: BuildOptions):
    """Each bundle as this build prints it, with its layouts (command line first)."""
    for bundle in bundles:
        bundle = _with_options(bundle, options)
        paper = options.paper or bundle.bundle.paper or "letter"
        yield bundle, _layouts(paper, options.large_print or bundle.bundle.large_print)


def _with_options(bundle: BundleSource, options: BuildOptions) -> BundleSource:
    """Command-line --versions and --seed win over the bundle file's."""
    update = {
        k: v for k, v in (("versions", options.versions), ("seed", options.seed)) if v is not None
    }
    return replace(bundle, bundle=bundle.bundle.model_copy(update=update)) if update else bundle


def _layouts(paper: str, large_print: bool) -> list[Layout]:
    from .jobs import Layout

    return [Layout(paper)] + ([Layout(paper, large_print=True)] if large_print else [])


def _versions(count: int) -> list[str]:
    return [letter(i) for i in range(count)] if count > 1 else [""]


def _render(document: Document, options: BuildOptions):
    from . import jobs

    return jobs.render(document)


def _stop_on_errors(result: Result, strict: bool) -> None:
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    if errors_in(result.problems):
        raise LessonError(result.problems)


def _stage(
    staging: Path, relative: str, data: bytes, pages: int | None = None
) -> tuple[Path, Output]:
    path = staging / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path, Output(Path(relative), pages)


def _stage_packets(
    staging: Path, bundles: list[BundleSource], pdfs: dict[str, bytes], options: BuildOptions
) -> list[tuple[Path, Output]]:
    from .packets import packet_files

    staged = []
    for bundle, layouts in _bundles(bundles, options):
        for packet in packet_files(bundle, pdfs, layouts, options.key):
            staged.append(_stage(staging, packet.name, packet.data, packet.pages))
    return staged


def _stage_assets(
    staging: Path, lessons: list[LessonSource], large_print: bool
) -> list[tuple[Path, Output]]:
    """Copy the stylesheets and images beside each lesson's HTML so the pages work offline."""
    from .documents import image_asset
    from .sandbox import checked_path
    from .theme import builtin_roots, stylesheet_paths

    staged = []
    for source in lessons:
        roots = [source.root, *builtin_roots()]
        for css in stylesheet_paths(source.root, large_print):
            checked = checked_path(css, roots)
            staged.append(_stage(staging, f"{source.slug}/{css.name}", checked.read_bytes()))
        for reading in source.lesson.readings:
            for image in reading.images:
                checked = checked_path(source.folder / image.file, roots)
                staged.append(
                    _stage(
                        staging, f"{source.slug}/{image_asset(image.file)}", checked.read_bytes()
                    )
                )
    return staged
