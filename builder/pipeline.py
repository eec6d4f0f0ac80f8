"""The whole build, lesson by lesson: load -> validate -> assemble -> HTML -> PDF -> write.

Everything is gathered before anything is written: every lesson is loaded and
validated first (all problems of all lessons are reported together), then every
document is rendered into a staging folder inside the output folder, and only when
all of them succeeded are the files moved into place (SPEC §3). A failed build
leaves earlier outputs exactly as they were.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .assemble import assemble, needs_measuring
from .errors import LessonError, Problem, errors_in
from .load import LESSON_FILE, LessonSource, load_lesson
from .render_html import render_html
from .theme import builtin_roots, stylesheet_paths

log = logging.getLogger(__name__)

BUNDLE_SUFFIX = ".bundle.yaml"
SKIP_DIRS = {"dist", "node_modules", "__pycache__", "templates", "styles"}


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path = Path("dist")
    paper: str = "letter"
    key: bool = True
    html: bool = False
    strict: bool = False


@dataclass
class Output:
    path: Path
    pages: int | None = None  # None for HTML and assets


@dataclass
class Result:
    """What a check or build found and made. `problems` holds warnings and errors."""

    lessons: list[LessonSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)

    def add(self, problems: list[Problem]) -> None:
        """Add problems, once each (the student sheet and key often report the same)."""
        self.problems += [p for p in problems if p not in self.problems]


@dataclass(frozen=True)
class _Document:
    source: LessonSource
    variant: str  # "student" or "key"
    html: str  # for the PDF
    page_html: str | None  # for --html: the same page, linking its stylesheets


def find_lessons(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Lesson folders named by PATH arguments: a lesson folder, its lesson.yaml, or a folder
    searched for them. Bundles are reported, not yet built."""
    folders: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.name.endswith(BUNDLE_SUFFIX):
            problems.append(
                Problem(
                    path,
                    "bundle files are not built by this version of "
                    "lessonpack yet; build the lessons one by one",
                )
            )
        elif path.is_file():
            if path.name != LESSON_FILE:
                problems.append(
                    Problem(path, f"not a lesson: expected a folder or a {LESSON_FILE} file")
                )
            else:
                folders.append(path.parent)
        elif (path / LESSON_FILE).is_file():
            folders.append(path)
        else:
            found = sorted(_search(path))
            if not found:
                problems.append(
                    Problem(
                        path,
                        f"no lessons found (a lesson is a folder with a "
                        f"{LESSON_FILE}); create one with "
                        "'lessonpack new my-lesson'",
                    )
                )
            folders += found
    unique = list(dict.fromkeys(folder.resolve() for folder in folders))
    return unique, problems


def _search(folder: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        if LESSON_FILE in filenames:
            dirnames[:] = []  # a lesson's own subfolders hold readings and images
            yield Path(dirpath)


def load_all(paths: Iterable[Path]) -> Result:
    """Load and validate every lesson named by `paths`, collecting all problems."""
    folders, problems = find_lessons(paths)
    result = Result(problems=problems)
    slugs: dict[str, Path] = {}
    for folder in folders:
        source, lesson_problems = load_lesson(folder)
        result.problems += lesson_problems
        if source is None:
            continue
        if source.slug in slugs:
            result.problems.append(
                Problem(
                    source.yaml_path,
                    f"another lesson is also named "
                    f"'{source.slug}' ({slugs[source.slug]}); its "
                    "outputs would overwrite this one's",
                )
            )
            continue
        slugs[source.slug] = source.yaml_path
        result.lessons.append(source)
    return result


def check(paths: Iterable[Path], strict: bool = False) -> Result:
    """Validate without writing. With `strict`, also render and report layout problems,
    and treat every warning as an error."""
    result = load_all(paths)
    if strict and not errors_in(result.problems):
        for document in _documents(result.lessons, BuildOptions()):
            result.add(_render(document, BuildOptions()).layout_warnings)
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    return result


def build(paths: Iterable[Path], options: BuildOptions) -> Result:
    """Build every lesson's PDFs (and HTML with `options.html`); all or nothing.

    Raises LessonError carrying every problem when anything is invalid or cannot be
    rendered; then nothing is written.
    """
    result = load_all(paths)
    _stop_on_errors(result, options.strict)
    documents = _documents(result.lessons, options)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lessonpack-staging-", dir=options.out_dir))
    try:
        staged: list[tuple[Path, Output]] = []
        for document in documents:
            rendered = _render(document, options)
            result.add(rendered.layout_warnings)
            name = f"{document.source.slug}/{document.source.slug}-{document.variant}"
            staged.append(_stage(staging, f"{name}.pdf", rendered.data, rendered.pages))
            if document.page_html is not None:
                staged.append(_stage(staging, f"{name}.html", document.page_html.encode()))
        if options.html:
            staged += _stage_css(staging, result.lessons)
        _stop_on_errors(result, options.strict)
        for staged_path, output in staged:
            final = options.out_dir / output.path
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged_path, final)
            result.outputs.append(Output(final, output.pages))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _stop_on_errors(result: Result, strict: bool) -> None:
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    if errors_in(result.problems):
        raise LessonError(result.problems)


def _documents(lessons: list[LessonSource], options: BuildOptions) -> list[_Document]:
    variants = ["student", "key"] if options.key else ["student"]
    documents = []
    for source in lessons:
        view = lesson_view(source, options)
        hrefs = [path.name for path in stylesheet_paths(source.root)]
        for variant in variants:
            show = variant == "key"
            # The PDF gets parsed CSS directly; the HTML page links its copied stylesheets.
            pdf_html = render_html(view, source.root, show_answers=show, paper=options.paper)
            page_html = (
                render_html(
                    view, source.root, show_answers=show, paper=options.paper, stylesheets=hrefs
                )
                if options.html
                else None
            )
            documents.append(_Document(source, variant, pdf_html, page_html))
    return documents


def lesson_view(source: LessonSource, options: BuildOptions):
    """The render context of a lesson in this layout, line numbers measured if it has any."""
    lines = _measure(source, options) if needs_measuring(source) else None
    return assemble(source, lines=lines)


def _measure(source: LessonSource, options: BuildOptions):
    """The line-measuring pass (line_numbers.py), once per lesson and layout."""
    from .render_pdf import measure_lines

    view = assemble(source, measuring=True)
    html = render_html(view, source.root, show_answers=False, paper=options.paper)
    return measure_lines(_job(source, html, "measure", options))


def _render(document: _Document, options: BuildOptions):
    from .render_pdf import render_pdf  # WeasyPrint is imported only to render

    return render_pdf(_job(document.source, document.html, document.variant, options))


def _job(source: LessonSource, html: str, variant: str, options: BuildOptions):
    from .render_pdf import PdfJob

    return PdfJob(
        html=html,
        base_dir=source.folder,
        stylesheets=tuple(stylesheet_paths(source.root)),
        paper=options.paper,
        allowed_roots=(source.root, *builtin_roots()),
        lesson_file=source.yaml_path,
        identifier=f"{source.slug}/{variant}/{options.paper}",
    )


def _stage(
    staging: Path, relative: str, data: bytes, pages: int | None = None
) -> tuple[Path, Output]:
    path = staging / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path, Output(Path(relative), pages)


def _stage_css(staging: Path, lessons: list[LessonSource]) -> list[tuple[Path, Output]]:
    """Copy the stylesheets and images beside each lesson's HTML so the pages work offline."""
    from .documents import image_asset
    from .sandbox import checked_path

    staged = []
    for source in lessons:
        roots = [source.root, *builtin_roots()]
        for css in stylesheet_paths(source.root):
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
